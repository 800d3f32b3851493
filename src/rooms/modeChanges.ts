/**
 * The power-level diff: which IRC channel modes follow from a change of a room's Matrix power levels,
 * for the Matrix users whose IRC connections are in the channel.
 *
 * Each mode letter stands for a level (chanops.levels o and v, e.g. o: 50, v: 1). Guarantees:
 * - Going up, a user gets the mode of the highest level they now reach, once: 0 -> 50 gives +o
 *   (not +ov), 0 -> 1 gives +v, 1 -> 50 gives +o and keeps the voice.
 * - Going down, a user loses every mode whose level they fell below, and gets the mode of the
 *   highest level they still reach if that is another one: 50 -> 1 gives -o+v, 50 -> 0 gives -ov.
 * - Levels compare as the homeserver does: a user's own entry, else users_default; so a change of
 *   users_default moves everyone without an entry.
 * - A user whose level did not cross a mode's level gets no change; one without a connection in the
 *   channel is not listed (there is nobody on IRC to give the mode to).
 * Not guaranteed: that the result matches what IRC shows now; the caller skips letters it knows
 * the nick already has (ChannelOps), and the server ignores the rest.
 */
import { levelOf, type PowerLevels } from "./powerLevels";

export interface ModeChange {
  readonly userId: string;
  readonly nick: string;
  /** Letters to add and to remove, highest level first (e.g. "o", "ov"); either may be "". */
  readonly add: string;
  readonly remove: string;
}

/** Mode letters ordered by their level, highest first. */
function byLevel(modeLevels: Readonly<Record<string, number>>): [string, number][] {
  return Object.entries(modeLevels).sort((a, b) => b[1] - a[1]);
}

/** The mode of the highest level `level` reaches, if any. */
export function highestMode(level: number, modeLevels: Readonly<Record<string, number>>): string | undefined {
  return byLevel(modeLevels).find(([, needed]) => level >= needed)?.[0];
}

/** What one user's move from `before` to `after` means for their modes (see the top comment). */
export function modeChange(before: number, after: number, modeLevels: Readonly<Record<string, number>>): { readonly add: string; readonly remove: string } {
  if (before === after) return { add: "", remove: "" };
  const remove = byLevel(modeLevels)
    .filter(([, needed]) => before >= needed && after < needed)
    .map(([letter]) => letter)
    .join("");
  const now = highestMode(after, modeLevels);
  const add = now !== undefined && now !== highestMode(before, modeLevels) ? now : "";
  return { add, remove };
}

/** The changes for the users in the channel whose modes move. */
export function modeChanges(
  before: PowerLevels,
  after: PowerLevels,
  users: readonly { readonly userId: string; readonly nick: string }[],
  modeLevels: Readonly<Record<string, number>>,
): ModeChange[] {
  const changes: ModeChange[] = [];
  for (const { userId, nick } of users) {
    const { add, remove } = modeChange(levelOf(before, userId), levelOf(after, userId), modeLevels);
    if (add !== "" || remove !== "") changes.push({ userId, nick, add, remove });
  }
  return changes;
}

/** A change as MODE parameters: "-o+v" and the nick once per letter. */
export function modeParams(change: { readonly nick: string; readonly add: string; readonly remove: string }): { readonly modes: string; readonly args: readonly string[] } {
  const modes = `${change.remove === "" ? "" : `-${change.remove}`}${change.add === "" ? "" : `+${change.add}`}`;
  return { modes, args: Array.from({ length: change.add.length + change.remove.length }, () => change.nick) };
}
