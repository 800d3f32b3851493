import { maskMatches } from "../irc/masks";
import { roomsOf, type IrcContext } from "./context";

/**
 * A ban (+b) whose mask matches a Matrix user's puppet in the channel (its nick!user@host, with the
 * server's casemapping): the room is told, naming the Matrix user, since IRC will not let them
 * back in. Extended bans and CIDR masks are not matched (see irc/masks.ts). Returns the masks that
 * matched a puppet.
 */
export function noticeBans(ctx: IrcContext, channel: string, by: string, masks: readonly string[]): Set<string> {
  const matched = new Set<string>();
  const puppets = ctx.puppetsIn(channel);
  for (const mask of masks) {
    const hit = puppets.filter((p) => p.hostmask !== undefined && maskMatches(mask, p.hostmask, ctx.network.channels.mapping));
    if (hit.length === 0) continue;
    matched.add(mask);
    const who = hit.map((p) => `${p.userId} (${p.nick} on IRC)`).join(", ");
    for (const room of roomsOf(ctx, channel)) ctx.notice(room.roomId, `${by} banned ${mask} from ${channel} on IRC. This matches ${who}: they cannot rejoin the channel while the ban stands.`);
  }
  return matched;
}
