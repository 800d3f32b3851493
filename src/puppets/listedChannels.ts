import { foldCase } from "../irc/casemapping";

/**
 * Which members (users' connections) list each channel among those they are in or rejoining
 * (IrcConnection.channelNames), so "whose connection is in #chan" costs the channel's members, not
 * a pass over every connection and every channel it lists.
 *
 * Guarantee: `in(channel, fold)` is exactly the members with a listed name `n` where
 * `fold(n) === fold(channel)`: the answer of scanning every member's list with the network's
 * casemapping of now. Names are filed under their rfc1459 fold, the coarsest casemapping (two names
 * equal under ascii or strict-rfc1459 are equal under it), so a CASEMAPPING learnt after names were
 * filed moves nothing: the exact fold is checked, on lookup, among the names filed together.
 * Bounded: a member is filed under the names it lists, and `drop` forgets it whole.
 */
export class ListedChannels<M> {
  private readonly byKey = new Map<string, Map<M, Set<string>>>();

  listed(member: M, name: string): void {
    const key = coarse(name);
    let members = this.byKey.get(key);
    if (members === undefined) this.byKey.set(key, (members = new Map<M, Set<string>>()));
    let names = members.get(member);
    if (names === undefined) members.set(member, (names = new Set<string>()));
    names.add(name);
  }

  unlisted(member: M, name: string): void {
    const key = coarse(name);
    const members = this.byKey.get(key);
    const names = members?.get(member);
    if (members === undefined || names === undefined || !names.delete(name)) return;
    if (names.size === 0) members.delete(member);
    if (members.size === 0) this.byKey.delete(key);
  }

  /** Forgets the member in every channel it listed (`names`: what it lists now). */
  drop(member: M, names: Iterable<string>): void {
    for (const name of names) this.unlisted(member, name);
  }

  /** The members listing the channel (a name that folds to the channel's fold). */
  in(channel: string, fold: (name: string) => string): M[] {
    const members = this.byKey.get(coarse(channel));
    if (members === undefined) return [];
    const folded = fold(channel);
    const found: M[] = [];
    for (const [member, names] of members) {
      for (const name of names) {
        if (fold(name) === folded) {
          found.push(member);
          break;
        }
      }
    }
    return found;
  }

  /** Channels filed (tests: it shrinks as members leave). */
  get size(): number {
    return this.byKey.size;
  }
}

function coarse(name: string): string {
  return foldCase(name, "rfc1459");
}
