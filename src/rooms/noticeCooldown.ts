import { Lru } from "../util/lru";

/**
 * At most one notice per key (a room) per `everyMs`: `take` says whether a notice may go now, and
 * if so counts it as sent. No timer: each key keeps the time of its last notice.
 *
 * Guarantees: within `everyMs` of a notice, a key gets no other (while it is remembered). Bounded:
 * at most `capacity` keys are remembered, least recently used forgotten first; a forgotten key may
 * get its next notice early (one notice more, never one less).
 */
export class NoticeCooldown {
  private readonly last: Lru<string, number>;

  constructor(
    readonly everyMs: number,
    capacity = 10000,
  ) {
    this.last = new Lru(capacity);
  }

  /** True when `key` had no notice within `everyMs` before `now` (and `now` is recorded as its notice). */
  take(key: string, now: number): boolean {
    const previous = this.last.get(key);
    if (previous !== undefined && now - previous < this.everyMs) return false;
    this.last.set(key, now);
    return true;
  }

  /** Records a notice sent for `key` at `now` by other means (so `take` waits from then). */
  note(key: string, now: number): void {
    this.last.set(key, now);
  }

  get size(): number {
    return this.last.size;
  }
}
