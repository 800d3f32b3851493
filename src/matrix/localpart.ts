/**
 * Matrix user-id localparts for IRC nicks. The spec allows only a-z 0-9 . _ = - / in a localpart;
 * IRC nicks carry upper case and []\`^{}|. A nick is lower-cased (ASCII: IRC nicks compare without
 * case, so "Bob" and "bob" are one ghost) and every other character outside the allowed set becomes
 * '=' followed by two lower-case hex digits per UTF-8 byte ('=' itself included). The result is always
 * a valid, lower-case localpart; the ghost's displayname carries the nick's real spelling.
 * Decoding gives back the lower-cased nick, which is all IRC needs to address that user.
 */
const PLAIN = /^[a-z0-9._\-/]$/;

export function escapeNick(nick: string): string {
  let out = "";
  for (const ch of nick) {
    const lower = ch >= "A" && ch <= "Z" ? ch.toLowerCase() : ch;
    if (PLAIN.test(lower)) out += lower;
    else for (const byte of Buffer.from(lower, "utf8")) out += "=" + byte.toString(16).padStart(2, "0");
  }
  return out;
}

/** Reverses escapeNick up to case; undefined when the text is not a valid escaped nick. */
export function unescapeNick(escaped: string): string | undefined {
  const bytes: number[] = [];
  for (let i = 0; i < escaped.length; i++) {
    const ch = escaped.charAt(i);
    if (ch === "=") {
      const hex = escaped.slice(i + 1, i + 3);
      if (!/^[0-9a-f]{2}$/.test(hex)) return undefined;
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else if (PLAIN.test(ch)) {
      bytes.push(ch.charCodeAt(0));
    } else {
      return undefined;
    }
  }
  const nick = Buffer.from(bytes).toString("utf8");
  return nick.length > 0 && escapeNick(nick) === escaped ? nick : undefined;
}

/** The characters a localpart may contain, as a regex character class (for namespaces). */
export const LOCALPART_CLASS = "[a-z0-9._=\\-/]";

export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}
