/**
 * NAMES replies nobody reads. Every connection that joins a channel is sent its whole member list
 * (353 lines of about 40 nicks each, then 366). The network feed keeps one member list per channel
 * and, once it has one, drops the NAMES of every connection but the channel's reader
 * (broker/networkFeed.ts). When 400 of our users join one channel, those lists were 8,241 of the
 * 14,793 lines the connections handed irc-framework, each cut into user objects and dropped.
 * Such a reply is now dropped here, unparsed, before irc-framework reads it.
 *
 * Guarantee: a reply is skipped whole or read whole. Whether to skip is asked at its first 353 line
 * (`elsewhere(channel)`: the feed would drop it) and not while a request waits (a user's NAMES,
 * answered through requests.ts); the answer holds for every 353 line of that channel until its 366,
 * which is skipped or read with them. irc-framework makes its "userlist" event at the 366 from the
 * 353 lines it read, so a reply cut in half would give it half a list. A 366 that ends no reply
 * under way (`366 <me> *` after a NAMES of every channel, on charybdis-like servers; a channel
 * spelled otherwise than in its 353 lines) ends every reply under way: no answer outlives its reply.
 * A 353 whose channel parameter is not a channel (the old form without the symbol) is read.
 */
import { commandStart } from "./lineInterest";

const RPL_NAMREPLY = 353;
const RPL_ENDOFNAMES = 366;

export class NamesReplies {
  /** Replies under way, by channel (in lower case): whether each is skipped. Made at the first reply. */
  private replies: Map<string, boolean> | undefined;

  constructor(
    /** Whether the feed would drop this connection's NAMES of the channel (it has the members from the reader). */
    private readonly elsewhere: (channel: string) => boolean,
    /** Whether a request waits for an answer (then every reply is read). */
    private readonly requestWaits: () => boolean,
    /** Whether a name is a channel's (the server's CHANTYPES). */
    private readonly isChannel: (name: string) => boolean,
  ) {}

  /** Whether this line (whose numeric is `code`: serverChatter.ts's numericOf) is part of a NAMES reply to skip. */
  skip(raw: string, code: number): boolean {
    if (code !== RPL_NAMREPLY && code !== RPL_ENDOFNAMES) return false;
    // 353: <me> <symbol> <channel> :<names>; 366: <me> <channel> :End of /NAMES list.
    const channel = paramOf(raw, commandStart(raw) + 3, code === RPL_NAMREPLY ? 2 : 1);
    if (channel === undefined) return false;
    const key = channel.toLowerCase();
    const skipped = this.replies?.get(key);
    if (code === RPL_ENDOFNAMES) {
      if (skipped === undefined) this.replies = undefined;
      else this.replies?.delete(key);
      return skipped === true;
    }
    if (skipped !== undefined) return skipped;
    if (!this.isChannel(channel)) return false;
    const skip = !this.requestWaits() && this.elsewhere(channel);
    (this.replies ??= new Map()).set(key, skip);
    return skip;
  }
}

/** The parameter at `index` (0 = the first) of a raw line whose parameters start at `from`; undefined when it has fewer. */
export function paramOf(raw: string, from: number, index: number): string | undefined {
  let at = from;
  for (let i = 0; ; i++) {
    while (raw.charCodeAt(at) === 0x20) at++;
    if (at >= raw.length) return undefined;
    if (raw.charCodeAt(at) === 0x3a /* : */) return i === index ? raw.slice(at + 1) : undefined;
    let end = raw.indexOf(" ", at);
    if (end === -1) end = raw.length;
    if (i === index) return raw.slice(at, end);
    at = end;
  }
}
