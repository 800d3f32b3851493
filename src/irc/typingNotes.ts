import { buildLine } from "./lines";
import { tagPrefix } from "./tagPrefix";
import type { Tags } from "./events";
import { SparseMap } from "../util/sparseMap";

/** `@tags TAGMSG <target>`: a message of client tags only (IRCv3 message-tags), e.g. a reaction or typing. */
export function tagmsgLine(target: string, tags: Tags): string {
  return `${tagPrefix(tags)}${buildLine("TAGMSG", [target])}`;
}

/** The IRCv3 typing spec asks clients not to repeat `+typing=active` more often than this. */
export const TYPING_REPEAT_MS = 3000;

/**
 * One connection's typing notifications, per target: whether a `+typing` TAGMSG is worth sending.
 * Guarantees: `active` at most once per TYPING_REPEAT_MS per target; `done` only after an `active`
 * that no `done` followed (nobody is told someone stopped who was never said to type). Bounded:
 * a target is forgotten at its `done`, and `clear` forgets them all (the connection was lost).
 */
export class TypingNotes {
  private readonly active = new SparseMap<string, number>();

  /** Whether to send `+typing=active` to `target` now (and remembers it was sent). */
  start(target: string, now: number): boolean {
    const key = target.toLowerCase();
    const last = this.active.get(key);
    if (last !== undefined && now - last < TYPING_REPEAT_MS) return false;
    this.active.set(key, now);
    return true;
  }

  /** Whether this connection is said to be typing in `target`. */
  has(target: string): boolean {
    return this.active.has(target.toLowerCase());
  }

  /** Whether to send `+typing=done` to `target` (it was said to be typing there). */
  stop(target: string): boolean {
    return this.active.delete(target.toLowerCase());
  }

  clear(): void {
    this.active.clear();
  }
}
