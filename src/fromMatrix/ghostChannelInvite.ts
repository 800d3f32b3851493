import { inviteRequest } from "../irc/channelRequests";
import { detach, failureOf, ghostAction, type GhostAction } from "./chanops";
import type { MatrixContext, MatrixHandler } from "./context";

/** Why a server refuses an INVITE, by numeric. */
const REFUSED: Readonly<Record<string, string>> = {
  "401": "the nick is not on IRC right now",
  "442": "your own IRC connection is not in the channel",
  "443": "the nick is in the channel already",
  "482": "the channel is invite-only and you are not one of its operators on IRC",
};

/**
 * A Matrix user invited a ghost into a bridged room: an IRC INVITE of that nick into the channel,
 * through the inviter's own connection and nobody else's (the IRC server decides who may invite, as
 * for any IRC user: the homeserver already checked that they may invite in the room). Silence on
 * success (341): the nick sees the INVITE, and its ghost joins the room when the nick joins the
 * channel. When it could not be sent or the server refused, the room is told why; the ghost's
 * Matrix invite stays (it is accepted if the nick joins later anyway). A ghost id that names no
 * valid nick sends nothing (chanops.ts ghostAction); a retried transaction does not invite twice.
 */
export const onGhostChannelInvite: MatrixHandler = (event, ctx) => {
  if (event.sender === undefined || ctx.isBridgeUser(event.sender)) return;
  if (event.event_id !== undefined && ctx.seenBefore(event.event_id)) return;
  const what = ghostAction(event, ctx, "invited");
  if (what !== undefined) detach(ctx, "invite", invite(ctx, what));
};

async function invite(ctx: MatrixContext, what: GhostAction): Promise<void> {
  const { room, runtime, sender, nick } = what;
  const { network } = runtime;
  const channel = room.channel;
  const refuse = (why: string) => ctx.notice(room.roomId, `${sender}: ${nick} was not invited to ${channel} on IRC: ${why}.`);
  const own = runtime.actors.puppet(sender);
  if (own === undefined) return refuse(`you are not connected to ${network.name}`);
  if (!own.isRegistered) return refuse(`your connection to ${network.name} is down (${own.downReason ?? "connecting"})`);
  const reply = await own.request(inviteRequest(nick, channel));
  if (reply.kind === "ok") {
    ctx.log.info("invited on IRC for a Matrix user", { room: room.roomId, channel, nick, by: sender });
    return;
  }
  refuse(reply.kind === "error" && REFUSED[reply.numeric] !== undefined ? `${REFUSED[reply.numeric] ?? ""} (${failureOf(reply)})` : failureOf(reply));
}
