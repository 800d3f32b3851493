import type { ModeEvent } from "../irc/events";
import { maskMatches } from "../irc/masks";
import { channelBanReason } from "../rooms/removalReasons";
import { roomsOf, type IrcContext } from "./context";
import type { RefusedUser } from "./joinRefused";

/**
 * A ban (+b) whose mask matches a Matrix user's puppet in the channel (its nick!user@host, with the server's
 * casemapping): the room is told, naming the Matrix user, since IRC will not let them back in.
 * Extended bans and CIDR masks are not matched (see irc/masks.ts). Returns the masks that matched
 * a puppet. (Removing the user is onOwnBan's: see there why.)
 */
export function noticeBans(ctx: IrcContext, channel: string, by: string, masks: readonly string[]): Set<string> {
  const matched = new Set<string>();
  const puppets = ctx.puppetsIn(channel);
  const rooms = roomsOf(ctx, channel);
  const removed = ctx.network.kickOn.channelBan && !ctx.isOurs(by) ? " They are removed from this room." : "";
  for (const mask of masks) {
    const hit = puppets.filter((p) => p.hostmask !== undefined && maskMatches(mask, p.hostmask, ctx.network.channels.mapping));
    if (hit.length === 0) continue;
    matched.add(mask);
    const who = hit.map((p) => `${p.userId} (${p.nick} on IRC)`).join(", ");
    for (const room of rooms) ctx.notice(room.roomId, `${by} banned ${mask} from ${channel} on IRC. This matches ${who}: they cannot rejoin the channel while the ban stands.${removed}`);
  }
  return matched;
}

/**
 * A MODE heard by a Matrix user's own connection: a ban (+b) matching its nick!user@host removes
 * the user from the channel's rooms with `kickOn.channelBan` (a Matrix ban with
 * `kickOn.banInMatrix`, until a matching -b or their own successful JOIN: rooms/removals.ts).
 * Matched on the puppet's own connection, which has read the echo of its JOIN (its hostmask)
 * before the ban, whereas the channel's reader may deliver the ban first. Bans set by the
 * bridge's own connections (a Matrix moderator's ban of a ghost, carried out on IRC) remove
 * nobody: their mask was made for the ghost's IRC user.
 */
export function onOwnBan(user: RefusedUser, e: ModeEvent, ctx: IrcContext): void {
  const { channelBan, banInMatrix } = ctx.network.kickOn;
  const hostmask = user.hostmask;
  if (!channelBan || hostmask === undefined || e.batch !== undefined || ctx.isOurs(e.by)) return;
  const mapping = ctx.network.channels.mapping;
  const mask = e.changes.find((c) => c.add && c.mode === "b" && c.kind === "list" && c.param !== undefined && maskMatches(c.param, hostmask, mapping))?.param;
  if (mask === undefined) return;
  const roomIds = roomsOf(ctx, e.channel).map((r) => r.roomId);
  const reason = channelBanReason(e.channel, e.by, mask);
  if (banInMatrix) ctx.removals.ban(user.userId, roomIds, e.channel, reason, mask, hostmask);
  else ctx.removals.kick(user.userId, roomIds, reason);
}

/** Bans lifted on IRC (-b): the Matrix bans the bridge set for them are lifted too. */
export function liftBans(ctx: IrcContext, channel: string, masks: readonly string[]): void {
  const roomIds = roomsOf(ctx, channel).map((r) => r.roomId);
  const mapping = ctx.network.channels.mapping;
  for (const mask of masks) ctx.removals.unbanned(roomIds, mask, (a, b) => ctx.fold(a) === ctx.fold(b), (m, hostmask) => maskMatches(m, hostmask, mapping));
}
