import { CARRY_BYTES, carryStyles } from "./styleCarry";

/**
 * Building IRC lines safely, and splitting long messages.
 *
 * Safety (the lowest write layer): CR, LF and NUL can never reach the wire inside a parameter. They
 * are replaced by a space in every parameter, so a Matrix body containing "\r\nQUIT :x" is sent as
 * text in one PRIVMSG and nothing else. Middle parameters that would change the line's structure
 * (empty, containing a space, starting with ':') are refused.
 */
const UNSAFE = /[\r\n\0]/g;

export class UnsafeLineError extends Error {}

export function safeParam(text: string): string {
  return text.replace(UNSAFE, " ");
}

/** One IRC line (without CRLF) from a command and its parameters; the last may contain spaces. */
export function buildLine(command: string, params: readonly string[]): string {
  if (!/^[A-Za-z]+$|^\d{3}$/.test(command)) throw new UnsafeLineError(`invalid IRC command ${JSON.stringify(command)}`);
  const parts = [command.toUpperCase()];
  params.forEach((raw, i) => {
    const p = safeParam(raw);
    const last = i === params.length - 1;
    if (last && (p === "" || p.includes(" ") || p.startsWith(":"))) {
      parts.push(`:${p}`);
      return;
    }
    if (p === "" || p.includes(" ") || p.startsWith(":")) throw new UnsafeLineError(`invalid middle parameter ${JSON.stringify(p)}`);
    parts.push(p);
  });
  return parts.join(" ");
}

/**
 * Room left for text in one PRIVMSG/NOTICE to `target`, in bytes: 512 minus CRLF, minus the prefix
 * the server adds when relaying (":nick!user@host "), minus "PRIVMSG target :".
 * `hostmaskBytes` is the length of "nick!user@host" (use a safe upper bound when unknown).
 */
export function textBudget(command: string, target: string, hostmaskBytes: number): number {
  const overhead = 2 + 1 + hostmaskBytes + 1 + Buffer.byteLength(`${command} ${target} :`);
  return Math.max(32, 512 - overhead);
}

/**
 * Splits a message body into IRC lines: first at line breaks (empty lines dropped), then each line
 * into pieces of at most `maxBytes` UTF-8 bytes, never inside a character, preferring to break at a
 * space in the last third of a piece. A line with formatting codes is cut CARRY_BYTES shorter, and
 * each of its pieces after the first opens again the styles the previous one left on (styleCarry.ts).
 */
export function splitMessage(body: string, maxBytes: number): string[] {
  const out: string[] = [];
  for (const rawLine of body.split(/\r\n|\r|\n/)) {
    const line = rawLine.replace(/\0/g, "");
    if (line.trim() === "") continue;
    const styled = line !== stripFormatting(line);
    const pieces = cutLine(line, styled ? Math.max(16, maxBytes - CARRY_BYTES) : maxBytes);
    out.push(...(styled ? carryStyles(pieces) : pieces));
  }
  return out;
}

/** One line in pieces of at most `maxBytes` bytes (see splitMessage), without carrying styles. */
export function cutLine(line: string, maxBytes: number): string[] {
  const out: string[] = [];
  let rest = line;
  while (Buffer.byteLength(rest) > maxBytes) {
    let bytes = 0;
    let cut = 0;
    for (const ch of rest) {
      const size = Buffer.byteLength(ch);
      if (bytes + size > maxBytes) break;
      bytes += size;
      cut += ch.length;
    }
    const space = rest.lastIndexOf(" ", cut);
    const piece = space > (cut * 2) / 3 ? rest.slice(0, space) : rest.slice(0, cut);
    out.push(piece);
    rest = rest.slice(piece.length).replace(/^ /, "");
  }
  if (rest !== "") out.push(rest);
  return out;
}

/** A CTCP ACTION payload (what /me sends). */
export function ctcpAction(text: string): string {
  return `\u0001ACTION ${text}\u0001`;
}

// eslint-disable-next-line no-control-regex -- IRC formatting codes are control characters by definition
const FORMATTING = /\u0003(\d{1,2}(,\d{1,2})?)?|\u0004[0-9a-fA-F]{0,6}(,[0-9a-fA-F]{1,6})?|[\u0002\u000f\u0011\u0016\u001d\u001e\u001f]/g;

/** IRC text without its formatting codes (colours, bold, italics...), for Matrix bodies. */
export function stripFormatting(text: string): string {
  return text.replace(FORMATTING, "");
}

/**
 * Whether an IRC line is the first line of a message: the same text, or, for a first line too long
 * for one IRC line, the long piece it was split into ("msg-1" is not the first line of "msg-10").
 */
export function isFirstLine(ircText: string, first: string): boolean {
  if (ircText === "" || first === "") return false;
  if (ircText === first) return true;
  return ircText.length >= SPLIT_PIECE_MIN && first.startsWith(ircText);
}

/** No IRC line budget is this short: a shorter line that differs from the message is another message. */
const SPLIT_PIECE_MIN = 100;
