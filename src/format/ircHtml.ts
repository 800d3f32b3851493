import type { IrcRun, IrcStyle } from "./ircCodes";

/**
 * Styled IRC runs -> org.matrix.custom.html, with mention pills.
 *
 * Guarantees: the output is well-formed (every tag opened is closed, properly nested); all text is
 * HTML-escaped, so the only markup is what this file writes: <strong>, <em>, <u>, <del>, <code>,
 * <font data-mx-color data-mx-bg-color> with "#rrggbb" values, and <a href="https://matrix.to/#/...">
 * pills. A pill is one unit shown in the style of its first character, even when the nick it
 * replaces crosses style changes. Reverse video shows as swapped colours (white on black when the
 * text has none).
 */

/** A pill: body.slice(start, end) is shown as a link to the user, with their display name. */
export interface Pill {
  readonly start: number;
  readonly end: number;
  readonly userId: string;
  readonly displayName: string;
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

interface Tag {
  /** Identity of the tag (the colour tag includes its colours). */
  readonly key: string;
  readonly open: string;
  readonly close: string;
}

function tagsOf(style: IrcStyle): Tag[] {
  const tags: Tag[] = [];
  const fg = style.reverse ? (style.bg ?? "#ffffff") : style.fg;
  const bg = style.reverse ? (style.fg ?? "#000000") : style.bg;
  if (fg !== undefined || bg !== undefined) {
    const attrs = `${fg === undefined ? "" : ` data-mx-color="${fg}"`}${bg === undefined ? "" : ` data-mx-bg-color="${bg}"`}`;
    tags.push({ key: `font${attrs}`, open: `<font${attrs}>`, close: "</font>" });
  }
  if (style.bold) tags.push({ key: "b", open: "<strong>", close: "</strong>" });
  if (style.italic) tags.push({ key: "i", open: "<em>", close: "</em>" });
  if (style.underline) tags.push({ key: "u", open: "<u>", close: "</u>" });
  if (style.strike) tags.push({ key: "s", open: "<del>", close: "</del>" });
  if (style.mono) tags.push({ key: "m", open: "<code>", close: "</code>" });
  return tags;
}

/** Writes HTML, keeping open the tags that the next text still wants. */
class HtmlWriter {
  private out = "";
  private readonly open: Tag[] = [];

  style(style: IrcStyle): void {
    const wanted = tagsOf(style);
    const keys = new Set(wanted.map((t) => t.key));
    const keep = this.open.findIndex((t) => !keys.has(t.key));
    if (keep >= 0) for (const tag of this.open.splice(keep).reverse()) this.out += tag.close;
    const have = new Set(this.open.map((t) => t.key));
    for (const tag of wanted) {
      if (have.has(tag.key)) continue;
      this.open.push(tag);
      this.out += tag.open;
    }
  }

  raw(html: string): void {
    this.out += html;
  }

  done(): string {
    for (const tag of this.open.splice(0).reverse()) this.out += tag.close;
    return this.out;
  }
}

/** The runs (whose texts joined are the body) as HTML, with the pills (in body offsets, in order). */
export function htmlOfRuns(runs: readonly IrcRun[], pills: readonly Pill[]): string {
  const writer = new HtmlWriter();
  let pill = 0;
  let offset = 0;
  let skipTo = 0;
  for (const run of runs) {
    const end = offset + run.text.length;
    let at = Math.max(offset, skipTo);
    while (at < end) {
      const next = pills[pill];
      if (next !== undefined && next.start < at) {
        pill++; // overlaps the pill before it: not a pill (ircToMatrix passes none such)
        continue;
      }
      if (next !== undefined && next.start === at) {
        writer.style(run.style);
        writer.raw(`<a href="https://matrix.to/#/${escapeHtml(next.userId)}">${escapeHtml(next.displayName)}</a>`);
        skipTo = next.end;
        pill++;
        at = Math.min(end, skipTo);
        continue;
      }
      const stop = next !== undefined && next.start < end ? next.start : end;
      writer.style(run.style);
      // A line break (a multiline message's) is a <br> in HTML, where "\n" would show as a space.
      writer.raw(escapeHtml(run.text.slice(at - offset, stop - offset)).replace(/\r?\n/g, "<br>"));
      at = stop;
    }
    offset = end;
  }
  return writer.done();
}
