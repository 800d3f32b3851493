import type { JoinRefusal } from "../irc/joinRefusals";
import { joinRefusedReason } from "../rooms/removalReasons";
import { roomsOf, type IrcContext } from "./context";

/** The Matrix user whose JOIN was refused: their id, and their connection's nick and nick!user@host. */
export interface RefusedUser {
  readonly userId: string;
  readonly nick: string;
  readonly hostmask: string | undefined;
}

/**
 * The server refused a user's JOIN (any refusal numeric): with `kickOn.channelJoinFailure` the user
 * is removed from every bridged room of the channel they are in, by the bot, with the server's
 * reason and what would let them in; a ban (474) is a Matrix ban with `kickOn.banInMatrix` (see
 * rooms/removals.ts), so that they cannot come back to the room while it stands. `untold` runs
 * when this removed them from no room (so they are told some other way, if nobody asked).
 */
export function onJoinRefused(user: RefusedUser, e: JoinRefusal, ctx: IrcContext, untold: () => void): void {
  const rooms = roomsOf(ctx, e.channel).map((r) => r.roomId);
  if (!ctx.network.kickOn.channelJoinFailure) return untold();
  const reason = joinRefusedReason(ctx.network.name, e.channel, user.nick, e.numeric, e.reason);
  if (e.numeric === "474" && ctx.network.kickOn.banInMatrix) ctx.removals.ban(user.userId, rooms, e.channel, reason, undefined, user.hostmask, untold);
  else ctx.removals.kick(user.userId, rooms, reason, untold);
}
