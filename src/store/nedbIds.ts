import { randomBytes } from "node:crypto";

/**
 * New `_id`s for one NeDB datastore without a `crypto.randomBytes` call per inserted document
 * (NeDB's `createNewId` draws 32 random bytes for each).
 *
 * Guarantees: an id is 16 characters, letters and digits, as NeDB's are: 8 drawn at random once
 * per datastore (and again if the counter ever runs out), then a counter in base 36. An id already
 * in the datastore's `_id` index is never returned (checked as NeDB checks), so ids are unique in
 * the collection; the random part keeps them unlikely to repeat across restarts.
 * Not guaranteed: unpredictability (NeDB's ids are no secret either; nothing here relies on that).
 */
const COUNTER_DIGITS = 8;
const COUNTER_LIMIT = 36 ** COUNTER_DIGITS;

/** Letters and digits only, like NeDB's customUtils.uid. */
function randomPrefix(length: number): string {
  let out = "";
  while (out.length < length) out += randomBytes(length * 2).toString("base64").replace(/[+/=]/g, "");
  return out.slice(0, length);
}

export class NedbIds {
  private prefix = randomPrefix(16 - COUNTER_DIGITS);
  private counter = 0;

  /** A new id that `taken` (the datastore's `_id` index) does not hold. */
  next(taken: (id: string) => boolean): string {
    for (;;) {
      if (this.counter >= COUNTER_LIMIT) {
        this.prefix = randomPrefix(16 - COUNTER_DIGITS);
        this.counter = 0;
      }
      const id = this.prefix + (this.counter++).toString(36).padStart(COUNTER_DIGITS, "0");
      if (!taken(id)) return id;
    }
  }
}
