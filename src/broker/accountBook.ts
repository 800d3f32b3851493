/**
 * What the IRC server told the bridge about its users' accounts, by folded nick: extended-join (a
 * JOIN names the joiner's account, or "*" for none) and account-notify (ACCOUNT when a user logs in
 * or out). Guarantees: an answer is only ever what the server said, never a guess (undefined when
 * it said nothing); an entry moves with the nick's NICK and goes with its QUIT, or when the nick is
 * in none of the bridge's channels any more (the feed says so), so the book holds at most the
 * members of those channels. Not guaranteed: current knowledge on a server that offers
 * extended-join without account-notify (a login after the JOIN is not heard).
 */
export class AccountBook {
  /** Folded nick -> account, or null: known to be logged in to none. */
  private readonly accounts = new Map<string, string | null>();

  get size(): number {
    return this.accounts.size;
  }

  set(folded: string, account: string | undefined): void {
    this.accounts.set(folded, account ?? null);
  }

  /** The account, null when the nick is known to have none, undefined when nothing was heard. */
  get(folded: string): string | null | undefined {
    return this.accounts.get(folded);
  }

  rename(from: string, to: string): void {
    const known = this.accounts.get(from);
    this.accounts.delete(from);
    if (known !== undefined) this.accounts.set(to, known);
  }

  forget(folded: string): void {
    this.accounts.delete(folded);
  }
}
