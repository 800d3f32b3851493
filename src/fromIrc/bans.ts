import { maskMatches } from "../irc/masks";
import { channelBanReason } from "../rooms/removalReasons";
import { roomsOf, type IrcContext } from "./context";

/**
 * A ban (+b) whose mask matches a Matrix user's puppet (its nick!user@host, with the server's
 * casemapping): the room is told, naming the Matrix user, since IRC will not let them back in,
 * and with `kickOn.channelBan` the user is removed from the channel's rooms (banned there with
 * `kickOn.banInMatrix`, until a matching -b or their own successful JOIN: rooms/removals.ts).
 * Every puppet of the network is matched, not only those in the channel now: the KICK that
 * usually follows the ban may have reached the puppet's own connection first.
 * Bans set by the bridge's own connections (a Matrix moderator's ban of a ghost, carried out on IRC)
 * remove nobody: their mask was made for the ghost's IRC user. Extended bans and CIDR masks are not
 * matched (see irc/masks.ts). Returns the masks that matched a puppet.
 */
export function noticeBans(ctx: IrcContext, channel: string, by: string, masks: readonly string[]): Set<string> {
  const matched = new Set<string>();
  const puppets = ctx.allPuppets();
  const rooms = roomsOf(ctx, channel);
  const { channelBan, banInMatrix } = ctx.network.kickOn;
  const remove = channelBan && !ctx.isOurs(by);
  for (const mask of masks) {
    const hit = puppets.filter((p) => p.hostmask !== undefined && maskMatches(mask, p.hostmask, ctx.network.channels.mapping));
    if (hit.length === 0) continue;
    matched.add(mask);
    const who = hit.map((p) => `${p.userId} (${p.nick} on IRC)`).join(", ");
    const removed = remove ? " They are removed from this room." : "";
    for (const room of rooms) ctx.notice(room.roomId, `${by} banned ${mask} from ${channel} on IRC. This matches ${who}: they cannot rejoin the channel while the ban stands.${removed}`);
    if (!remove) continue;
    const roomIds = rooms.map((r) => r.roomId);
    const reason = channelBanReason(channel, by, mask);
    for (const p of hit) {
      if (banInMatrix) ctx.removals.ban(p.userId, roomIds, channel, reason, mask, p.hostmask);
      else ctx.removals.kick(p.userId, roomIds, reason);
    }
  }
  return matched;
}

/** Bans lifted on IRC (-b): the Matrix bans the bridge set for them are lifted too. */
export function liftBans(ctx: IrcContext, channel: string, masks: readonly string[]): void {
  const roomIds = roomsOf(ctx, channel).map((r) => r.roomId);
  const mapping = ctx.network.channels.mapping;
  for (const mask of masks) ctx.removals.unbanned(roomIds, mask, (a, b) => ctx.fold(a) === ctx.fold(b), (m, hostmask) => maskMatches(m, hostmask, mapping));
}
