import { kickRequest, NICK_NOT_THERE } from "../irc/channelRequests";
import { actorsFor, detach, failureOf, ghostAction, moderatorRefusal, throughActors, type GhostAction } from "./chanops";
import type { MatrixContext, MatrixHandler } from "./context";

/**
 * A Matrix moderator kicked a ghost: KICK on IRC, through their own connection when it is an
 * operator of the channel, else the bridge's bot (see chanops.ts). When the bridge may not or
 * cannot (the moderator is below chanops.moderatorLevel, nobody who could act is an operator, the
 * server refused), the kick does not stand on Matrix either: the ghost comes back, as it is still
 * on IRC, and a notice says why. A nick that is no longer in the channel is only reported.
 */
export const onGhostKick: MatrixHandler = (event, ctx) => {
  const what = ghostAction(event, ctx, "kicked");
  if (what !== undefined) detach(ctx, "kick", kick(ctx, what));
};

async function kick(ctx: MatrixContext, what: GhostAction): Promise<void> {
  const { room, runtime, sender, ghost, nick } = what;
  const channel = room.channel;
  const refuse = (why: string) => {
    ctx.notice(room.roomId, `${sender}: ${nick} was not kicked from ${channel} on IRC: ${why}. ${nick} is back in the room, as it is still on IRC.`);
    ctx.restoreGhost(room.roomId, ghost, false);
  };
  const low = await moderatorRefusal(ctx, runtime, room.roomId, sender);
  if (low !== undefined) return refuse(low);
  const actors = actorsFor(ctx, runtime, channel, sender);
  if (!actors.ok) return refuse(actors.why);
  const reply = await throughActors(actors.connections, (c) => c.request(kickRequest(channel, nick, what.reason)));
  if (reply.kind === "ok") {
    ctx.log.info("kicked on IRC for a Matrix moderator", { room: room.roomId, channel, nick, by: sender });
    return;
  }
  if (reply.kind === "error" && NICK_NOT_THERE.has(reply.numeric)) {
    ctx.notice(room.roomId, `${sender}: ${nick} was not kicked from ${channel} on IRC: it is not in the channel (${failureOf(reply)}).`);
    return;
  }
  refuse(failureOf(reply));
}
