/** Characters an IRC channel name may never contain (RFC 2812 chanstring, plus CR/LF/NUL). */
const FORBIDDEN = [" ", ",", ":", "\u0007", "\u0000", "\r", "\n"];

/** A syntactically valid channel name: a channel prefix, then 1 to 199 allowed characters. */
export function isValidChannelName(name: string): boolean {
  return /^[#&!+]/.test(name) && name.length >= 2 && name.length <= 200 && !FORBIDDEN.some((c) => name.includes(c));
}
