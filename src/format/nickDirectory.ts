/** A Matrix user as an IRC nick names them on one network. */
export interface NamedUser {
  readonly userId: string;
  /** What a pill shows: their display name where known, else the nick. */
  readonly displayName: string;
}

/**
 * Who is who on one network, both ways, for mentions: a bridged Matrix user's puppet nick, an IRC
 * user's ghost. Lookups are in memory and synchronous (conversions never wait on the network).
 */
export interface NickDirectory {
  /** The Matrix user an IRC nick (as written in IRC text, any case) names on this network, if any. */
  userOfNick(nick: string): NamedUser | undefined;
  /** The IRC nick a Matrix user has on this network (their puppet's, or the ghost's nick), if any. */
  nickOfUser(userId: string): string | undefined;
}

/** A directory that knows nobody (tests, and networks before the bridge is up). */
export const NO_NICKS: NickDirectory = { userOfNick: () => undefined, nickOfUser: () => undefined };
