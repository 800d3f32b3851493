/**
 * Matrix power levels of the bridged rooms, as the bridge last saw them: read once per room from
 * the homeserver (m.room.power_levels), then kept current from the m.room.power_levels events the
 * homeserver sends us.
 *
 * Guarantees: an event is applied at once (synchronously, in the order events are routed), so an
 * action routed after a power-level change is judged by the new levels; a read that started before
 * an event arrived never overwrites it; a failed read is not cached (the next call tries again),
 * and concurrent reads of one room share one request. Not guaranteed: that the cache is ahead of
 * the homeserver (events reach the bridge a little after they happen).
 */

/** The parts of m.room.power_levels content the bridge reads. */
export interface PowerLevels {
  readonly users: Readonly<Record<string, number>>;
  readonly usersDefault: number;
}

/** A power level as content carries it: an integer, or (in old rooms) a string of one. */
export function levelValue(value: unknown): number | undefined {
  if (typeof value === "number" && Number.isInteger(value)) return value;
  if (typeof value === "string" && /^-?\d+$/.test(value.trim())) return Number(value.trim());
  return undefined;
}

/** Reads m.room.power_levels content; anything malformed counts as absent (the spec's defaults). */
export function parsePowerLevels(content: unknown): PowerLevels {
  const record = typeof content === "object" && content !== null ? (content as Record<string, unknown>) : {};
  const users: Record<string, number> = {};
  const raw = record.users;
  if (typeof raw === "object" && raw !== null) {
    for (const [userId, value] of Object.entries(raw)) {
      const level = levelValue(value);
      if (level !== undefined) users[userId] = level;
    }
  }
  return { users, usersDefault: levelValue(record.users_default) ?? 0 };
}

/** A user's level: their own entry, else users_default. */
export function levelOf(levels: PowerLevels, userId: string): number {
  return levels.users[userId] ?? levels.usersDefault;
}

export class PowerLevelCache {
  private readonly known = new Map<string, PowerLevels>();
  /** Bumped by every event, so a read that started before one does not overwrite it. */
  private readonly generation = new Map<string, number>();
  private readonly reading = new Map<string, Promise<PowerLevels>>();

  /** `read`: the room's m.room.power_levels content from the homeserver (undefined: none). */
  constructor(private readonly read: (roomId: string) => Promise<unknown>) {}

  /** An m.room.power_levels event: its content is the room's levels from now on. Returns what was known before. */
  update(roomId: string, content: unknown): PowerLevels | undefined {
    const before = this.known.get(roomId);
    this.known.set(roomId, parsePowerLevels(content));
    this.generation.set(roomId, (this.generation.get(roomId) ?? 0) + 1);
    return before;
  }

  /** The room's levels as of this call (read from the homeserver the first time). */
  levels(roomId: string): Promise<PowerLevels> {
    const known = this.known.get(roomId);
    if (known !== undefined) return Promise.resolve(known);
    const running = this.reading.get(roomId);
    if (running !== undefined) return running;
    const startedAt = this.generation.get(roomId) ?? 0;
    const run = this.read(roomId)
      .then((content) => {
        const levels = parsePowerLevels(content);
        if ((this.generation.get(roomId) ?? 0) === startedAt) this.known.set(roomId, levels);
        return this.known.get(roomId) ?? levels;
      })
      .finally(() => this.reading.delete(roomId));
    this.reading.set(roomId, run);
    return run;
  }

  /** The user's level in the room as of this call. */
  async levelOf(roomId: string, userId: string): Promise<number> {
    return levelOf(await this.levels(roomId), userId);
  }
}
