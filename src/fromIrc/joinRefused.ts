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
 *
 * Guarantee: a user whose puppet the channel refused does not stay in its rooms; every join of a
 * room (a rejoin too) sends a JOIN, so goes through this same gate. Not guaranteed: the window
 * between the user's Matrix join and the bot's removal (the JOIN's round trip to the IRC server
 * plus the kick; 0.15-0.6 s measured on Ergo, test/e2e/refusedJoins.test.ts). IRC messages the
 * bridge delivers to the room in that window are visible to them (the room's history is visible
 * from a member's join, so nothing from before it). A Matrix ban (IRC bans, banInMatrix) closes
 * that window for later rejoins.
 */
export function onJoinRefused(user: RefusedUser, e: JoinRefusal, ctx: IrcContext, untold: () => void): void {
  const rooms = roomsOf(ctx, e.channel).map((r) => r.roomId);
  if (!ctx.network.kickOn.channelJoinFailure) return untold();
  const reason = joinRefusedReason(ctx.network.name, e.channel, user.nick, e.numeric, e.reason);
  if (e.numeric === "474" && ctx.network.kickOn.banInMatrix) ctx.removals.ban(user.userId, rooms, e.channel, reason, undefined, user.hostmask, untold);
  else ctx.removals.kick(user.userId, rooms, reason, untold);
}
