/**
 * The Matrix side of a link request, read as the bridge bot: the requester may change the room's
 * state (their power level is at least what m.room.power_levels needs to change power levels, as
 * the incumbent bridge has it), and the bot is in the room with the power to manage it (to change
 * power levels, and to remove ghosts).
 *
 * Guarantees: a refusal names what is missing: the requester's level and the level needed, or for
 * the bot exactly which level to give to which user id. The bot, when it had to join the room to
 * read it (it was invited), leaves again on any refusal: `undo` (called by the link on every later
 * refusal too) leaves nothing behind. Levels are read from the homeserver at the time of asking.
 */
import { errorText } from "../errors";
import { MatrixApiError, type Json } from "../matrix/matrixApi";
import { levelValue } from "../rooms/powerLevels";
import type { ProvisioningDeps } from "./deps";
import { ProvisionError } from "./links";

/** What the spec assumes when m.room.power_levels does not say (and what the incumbent uses). */
const DEFAULT_STATE_LEVEL = 50;

export interface RoomReady {
  /** Gives back what the checks changed (the bot leaves a room it joined only to be checked). */
  readonly undo: () => Promise<void>;
}

function numberAt(content: Json, ...path: string[]): number | undefined {
  let value: unknown = content;
  for (const key of path) value = typeof value === "object" && value !== null ? (value as Record<string, unknown>)[key] : undefined;
  return levelValue(value);
}

/** The level a user has in the room. */
export function userLevel(levels: Json, userId: string): number {
  return numberAt(levels, "users", userId) ?? numberAt(levels, "users_default") ?? 0;
}

/** The level needed to change m.room.power_levels (its own entry, else state_default, else 50). */
export function powerLevelsLevel(levels: Json): number {
  return numberAt(levels, "events", "m.room.power_levels") ?? numberAt(levels, "state_default") ?? DEFAULT_STATE_LEVEL;
}

/** What the bot needs: change power levels (IRC modes become levels) and remove ghosts (kick). */
export function botNeeds(levels: Json): number {
  return Math.max(powerLevelsLevel(levels), numberAt(levels, "kick") ?? DEFAULT_STATE_LEVEL);
}

async function readLevels(deps: ProvisioningDeps, roomId: string): Promise<Json> {
  return (await deps.api.getState(roomId, deps.botUserId, "m.room.power_levels")) ?? {};
}

/** Reads the room as the bot (joining it when invited), then checks the requester's and the bot's power. */
export async function checkRoomPower(deps: ProvisioningDeps, roomId: string, userId: string): Promise<RoomReady> {
  let joined = false;
  const undo = async () => {
    if (!joined) return;
    joined = false;
    try {
      await deps.api.leave(roomId, deps.botUserId);
    } catch (err) {
      deps.log.warn("the bot could not leave a room after a refused link", { room: roomId, error: errorText(err) });
    }
  };
  let levels: Json;
  try {
    levels = await readLevels(deps, roomId);
  } catch (err) {
    if (!(err instanceof MatrixApiError) || err.transient) throw err;
    // Not in the room: join if invited (or the room is public), to read it.
    try {
      await deps.api.join(roomId, deps.botUserId);
      joined = true;
    } catch {
      throw new ProvisionError(403, "IRC_BOT_NOT_IN_ROOM", `The bridge bot ${deps.botUserId} is not in ${roomId} and cannot join it: invite ${deps.botUserId} to the room first.`);
    }
    try {
      levels = await readLevels(deps, roomId);
    } catch (again) {
      await undo();
      throw again;
    }
  }
  const have = userLevel(levels, userId);
  const need = powerLevelsLevel(levels);
  if (have < need) {
    await undo();
    throw new ProvisionError(403, "IRC_NOT_ENOUGH_POWER", `${userId} has power level ${have} in ${roomId}; linking it needs the level that may change the room's power levels (${need}).`);
  }
  const botHas = userLevel(levels, deps.botUserId);
  const botNeed = botNeeds(levels);
  if (botHas < botNeed) {
    await undo();
    throw new ProvisionError(
      403,
      "IRC_BOT_NOT_ENOUGH_POWER",
      `The bridge bot ${deps.botUserId} has power level ${botHas} in ${roomId}; give ${deps.botUserId} power level ${botNeed} (it changes power levels and removes IRC users who leave), then ask again.`,
    );
  }
  return { undo };
}
