/**
 * Server lines nobody reads: the text of the MOTD (375, 372) and the LUSERS counts (250-255, 265,
 * 266) that every registration brings, 30 to 40 lines of the ~70 a connection reads to register.
 * irc-framework keeps nothing of them that the bridge uses (its "motd" event is not listened to;
 * the end of the MOTD, 376 or 422, still reaches it), so the transport drops them unparsed unless a
 * request waits (a user's raw MOTD or LUSERS command, answered through requests.ts).
 *
 * Guarantee: only lines whose command is exactly one of these numerics are chatter; the command is
 * found after optional tags and source (lineInterest.ts's commandStart), read in place.
 */
import { commandStart } from "./lineInterest";

const CHATTER = new Set([250, 251, 252, 253, 254, 255, 265, 266, 372, 375]);

/** Whether a raw server line is MOTD text or a LUSERS count. */
export function isServerChatter(raw: string): boolean {
  return isChatter(numericOf(raw));
}

/** Whether a numeric (numericOf's answer) is MOTD text or a LUSERS count. */
export function isChatter(code: number): boolean {
  return CHATTER.has(code);
}

/** The three-digit numeric a raw server line's command is, read in place; -1 when its command is not one. */
export function numericOf(raw: string): number {
  const at = commandStart(raw);
  const end = at + 3;
  if (end > raw.length || (end < raw.length && raw.charCodeAt(end) !== 0x20)) return -1;
  let code = 0;
  for (let i = at; i < end; i++) {
    const digit = raw.charCodeAt(i) - 0x30;
    if (!(digit >= 0 && digit <= 9)) return -1;
    code = code * 10 + digit;
  }
  return code;
}
