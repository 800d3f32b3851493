/**
 * Who is a moderator of a Matrix room for the bridge's purposes (linking, unlinking, `!irc`
 * commands): a user whose power level lets them change the room's power levels, i.e. who could
 * take the room's control away from anyone else anyway. Read fresh from the homeserver each time
 * (a decision that ends or makes a bridge is not taken on a cached level).
 *
 * Rules, as the spec has them: the user's level is `users[user]`, else `users_default` (0); the
 * level needed is `events["m.room.power_levels"]`, else `state_default` (50). A room without a
 * power-levels event gives its creator 100 and everyone else 0. In room versions where creators
 * hold unlimited power (v12: the create event's sender and `additional_creators`), they always may.
 */
import type { Json, MatrixApi } from "../matrix/matrixApi";
import { levelValue } from "./powerLevels";

/** Room versions whose creators stand above the power levels (MSC4289). */
const CREATOR_POWER_VERSIONS = new Set(["12"]);

export interface RoomAuthority {
  /** m.room.power_levels content; undefined when the room has none. */
  readonly powerLevels: Json | undefined;
  /** m.room.create content and sender. */
  readonly create: { readonly sender: string | undefined; readonly content: Json | undefined };
}

/** Whether `userId` may change the room's power levels. Pure. */
export function mayChangePowerLevels(room: RoomAuthority, userId: string): boolean {
  const creators = new Set<string>();
  if (room.create.sender !== undefined) creators.add(room.create.sender);
  const extra = room.create.content?.additional_creators;
  if (Array.isArray(extra)) for (const c of extra) if (typeof c === "string") creators.add(c);
  const version = room.create.content?.room_version;
  if (typeof version === "string" && CREATOR_POWER_VERSIONS.has(version) && creators.has(userId)) return true;
  const pl = room.powerLevels;
  if (pl === undefined) return room.create.sender === userId;
  const users = typeof pl.users === "object" && pl.users !== null ? (pl.users as Record<string, unknown>) : {};
  const level = levelValue(users[userId]) ?? levelValue(pl.users_default) ?? 0;
  const events = typeof pl.events === "object" && pl.events !== null ? (pl.events as Record<string, unknown>) : {};
  const needed = levelValue(events["m.room.power_levels"]) ?? levelValue(pl.state_default) ?? 50;
  return level >= needed;
}

/** Reads the room's power levels and creation as the bot (which must be in the room) and decides. */
export async function isRoomModerator(api: MatrixApi, botUserId: string, roomId: string, userId: string): Promise<boolean> {
  const [powerLevels, content] = await Promise.all([api.getState(roomId, botUserId, "m.room.power_levels"), api.getState(roomId, botUserId, "m.room.create")]);
  const version = content?.room_version;
  const creatorCounts = powerLevels === undefined || (typeof version === "string" && CREATOR_POWER_VERSIONS.has(version));
  // Old room versions name the creator in the content; newer ones only as the event's sender,
  // which only the whole state shows: read it only when the creator matters.
  let sender = typeof content?.creator === "string" ? content.creator : undefined;
  if (sender === undefined && creatorCounts) sender = (await api.roomState(roomId, botUserId)).find((e) => e.type === "m.room.create")?.sender;
  return mayChangePowerLevels({ powerLevels, create: { sender, content } }, userId);
}
