import { findOriginal, sameNick } from "./original";
import type { Outgoing, OutgoingStage } from "./prepare";

/** An original with fewer than this many bridged messages after it is "recent": the reply quotes nothing. */
export const RECENT_MESSAGES = 4;
/** The longest quote of an original, in characters (then cut at a word, with "…"). */
export const QUOTE_CHARS = 50;

/**
 * A reply, worded as IRC users write one:
 * - to someone else's recent message: `nick: text`;
 * - to a message further back (RECENT_MESSAGES or more since, or not in the room's log): `nick: (re:
 *   start of the original…) text`, the quote its first QUOTE_CHARS characters;
 * - to one's own message, or in a private conversation: no nick, the quote only when it is further back;
 * - text already starting with the nick (a pill turned into "nick: "): the nick is not put twice;
 * - an ACTION (/me) keeps its words first: ` (re nick)` or ` (re nick: quote…)` after them, nothing
 *   when it already names the nick (or answers oneself, recently);
 * - the original's sender unknown to IRC: the quote only.
 * Where the original has an IRC msgid and the server offers message-tags, the first line also
 * carries `+draft/reply=<msgid>`. An original the bridge cannot find at all leaves the text as it is.
 * The room's log keeps the sender's own words (logText), so later quotes and edits compare with them.
 */
export const withReply: OutgoingStage = async (entry, out, deps) => {
  if (entry.replyTo === undefined) return out;
  const original = await findOriginal(entry.roomId, entry.replyTo, deps);
  if (original === undefined) return out;
  const self = original.sender === entry.sender || (original.nick !== undefined && sameNick(original.nick, deps.ownNick));
  const quote = original.after !== undefined && original.after < RECENT_MESSAGES ? undefined : quoteOf(original.text);
  // In a private conversation the other side is the only one it can answer: it is not named.
  const nick = self || entry.pm === true ? undefined : original.nick;
  const body = out.kind === "action" ? actionReply(out.body, nick, quote) : textReply(out.body, nick, quote);
  const tags = original.msgid !== undefined && deps.hasCap("message-tags") ? { ...out.tags, "+draft/reply": original.msgid } : out.tags;
  const reply: Outgoing = { ...out, body, logText: out.logText ?? out.body };
  return tags === undefined ? reply : { ...reply, tags };
};

/** `nick: (re: quote) text`, each part where it applies. */
function textReply(text: string, nick: string | undefined, quote: string | undefined): string {
  const re = quote === undefined ? "" : `(re: ${quote}) `;
  if (nick === undefined) return `${re}${text}`;
  const addressed = addressedTo(text, nick);
  if (addressed === undefined) return `${nick}: ${re}${text}`;
  // Already addressed: "nick: text" keeps its own prefix; the quote goes after it.
  return addressed.prefix === "" ? `${re}${text}` : `${addressed.prefix}${re}${addressed.rest}`;
}

/** `text (re nick: quote)`, each part where it applies. */
function actionReply(text: string, nick: string | undefined, quote: string | undefined): string {
  const named = nick !== undefined && namesNick(text, nick);
  const who = nick === undefined || named ? "" : ` ${nick}`;
  if (quote === undefined) return who === "" ? text : `${text} (re${who})`;
  return `${text} (re${who}: ${quote})`;
}

const NICK_END = /[^A-Za-z0-9_\-[\]\\^{}|`]/;

/**
 * Whether the text starts with the nick as a word: `prefix` is "nick: " / "nick, " (as written) when
 * it is addressed that way, "" when the nick just starts the sentence; undefined when it does not.
 */
function addressedTo(text: string, nick: string): { prefix: string; rest: string } | undefined {
  if (!sameNick(text.slice(0, nick.length), nick)) return undefined;
  const next = text.charAt(nick.length);
  if (next !== "" && !NICK_END.test(next)) return undefined;
  const prefix = /^[:,]\s*/.exec(text.slice(nick.length))?.[0];
  return prefix === undefined ? { prefix: "", rest: text } : { prefix: text.slice(0, nick.length) + prefix, rest: text.slice(nick.length + prefix.length) };
}

/** Whether the nick appears in the text as a word. */
function namesNick(text: string, nick: string): boolean {
  const lower = text.toLowerCase();
  const want = nick.toLowerCase();
  for (let at = lower.indexOf(want); at >= 0; at = lower.indexOf(want, at + 1)) {
    const before = at === 0 ? "" : text.charAt(at - 1);
    const after = text.charAt(at + want.length);
    if ((before === "" || NICK_END.test(before)) && (after === "" || NICK_END.test(after))) return true;
  }
  return false;
}

/** The start of the original's first line, whitespace collapsed, at most QUOTE_CHARS characters (cut at a word, with "…"). */
export function quoteOf(text: string): string {
  const firstLine = text.split("\n").find((line) => line.trim() !== "") ?? "";
  const flat = Array.from(firstLine.replace(/\s+/g, " ").trim());
  const more = flat.length > QUOTE_CHARS || text.trim() !== firstLine.trim();
  if (flat.length <= QUOTE_CHARS) return more ? `${flat.join("")}…` : flat.join("");
  const cut = flat.slice(0, QUOTE_CHARS).join("");
  const space = cut.lastIndexOf(" ");
  return `${(space >= QUOTE_CHARS / 2 ? cut.slice(0, space) : cut).trimEnd()}…`;
}
