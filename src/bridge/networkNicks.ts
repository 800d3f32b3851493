/**
 * Who is who on one network, for mentions (format/nickDirectory.ts): the Matrix user behind an IRC
 * nick, and the IRC nick of a Matrix user, both ways, in memory and synchronously.
 *
 * Guarantees: `userOfNick` names a Matrix user only for a nick really on the network as the bridge
 * sees it: a Matrix user's puppet that has that nick now, or an IRC user in a channel the bridge is
 * in (the roster), whose ghost it gives; never the bridge bot's nick, and never a nick nobody has
 * (a random word is no ghost). Nicks compare with the network's casemapping (`fold`). `nickOfUser`
 * gives a ghost's nick (as written in a channel when it is in one, else as its id says), a Matrix
 * user's puppet's current nick, or, with no connection, the nick their next connection asks for
 * (the one stored for them when the bridge has seen it, else the network's nickTemplate with their
 * display name when known, else their localpart); never a display name.
 * Memory: the stored nicks and display names it has seen are kept for at most KNOWN_USERS users
 * (least recently used forgotten; a forgotten user's nick falls back to the template).
 */
import type { NamedUser, NickDirectory } from "../format/nickDirectory";
import { renderNick } from "../irc/nickTemplate";
import { Lru } from "../util/lru";

const KNOWN_USERS = 10000;
/** The NICKLEN the bridge renders nicks for (as identity.ts and the membership handler do). */
const NICKLEN = 30;

/** What the directory reads of the network; each lookup folds with the network's casemapping. */
export interface NetworkNicksDeps {
  /** The Matrix user whose connection has this nick on the server now, if any. */
  puppetOfNick(nick: string): string | undefined;
  /** The nick of the user's connection (current, or the one it is asking for), if they have one. */
  puppetNick(userId: string): string | undefined;
  /** Is the nick one of the bridge's own connections (a puppet or the IRC bot)? */
  isOurs(nick: string): boolean;
  /** The nick as written in a channel the bridge is in, if it is in one. */
  present(nick: string): string | undefined;
  ghostUserId(nick: string): string;
  /** The nick a ghost id stands for (lower case), or undefined when it is not one of this network's ghosts. */
  nickOfGhost(userId: string): string | undefined;
  /** The network's nickTemplate. */
  readonly nickTemplate: string;
}

export class NetworkNicks implements NickDirectory {
  private readonly stored = new Lru<string, string>(KNOWN_USERS);
  private readonly displayNames = new Lru<string, string>(KNOWN_USERS);

  constructor(private readonly deps: NetworkNicksDeps) {}

  /** The nick stored for a user's next connection (their puppet record). */
  noteStoredNick(userId: string, nick: string): void {
    this.stored.set(userId, nick);
  }

  /** A Matrix user's display name, as the bridge learnt it. */
  noteDisplayName(userId: string, displayName: string | undefined): void {
    if (displayName === undefined || displayName.trim() === "") this.displayNames.delete(userId);
    else this.displayNames.set(userId, displayName);
  }

  userOfNick(nick: string): NamedUser | undefined {
    if (nick === "") return undefined;
    const puppet = this.deps.puppetOfNick(nick);
    if (puppet !== undefined) return { userId: puppet, displayName: this.displayNames.get(puppet) ?? this.deps.puppetNick(puppet) ?? nick };
    if (this.deps.isOurs(nick)) return undefined;
    const written = this.deps.present(nick);
    return written === undefined ? undefined : { userId: this.deps.ghostUserId(written), displayName: written };
  }

  nickOfUser(userId: string): string | undefined {
    const ghostNick = this.deps.nickOfGhost(userId);
    if (ghostNick !== undefined) return this.deps.present(ghostNick) ?? ghostNick;
    if (!/^@[^:]+:./.test(userId)) return undefined;
    const current = this.deps.puppetNick(userId);
    if (current !== undefined && current !== "") return current;
    const stored = this.stored.get(userId);
    if (stored !== undefined) return stored;
    const localpart = userId.slice(1, userId.indexOf(":"));
    return renderNick(this.deps.nickTemplate, { localpart, displayname: this.displayNames.get(userId) }, NICKLEN);
  }
}
