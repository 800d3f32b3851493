/**
 * What a nick the bridge sends an action to (a KICK, a ban mask, a private message) must look like,
 * when that nick comes from Matrix-side input: a ghost user id, whose localpart anyone can write.
 *
 * Guarantee: a nick that passes `targetNickProblem` is one IRC word naming one user: not empty; no
 * space, CR, LF, NUL or other control or separator character; none of the ASCII characters IRC gives
 * a meaning in a target or a mask (`* ? ! @ , : # & + % ~ $ .` and the rest outside letters, digits
 * and `[]\`_^{|}-`); not starting with a digit, '-' or one of the server's CHANTYPES; at most NICKLEN
 * characters. Characters beyond ASCII (servers with UTF-8 nicks) are allowed unless they are spaces,
 * separators or controls. Not guaranteed: that the server accepts it (it may be stricter), only
 * that it can never stand for a channel, several targets or a wildcard.
 */
import { DEFAULT_NICKLEN } from "./syntax";

/** The server's word on nicks and channel prefixes, from its ISUPPORT (defaults until it spoke). */
export interface NickLimits {
  readonly nicklen: number;
  readonly chantypes: string;
}

const NICK_ASCII = /^[A-Za-z0-9[\]\\`_^{|}-]$/;
const SPACE_OR_CONTROL = /^[\p{Z}\p{C}\s]$/u;

/** Why `nick` cannot be the target of an action, or undefined when it can. */
export function targetNickProblem(nick: string, limits: NickLimits): string | undefined {
  if (nick === "") return "it is empty";
  // Code points, as servers count a nick's length (a combining mark counts on its own).
  const chars = Array.from(nick);
  for (const ch of chars) {
    if (SPACE_OR_CONTROL.test(ch)) return "a nick cannot contain spaces, line breaks or control characters";
    if (ch.charCodeAt(0) < 0x80 && !NICK_ASCII.test(ch)) return `a nick cannot contain "${ch}"`;
  }
  const first = chars[0] ?? "";
  if (/^[0-9-]$/.test(first)) return "a nick cannot start with a digit or '-'";
  if (limits.chantypes.includes(first)) return `"${first}" starts a channel name on this network, not a nick`;
  if (chars.length > limits.nicklen) return `a nick may have at most ${limits.nicklen} characters on this network`;
  return undefined;
}

/**
 * NICKLEN and CHANTYPES as one network's server announced them (RPL_ISUPPORT), shared by every
 * connection to it; the RFC defaults until a server spoke.
 */
export class ServerNickLimits implements NickLimits {
  private len = DEFAULT_NICKLEN;
  private types = "#&";

  get nicklen(): number {
    return this.len;
  }

  get chantypes(): string {
    return this.types;
  }

  /** Reads NICKLEN and CHANTYPES from a connection's ISUPPORT values (absent ones keep their value). */
  learn(isupport: (name: string) => string | undefined): void {
    const nicklen = Number(isupport("NICKLEN"));
    if (Number.isInteger(nicklen) && nicklen > 0) this.len = nicklen;
    const chantypes = isupport("CHANTYPES");
    if (chantypes !== undefined) this.types = chantypes;
  }
}
