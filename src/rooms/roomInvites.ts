/**
 * The bot's view of a bridged room for one user, and its invites: so a user whose connection got
 * into a closed channel (+i, +k) can be let into the channel's invite-only room (admin/commands/join.ts).
 * Never throws: a room the bot cannot read shows nothing, an invite that fails says false (logged).
 */
import { errorText } from "../errors";
import type { MatrixApi } from "../matrix/matrixApi";
import type { Logger } from "../observability/logger";

export interface RoomInvites {
  /** The room's join rule and the user's membership (undefined when the bot cannot tell). */
  roomFor(roomId: string, userId: string): Promise<{ readonly joinRule: string | undefined; readonly membership: string | undefined }>;
  /** The bot invites the user into the room; false when it could not. */
  inviteToRoom(roomId: string, userId: string): Promise<boolean>;
}

export function roomInvites(api: MatrixApi, botUserId: string, log: Logger): RoomInvites {
  const read = async (roomId: string, type: string, stateKey: string, field: string): Promise<string | undefined> => {
    try {
      const value = (await api.getState(roomId, botUserId, type, stateKey))?.[field];
      return typeof value === "string" ? value : undefined;
    } catch {
      return undefined;
    }
  };
  return {
    roomFor: async (roomId, userId) => ({
      joinRule: await read(roomId, "m.room.join_rules", "", "join_rule"),
      membership: await read(roomId, "m.room.member", userId, "membership"),
    }),
    inviteToRoom: async (roomId, userId) => {
      try {
        await api.invite(roomId, botUserId, userId);
        return true;
      } catch (err) {
        log.warn("cannot invite a user who joined the channel into its room", { room: roomId, user: userId, error: errorText(err) });
        return false;
      }
    },
  };
}
