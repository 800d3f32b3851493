/**
 * Writing mIRC formatting codes: one line of styled segments -> IRC text.
 *
 * Guarantees: each style is switched on where it starts and off where it ends (IRC styles are
 * toggles, so a nested style ending restores the outer one by itself); nothing is left on at the
 * end of the line; colours are written with two digits, and where the text after a colour code
 * starts with what a client would read as part of it (a digit after a colour reset, ",digit" after
 * a foreground), an empty bold pair separates them. No \x0f reset is written: it is never needed.
 */

/** A style as IRC writes it; colours are IRC colour indices (0-98). */
export interface OutStyle {
  readonly bold: boolean;
  readonly italic: boolean;
  readonly underline: boolean;
  readonly strike: boolean;
  readonly mono: boolean;
  readonly fg?: number;
  readonly bg?: number;
}

export interface Segment {
  readonly text: string;
  readonly style: OutStyle;
}

export const OUT_PLAIN: OutStyle = { bold: false, italic: false, underline: false, strike: false, mono: false };

const TOGGLES: readonly (readonly [keyof OutStyle, string])[] = [
  ["bold", "\x02"],
  ["italic", "\x1d"],
  ["underline", "\x1f"],
  ["strike", "\x1e"],
  ["mono", "\x11"],
];

const two = (n: number): string => String(n).padStart(2, "0");

/** The colour code taking `from` to `to` ("" when the colours are the same). */
function colourCode(from: OutStyle, to: OutStyle): string {
  if (from.fg === to.fg && from.bg === to.bg) return "";
  if (to.fg === undefined && to.bg === undefined) return "\x03";
  const reset = from.bg !== undefined && to.bg === undefined ? "\x03" : "";
  return `${reset}\x03${two(to.fg ?? 99)}${to.bg === undefined ? "" : `,${two(to.bg)}`}`;
}

function toggles(from: OutStyle, to: OutStyle): string {
  return TOGGLES.filter(([key]) => from[key] !== to[key])
    .map(([, code]) => code)
    .join("");
}

/** Whether a client would read the start of `text` as part of the colour code `code`. */
function ambiguous(code: string, text: string): boolean {
  if (code.endsWith("\x03")) return /^[0-9]/.test(text);
  const fgOnly = code.length >= 3 && code[code.length - 3] === "\x03";
  return fgOnly && /^,[0-9]/.test(text);
}

/** One line of styled text as IRC text with formatting codes. */
export function ircLineOf(segments: readonly Segment[]): string {
  let out = "";
  let current = OUT_PLAIN;
  for (const { text, style } of segments) {
    if (text === "") continue;
    const colour = colourCode(current, style);
    const flags = toggles(current, style);
    out += colour + flags;
    if (flags === "" && colour !== "" && ambiguous(colour, text)) out += "\x02\x02";
    out += text;
    current = style;
  }
  return out + colourCode(current, OUT_PLAIN) + toggles(current, OUT_PLAIN);
}
