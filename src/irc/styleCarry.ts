/**
 * IRC styles across the pieces of one long line: IRC clients end every style at the end of a
 * line, so a line cut into pieces (see splitMessage) would lose its bold or colour after the cut.
 * Each piece after the first opens again the styles in force where the previous one ended.
 *
 * Guarantees: the text of the pieces is unchanged; a continuation gains at most CARRY_BYTES bytes
 * (six toggles, the longest colour code and a separator); a reset (\x0f) or a bare colour code ends what it
 * ends, as IRC clients read it.
 */
export const CARRY_BYTES = 22;

const TOGGLES = new Set(["\x02", "\x1d", "\x1f", "\x1e", "\x11", "\x16"]);
// eslint-disable-next-line no-control-regex -- IRC colour codes are control characters by definition
const COLOUR = /^(?:\x03(?:\d{1,2}(?:,\d{1,2})?)?|\x04(?:[0-9a-fA-F]{6}(?:,[0-9a-fA-F]{6})?)?)/;

/** The codes that open again, at the start of a line, the styles in force at the end of `text`. */
export function openStyles(text: string): string {
  const on = new Set<string>();
  let colour = "";
  for (let i = 0; i < text.length; i++) {
    const c = text.charAt(i);
    if (TOGGLES.has(c)) {
      if (on.has(c)) on.delete(c);
      else on.add(c);
    } else if (c === "\x0f") {
      on.clear();
      colour = "";
    } else if (c === "\x03" || c === "\x04") {
      const code = COLOUR.exec(text.slice(i))?.[0] ?? c;
      colour = code.length === 1 ? "" : code;
      i += code.length - 1;
    }
  }
  // A colour code followed by a digit of the text would read it as part of the code: bold twice separates.
  return `${[...on].join("")}${colour}${colour === "" ? "" : "\x02\x02"}`;
}

/** The pieces of one line, each after the first opening the styles the previous one left on. */
export function carryStyles(pieces: readonly string[]): string[] {
  let carried = "";
  return pieces.map((piece) => {
    const out = `${carried}${piece}`;
    carried = openStyles(out);
    return out;
  });
}
