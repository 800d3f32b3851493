import { banMask, hostIn, kickRequest, modeRequest, NICK_NOT_THERE, userhostRequest } from "../irc/channelRequests";
import { actorsFor, detach, failureOf, ghostAction, moderatorRefusal, throughActors, type GhostAction } from "./chanops";
import type { ActingConnection, MatrixContext, MatrixHandler } from "./context";

/** How long the host lookup before a ban may take; without an answer the nick is banned instead. */
const USERHOST_TIMEOUT_MS = 5000;

/**
 * A Matrix moderator banned a ghost: an IRC ban (+b on `*!*@host` when USERHOST tells the host,
 * else on `nick!*@*`) and a KICK, through the same connections as a kick (see chanops.ts). The mask
 * is stored per room and ghost, so lifting the Matrix ban lifts exactly that IRC ban, even after a
 * restart. When no ban could be set, the Matrix ban does not stand either: the bot lifts it, the
 * ghost comes back (it is still on IRC), and a notice says why. A ban set whose KICK failed stays,
 * and the room is told.
 */
export const onGhostBan: MatrixHandler = (event, ctx) => {
  const what = ghostAction(event, ctx, "banned");
  if (what !== undefined) detach(ctx, "ban", ban(ctx, what));
};

async function ban(ctx: MatrixContext, what: GhostAction): Promise<void> {
  const { room, runtime, sender, ghost, nick } = what;
  const channel = room.channel;
  const refuse = (why: string) => {
    ctx.notice(room.roomId, `${sender}: ${nick} was not banned from ${channel} on IRC: ${why}. The Matrix ban is lifted and ${nick} is back in the room, as it is still on IRC.`);
    ctx.restoreGhost(room.roomId, ghost, true);
  };
  const low = await moderatorRefusal(ctx, runtime, room.roomId, sender);
  if (low !== undefined) return refuse(low);
  const actors = actorsFor(ctx, runtime, channel, sender);
  if (!actors.ok) return refuse(actors.why);
  let mask: string | undefined;
  const reply = await throughActors(actors.connections, async (c) => {
    const candidate = await maskFor(c, nick);
    if (candidate === undefined) return { kind: "lost", reason: `no ban mask that names only ${nick} could be built`, sent: false };
    const banned = await c.request(modeRequest(channel, "+b", [candidate]));
    if (banned.kind !== "ok") return banned;
    mask = candidate;
    return c.request(kickRequest(channel, nick, what.reason));
  });
  if (mask === undefined) {
    refuse(reply.kind === "ok" ? "the IRC server did not confirm the ban" : failureOf(reply));
    return;
  }
  await ctx.bans.put({ roomId: room.roomId, userId: ghost, network: runtime.network.id, channel, mask, by: sender, at: ctx.now() });
  ctx.log.info("banned on IRC for a Matrix moderator", { room: room.roomId, channel, nick, mask, by: sender });
  if (reply.kind === "ok" || (reply.kind === "error" && NICK_NOT_THERE.has(reply.numeric))) return;
  ctx.notice(room.roomId, `${sender}: ${nick} is banned from ${channel} on IRC (${mask}), but was not kicked: ${failureOf(reply)}.`);
}

/** The mask that bans the nick: by host when the server tells it (USERHOST), else by nick. */
async function maskFor(connection: ActingConnection, nick: string): Promise<string | undefined> {
  const reply = await connection.request(userhostRequest(nick), { timeoutMs: USERHOST_TIMEOUT_MS });
  const host = reply.kind === "ok" ? hostIn(reply.lines, nick, (a, b) => a.toLowerCase() === b.toLowerCase()) : undefined;
  return banMask(nick, host);
}
