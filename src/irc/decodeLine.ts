/**
 * Bytes of one IRC line to text, for networks where older clients still send Latin-1 or another
 * legacy encoding (config `encodingFallback`).
 *
 * Guarantees (decided per line, never per connection):
 * - A line that is valid UTF-8 is decoded as UTF-8, unchanged (so UTF-8 text is never re-read as
 *   the fallback, whatever came before it on the connection).
 * - A line that is not valid UTF-8 is decoded whole with the fallback; with a single-byte fallback
 *   such as windows-1252 (the default) every byte maps to a character, so nothing turns into U+FFFD.
 * - Not guaranteed: a legacy line that happens to be valid UTF-8 (e.g. "Ã©" typed in Latin-1) reads
 *   as UTF-8; no decoder can tell the two apart.
 * The IRC parts of a line (tags, prefix, command) are ASCII, the same in every supported fallback.
 */
import { isUtf8 } from "node:buffer";

/** Whether this Node's own windows-1252 decoder is right (asked once: the answer is the process's). */
const NODE_READS_WINDOWS_1252 = new TextDecoder("windows-1252").decode(Uint8Array.of(0x80)) === "\u20ac";

/** The default fallback: what most IRC clients assume (a superset of Latin-1). */
export const DEFAULT_ENCODING_FALLBACK = "windows-1252";

/** One decoder per fallback label, for every connection: `decode` without streaming keeps no state between lines. */
const decoders = new Map<string, (bytes: Buffer) => string>();

/** A line decoder: UTF-8 where the bytes are UTF-8, else `fallback` (a TextDecoder label). */
export function lineDecoder(fallback: string = DEFAULT_ENCODING_FALLBACK): (bytes: Buffer) => string {
  const known = decoders.get(fallback);
  if (known !== undefined) return known;
  const legacy = new TextDecoder(fallback);
  const decode = legacy.encoding === "windows-1252" && !NODE_READS_WINDOWS_1252 ? windows1252 : (bytes: Buffer) => legacy.decode(bytes);
  const line = (bytes: Buffer) => (isUtf8(bytes) ? bytes.toString("utf8") : decode(bytes));
  decoders.set(fallback, line);
  return line;
}

/**
 * windows-1252 bytes 0x80-0x9f (the WHATWG Encoding Standard's table); every other byte is its
 * Latin-1 code point. Node 20's TextDecoder reads "windows-1252" (and "latin1") as plain Latin-1,
 * turning the euro sign and curly quotes into C1 control characters.
 */
const CP1252_HIGH = [
  0x20ac, 0x81, 0x201a, 0x192, 0x201e, 0x2026, 0x2020, 0x2021, 0x2c6, 0x2030, 0x160, 0x2039, 0x152, 0x8d, 0x17d, 0x8f,
  0x90, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x2dc, 0x2122, 0x161, 0x203a, 0x153, 0x9d, 0x17e, 0x178,
];

function windows1252(bytes: Buffer): string {
  const latin1 = bytes.toString("latin1");
  return /[\x80-\x9f]/.test(latin1) ? latin1.replace(/[\x80-\x9f]/g, (c) => String.fromCharCode(CP1252_HIGH[c.charCodeAt(0) - 0x80] ?? c.charCodeAt(0))) : latin1;
}


/**
 * Why `label` cannot be a fallback, or undefined when it can: it must be an encoding this Node can
 * decode (WHATWG labels: windows-1252, iso-8859-15, koi8-r, shift_jis...) that keeps ASCII as ASCII.
 */
export function encodingProblem(label: string): string | undefined {
  let encoding: string;
  try {
    encoding = new TextDecoder(label).encoding;
  } catch {
    return `is not an encoding this Node.js can decode (examples: windows-1252, iso-8859-15, koi8-r, shift_jis)`;
  }
  if (encoding === "utf-16le" || encoding === "utf-16be") return `${label} does not keep ASCII as ASCII (IRC commands would not read): choose a legacy 8-bit or multi-byte encoding`;
  return undefined;
}
