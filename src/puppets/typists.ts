/**
 * Which users' connections were said to be typing in each channel (`+typing=active`, see
 * fromMatrix/typing.ts), so a typing update of a room looks for who needs a `+typing=done` among
 * those, not among every connection of the network.
 *
 * Guarantee: every connection whose TypingNotes holds a target is listed under it (the handler
 * notes it when it says `active`). The list may hold more (the connection lost its socket, which
 * clears its notes, or closed): the handler asks the connection's own notes before sending
 * anything, and takes the user out. Bounded: a user leaves a target's list at the first update of
 * that room that does not name them. Targets compare lower-cased, as TypingNotes compares them.
 */
export class Typists {
  private readonly byTarget = new Map<string, Set<string>>();

  said(target: string, userId: string): void {
    const key = target.toLowerCase();
    let users = this.byTarget.get(key);
    if (users === undefined) this.byTarget.set(key, (users = new Set()));
    users.add(userId);
  }

  /** The users listed under the target (a copy: the caller may take them out meanwhile). */
  in(target: string): string[] {
    return [...(this.byTarget.get(target.toLowerCase()) ?? [])];
  }

  remove(target: string, userId: string): void {
    const key = target.toLowerCase();
    const users = this.byTarget.get(key);
    if (users === undefined) return;
    users.delete(userId);
    if (users.size === 0) this.byTarget.delete(key);
  }

  /** Targets listed (tests: it empties as typing ends). */
  get size(): number {
    return this.byTarget.size;
  }
}
