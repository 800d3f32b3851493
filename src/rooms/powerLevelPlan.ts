/**
 * The power-level diff: what the bridge wants for some users (from IRC prefix modes) and for
 * events_default (+m), merged into a room's current m.room.power_levels content. Pure.
 *
 * Guarantees:
 * - Raising: a user below the wanted level is raised to it, and the grant is remembered.
 * - Lowering only undoes the bridge's own work: a user is lowered (to a lower wanted level, or out
 *   of `users` so the room's users_default applies) only when their current level is exactly what
 *   the bridge last set for them. A level a Matrix moderator set by hand (above, below, or equal
 *   to the mapped one) is never lowered; a grant whose level a moderator changed is forgotten.
 * - The bot's own entry is never touched, and nobody is given more than the bot has (the
 *   homeserver would refuse the whole event).
 * - events_default: moderated raises it to the wanted level when it is lower, remembering what it
 *   was; unmoderated puts that back, only if it still is what the bridge set.
 * - Nothing to change gives `content: undefined` (no event is written).
 * Not guaranteed: the merge is against the state read just before writing; a moderator's change
 * that lands between that read and the write is overwritten (Matrix has no compare-and-set).
 */
import type { Json } from "../matrix/matrixApi";
import { levelValue, parsePowerLevels } from "./powerLevels";

export interface Grants {
  /** Level the bridge last set, per user. */
  readonly users: Readonly<Record<string, number>>;
  /** events_default as the bridge set it for +m, and what it was before. */
  readonly eventsDefault: { readonly set: number; readonly before: number } | undefined;
}

export interface PowerWishes {
  /** Wanted level per user; undefined: no mapped prefix any more (back to the room default). */
  readonly users: ReadonlyMap<string, number | undefined>;
  /** +m (on, with the level needed to speak) or -m; absent: no change. */
  readonly moderated?: { readonly on: boolean; readonly level: number } | undefined;
}

export interface PowerPlan {
  /** The content to write, or undefined when nothing changes. */
  readonly content: Json | undefined;
  readonly grants: Grants;
}

export function planPowerLevels(content: Json, wishes: PowerWishes, grants: Grants, botUserId: string): PowerPlan {
  const { users: parsed, usersDefault } = parsePowerLevels(content);
  const users: Record<string, number> = { ...parsed };
  const botLevel = users[botUserId] ?? usersDefault;
  const granted: Record<string, number> = { ...grants.users };
  let changed = false;
  for (const [userId, wanted] of wishes.users) {
    if (userId === botUserId) continue;
    const current = users[userId] ?? usersDefault;
    const ours = granted[userId] === current;
    const target = wanted === undefined ? undefined : Math.min(wanted, botLevel);
    if (target !== undefined && current < target) {
      users[userId] = target;
      granted[userId] = target;
      changed = true;
    } else if (target !== undefined && current > target && ours) {
      users[userId] = target;
      granted[userId] = target;
      changed = true;
    } else if (target === undefined && ours && userId in users) {
      // eslint-disable-next-line @typescript-eslint/no-dynamic-delete -- removing one user's entry is the point
      delete users[userId];
      // eslint-disable-next-line @typescript-eslint/no-dynamic-delete -- and the grant with it
      delete granted[userId];
      changed = true;
    } else if (!ours || target === undefined) {
      // A level set by hand (or already the room default): not ours to change later.
      // eslint-disable-next-line @typescript-eslint/no-dynamic-delete -- forgetting one grant
      delete granted[userId];
    }
  }
  const moderated = planEventsDefault(content, wishes.moderated, grants.eventsDefault);
  changed ||= moderated.value !== undefined;
  if (!changed) return { content: undefined, grants: { users: granted, eventsDefault: moderated.grant } };
  const next: Json = { ...content, users };
  if (moderated.value !== undefined) next.events_default = moderated.value;
  return { content: next, grants: { users: granted, eventsDefault: moderated.grant } };
}

/** The new events_default (undefined: unchanged) and what to remember of it. */
function planEventsDefault(content: Json, wish: PowerWishes["moderated"], grant: Grants["eventsDefault"]): { value: number | undefined; grant: Grants["eventsDefault"] } {
  const current = levelValue(content.events_default) ?? 0;
  if (wish === undefined) return { value: undefined, grant };
  if (wish.on) {
    if (current < wish.level) return { value: wish.level, grant: { set: wish.level, before: grant?.set === current ? grant.before : current } };
    return { value: undefined, grant: grant?.set === current ? grant : undefined };
  }
  if (grant !== undefined && grant.set === current) return { value: grant.before, grant: undefined };
  return { value: undefined, grant: undefined };
}
