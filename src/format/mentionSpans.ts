import type { NamedUser, NickDirectory } from "./nickDirectory";

/** Where IRC text names a known user: text.slice(start, end) is the nick as written. */
export interface MentionSpan {
  readonly start: number;
  readonly end: number;
  readonly user: NamedUser;
}

/**
 * The characters of an IRC nick (RFC 2812: letters, digits and []\`_^{|}-), plus letters, digits and
 * marks beyond ASCII (servers with UTF-8 nicks): a word is a maximal run of them, so "alice" is not
 * found in "malice", "alice_" or "bob[alice]".
 */
const NICK_CHAR = /[A-Za-z0-9[\]\\`_^{|}\-\p{L}\p{N}\p{M}]/u;
/** Wrappers that may quote a nick inside its word: "[alice]", "{alice}", "`alice`" (never "alice_": another nick). */
const WRAPPERS: readonly (readonly [string, string])[] = [["[", "]"], ["{", "}"], ["`", "`"]];
/** A whitespace-separated token that is a link or an address: nothing inside it is a mention (a pill would break it). */
const LINK_OR_ADDRESS = /:\/\/|^www\.|^[^@\s]+@[^@\s]/i;
/** Anywhere in a line, a nick this short is too often an ordinary word ("hi", "ok", "so", "me"). */
const MIN_WORD_NICK = 3;
/** Addressed at the start of a line ("ok: ...", "jo, ..."), two characters are enough: the form is deliberate. */
const MIN_ADDRESSED_NICK = 2;

/**
 * The mentions in a run of IRC text (no formatting codes): a known nick at the start of a line
 * ("alice: hi", "alice, hi", "alice hi") or as a whole word inside it ("thanks alice!", "@alice"),
 * in order, not overlapping.
 *
 * Guarantees: a span covers exactly one whole word of nick characters (never part of a longer
 * word), or, when the whole word names nobody and is wrapped in brackets, braces or backquotes, the
 * word inside them ("[alice]" -> "alice"); spans are in text order and never overlap. Only what `nicks.userOfNick`
 * accepts is a mention (the directory decides who is known, and compares with the network's
 * casemapping). To keep ordinary words from becoming pills: a one-character nick is never a
 * mention; a two-character nick only when it addresses the line (at its start, followed by ":" or
 * ","); a word right after "#" or "&" is a channel name; nothing inside a link ("://", "www.") or
 * an address ("alice@example.org") is a mention.
 */
export function mentionSpans(text: string, nicks: Pick<NickDirectory, "userOfNick">): MentionSpan[] {
  const spans: MentionSpan[] = [];
  const looked = new Map<string, NamedUser | undefined>();
  const lookup = (nick: string): NamedUser | undefined => {
    if (!looked.has(nick)) looked.set(nick, nicks.userOfNick(nick));
    return looked.get(nick);
  };
  const skipped = linkRanges(text);
  let i = 0;
  while (i < text.length) {
    const start = i;
    const ch = charAt(text, i);
    if (!NICK_CHAR.test(ch)) {
      i += ch.length;
      continue;
    }
    while (i < text.length && NICK_CHAR.test(charAt(text, i))) i += charAt(text, i).length;
    if (skipped.some(([from, to]) => start >= from && start < to)) continue;
    const prev = text.charAt(start - 1);
    if (prev === "#" || prev === "&") continue;
    const span = spanIn(text, start, i, lookup);
    if (span !== undefined) spans.push(span);
  }
  return spans;
}

/** The mention in the word text[start, end): the whole word, else the word without its edge punctuation. */
function spanIn(text: string, start: number, end: number, lookup: (nick: string) => NamedUser | undefined): MentionSpan | undefined {
  const word = text.slice(start, end);
  const candidates: [number, number][] = [[start, end]];
  if (word.length > 2 && WRAPPERS.some(([open, close]) => word.startsWith(open) && word.endsWith(close))) candidates.push([start + 1, end - 1]);
  for (const [from, to] of candidates) {
    if (!longEnough(text, from, to)) continue;
    const user = lookup(text.slice(from, to));
    if (user !== undefined) return { start: from, end: to, user };
  }
  return undefined;
}

/** Long enough to be a mention where it stands (see mentionSpans). */
function longEnough(text: string, from: number, to: number): boolean {
  // Characters, not UTF-16 units: a low surrogate does not count on its own.
  const length = text.slice(from, to).replace(/[\uDC00-\uDFFF]/g, "").length;
  if (length >= MIN_WORD_NICK) return true;
  if (length < MIN_ADDRESSED_NICK) return false;
  const addressing = /(?:^|\n)[ \t]*@?$/.test(text.slice(0, from));
  return addressing && (text.charAt(to) === ":" || text.charAt(to) === ",");
}

/** [start, end) of the whitespace-separated tokens that are links or addresses. */
function linkRanges(text: string): [number, number][] {
  const ranges: [number, number][] = [];
  for (const m of text.matchAll(/\S+/g)) if (LINK_OR_ADDRESS.test(m[0])) ranges.push([m.index, m.index + m[0].length]);
  return ranges;
}

/** The whole character (code point) at i: a surrogate pair stays together. */
function charAt(text: string, i: number): string {
  return String.fromCodePoint(text.codePointAt(i) ?? 0);
}
