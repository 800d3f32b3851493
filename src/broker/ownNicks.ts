/**
 * The nicks our own connections (users' puppets and the IRC bot) hold on the server: folded nick ->
 * connection id, and connection id -> the folded nick it is stored under, so every change costs
 * one connection's entry, never a pass over every connection.
 *
 * Guarantees: a connection owns at most one nick here; `ownerOf` answers as the map of
 * folded nick -> id did before (a later connection registering a nick that folds the same takes it
 * over; the earlier one then owns nothing here until it registers, renames or is re-keyed again).
 * Keys are folded when written: `rekey` re-folds one connection's nick when the casemapping may have
 * changed (ISUPPORT CASEMAPPING arrives after 001, which was folded with the default).
 */
export class OwnNicks {
  private readonly byNick = new Map<string, string>();
  private readonly byId = new Map<string, string>();

  ownerOf(folded: string): string | undefined {
    return this.byNick.get(folded);
  }

  has(folded: string): boolean {
    return this.byNick.has(folded);
  }

  /** The connection holds this nick now (registered, or re-keyed after 005): any key it had before goes. */
  set(id: string, folded: string): void {
    this.drop(id);
    this.byNick.set(folded, id);
    this.byId.set(id, folded);
  }

  /** The connection renamed itself: moved only when it owns the old nick here. */
  rename(id: string, fromFolded: string, toFolded: string): void {
    if (this.byNick.get(fromFolded) !== id) return;
    this.set(id, toFolded);
  }

  /** The connection holds no nick (closed, or about to be re-keyed). */
  drop(id: string): void {
    const folded = this.byId.get(id);
    if (folded === undefined) return;
    this.byId.delete(id);
    if (this.byNick.get(folded) === id) this.byNick.delete(folded);
  }

  /** Nicks held (tests: it shrinks as connections close). */
  get size(): number {
    return this.byNick.size;
  }
}
