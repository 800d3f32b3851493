/**
 * IRC prefix modes -> Matrix power levels, as wishes for each bridged room (written in batches by
 * rooms/powerLevelSync.ts). The level follows the user behind the nick: a Matrix user's puppet gives
 * the real Matrix user the level, any other nick its ghost; the bridge's own IRC bot gets none. A
 * nick's level is the highest its prefix modes map to (chanops.levels, only modes in the server's
 * PREFIX); with none mapped the user goes back to the room default, if the bridge had raised them.
 */
import type { RoomRecord } from "../store/store";
import { roomsOf, type IrcContext } from "./context";

/** The Matrix user whose power level follows the nick; undefined for the bridge's own IRC bot. */
export function userForNick(ctx: IrcContext, nick: string): string | undefined {
  const user = ctx.userOfNick(nick);
  if (user !== undefined) return user;
  return ctx.isOurs(nick) ? undefined : ctx.network.ids.ghostUserId(nick);
}

/** The highest level the prefix modes map to; undefined when none is mapped. */
export function levelFor(prefixes: string, levels: Readonly<Record<string, number>>): number | undefined {
  let best: number | undefined;
  for (const mode of prefixes.split("")) {
    const level = levels[mode];
    if (level !== undefined && (best === undefined || level > best)) best = level;
  }
  return best;
}

/** The level a moderated (+m) channel's room requires to speak: voice's, else 1. */
export function speakLevel(ctx: IrcContext): number {
  return ctx.network.chanops.levels.v ?? 1;
}

/**
 * The nick's level as the roster has it now, wished in every room of the channel. `force` (a MODE
 * line) writes even when the bridge believes the room already has it.
 */
export function syncNick(ctx: IrcContext, channel: string, nick: string, force: boolean): void {
  const user = userForNick(ctx, nick);
  if (user === undefined) return;
  const level = levelFor(ctx.roster.prefixesOf(channel, nick), ctx.network.chanops.levels);
  for (const room of roomsOf(ctx, channel)) ctx.access.powerLevels.want(room.roomId, user, level, ctx.network.chanops.batchMs, force);
}

/** The user behind a nick that left the channel goes back to the room default (if the bridge raised them). */
export function dropNick(ctx: IrcContext, channel: string, nick: string): void {
  const user = userForNick(ctx, nick);
  if (user === undefined) return;
  for (const room of roomsOf(ctx, channel)) ctx.access.powerLevels.want(room.roomId, user, undefined, ctx.network.chanops.batchMs);
}

/**
 * A full picture of the channel (NAMES, or a room bridged to a channel the bridge is in): every
 * member's level in the rooms, and users the bridge raised who no longer have a mapped prefix (or
 * are not in the channel any more) go back to the room default.
 */
export function syncChannel(ctx: IrcContext, channel: string, rooms: readonly RoomRecord[] = roomsOf(ctx, channel)): void {
  const { levels, batchMs } = ctx.network.chanops;
  const wanted = new Map<string, number>();
  for (const member of ctx.roster.entries(channel)) {
    const level = levelFor(member.modes, levels);
    const user = level === undefined ? undefined : userForNick(ctx, member.nick);
    if (user !== undefined && level !== undefined) wanted.set(user, Math.max(level, wanted.get(user) ?? 0));
  }
  for (const room of rooms) {
    for (const [user, level] of wanted) ctx.access.powerLevels.want(room.roomId, user, level, batchMs);
    for (const user of ctx.access.powerLevels.granted(room.roomId)) if (!wanted.has(user)) ctx.access.powerLevels.want(room.roomId, user, undefined, batchMs);
  }
}
