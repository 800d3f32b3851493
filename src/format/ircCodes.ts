import { hexOfIrcColour } from "./colours";

/**
 * Reading mIRC formatting codes: an IRC line -> runs of text, each with the style it is shown in.
 *
 * Guarantees: the runs' texts joined are the line without any formatting code (bold \x02, italic
 * \x1d, underline \x1f, strikethrough \x1e, monospace \x11, reverse \x16, reset \x0f, colours
 * \x03[NN[,NN]] and hex colours \x04[RRGGBB[,RRGGBB]]); every other character is kept as it is.
 * Codes that do not parse (\x03 without digits, \x04 without six hex digits) reset the colours,
 * as IRC clients do; no input is refused. Adjacent runs never have the same style.
 */

/** How a run of IRC text is shown. Colours are "#rrggbb"; undefined means the client's default. */
export interface IrcStyle {
  readonly bold: boolean;
  readonly italic: boolean;
  readonly underline: boolean;
  readonly strike: boolean;
  readonly mono: boolean;
  readonly reverse: boolean;
  readonly fg?: string;
  readonly bg?: string;
}

export interface IrcRun {
  readonly text: string;
  readonly style: IrcStyle;
}

export const PLAIN: IrcStyle = { bold: false, italic: false, underline: false, strike: false, mono: false, reverse: false };

type Flag = "bold" | "italic" | "underline" | "strike" | "mono" | "reverse";

const TOGGLES: Readonly<Record<string, Flag>> = {
  "\x02": "bold",
  "\x1d": "italic",
  "\x1f": "underline",
  "\x1e": "strike",
  "\x11": "mono",
  "\x16": "reverse",
};

export function sameStyle(a: IrcStyle, b: IrcStyle): boolean {
  return a.bold === b.bold && a.italic === b.italic && a.underline === b.underline && a.strike === b.strike && a.mono === b.mono && a.reverse === b.reverse && a.fg === b.fg && a.bg === b.bg;
}

/** Whether text in this style looks different from plain text. */
export function isStyled(s: IrcStyle): boolean {
  return !sameStyle(s, PLAIN);
}

const CODES = new Set([...Object.keys(TOGGLES), "\x0f", "\x03", "\x04"]);

const isDigit = (c: string | undefined): boolean => c !== undefined && c >= "0" && c <= "9";
const isHexDigit = (c: string | undefined): boolean => c !== undefined && /^[0-9a-fA-F]$/.test(c);

/** Up to two digits at `at`: [value, length]; length 0 when there is none. */
function digits(text: string, at: number): [number, number] {
  let n = 0;
  while (n < 2 && isDigit(text[at + n])) n++;
  return [n === 0 ? 0 : Number(text.slice(at, at + n)), n];
}

/** Six hex digits at `at`, as "#rrggbb", or undefined. */
function hexAt(text: string, at: number): string | undefined {
  for (let i = 0; i < 6; i++) if (!isHexDigit(text[at + i])) return undefined;
  return `#${text.slice(at, at + 6).toLowerCase()}`;
}

function withColours(style: IrcStyle, fg: string | undefined, bg: string | undefined): IrcStyle {
  const { fg: _fg, bg: _bg, ...rest } = style;
  return { ...rest, ...(fg === undefined ? {} : { fg }), ...(bg === undefined ? {} : { bg }) };
}

/** The IRC line as runs of text with their styles. */
export function parseIrc(line: string): IrcRun[] {
  const runs: IrcRun[] = [];
  let style = PLAIN;
  let text = "";
  const flush = (): void => {
    if (text === "") return;
    const last = runs[runs.length - 1];
    if (last !== undefined && sameStyle(last.style, style)) runs[runs.length - 1] = { text: last.text + text, style };
    else runs.push({ text, style });
    text = "";
  };
  let i = 0;
  while (i < line.length) {
    const c = line[i] ?? "";
    const toggle = TOGGLES[c];
    if (toggle !== undefined) {
      flush();
      style = { ...style, [toggle]: !style[toggle] };
      i++;
    } else if (c === "\x0f") {
      flush();
      style = PLAIN;
      i++;
    } else if (c === "\x03") {
      flush();
      i++;
      const [fgIndex, fgLength] = digits(line, i);
      if (fgLength === 0) {
        style = withColours(style, undefined, undefined);
        continue;
      }
      i += fgLength;
      let bg = style.bg;
      if (line[i] === "," && isDigit(line[i + 1])) {
        const [bgIndex, bgLength] = digits(line, i + 1);
        bg = hexOfIrcColour(bgIndex);
        i += 1 + bgLength;
      }
      style = withColours(style, hexOfIrcColour(fgIndex), bg);
    } else if (c === "\x04") {
      flush();
      i++;
      const fg = hexAt(line, i);
      if (fg === undefined) {
        style = withColours(style, undefined, undefined);
        continue;
      }
      i += 6;
      let bg = style.bg;
      const after = line[i] === "," ? hexAt(line, i + 1) : undefined;
      if (after !== undefined) {
        bg = after;
        i += 7;
      }
      style = withColours(style, fg, bg);
    } else {
      let j = i + 1;
      while (j < line.length && !CODES.has(line[j] ?? "")) j++;
      text += line.slice(i, j);
      i = j;
    }
  }
  flush();
  return runs;
}
