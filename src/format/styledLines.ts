import type { OutStyle, Segment } from "./ircWriter";

/** A line prefix that block elements add: a quote's "> ", a list item's marker then its indent. */
export interface Prefix {
  readonly first: string;
  readonly rest: string;
  used: boolean;
}

/**
 * Lines of styled text being built from HTML, the way a browser lays text out for IRC: block
 * boundaries start a line (never an empty one), <br> always does, whitespace from the HTML source's
 * line breaks is one space inside a line and nothing at its ends, spaces the author typed are kept.
 * Each line starts with the prefixes of the quotes and list items it is in.
 */
export class StyledLines {
  private readonly lines: Segment[][] = [[]];
  private started = false;
  private softEnd = false;
  readonly prefixes: Prefix[] = [];

  private get current(): Segment[] {
    const line = this.lines[this.lines.length - 1];
    if (line === undefined) throw new Error("no line");
    return line;
  }

  /** Text as written. */
  write(text: string, style: OutStyle): void {
    if (text === "") return;
    if (this.softEnd && /^\s/.test(text)) this.dropSoft();
    if (!this.started) {
      this.started = true;
      const prefix = this.prefixes.map((p) => (p.used ? p.rest : ((p.used = true), p.first))).join("");
      if (prefix !== "") this.current.push({ text: prefix, style: PREFIX_STYLE });
    }
    this.current.push({ text, style });
    this.softEnd = false;
  }

  /** A space standing for HTML source whitespace: only between words on a line. */
  soft(style: OutStyle): void {
    if (!this.started || this.softEnd) return;
    const last = this.current[this.current.length - 1];
    if (last !== undefined && /\s$/.test(last.text)) return;
    this.current.push({ text: " ", style });
    this.softEnd = true;
  }

  private dropSoft(): void {
    if (this.softEnd) this.current.pop();
    this.softEnd = false;
  }

  /** A hard line break (<br>, a line of <pre>). */
  newline(): void {
    this.dropSoft();
    this.lines.push([]);
    this.started = false;
  }

  /** A block boundary: a new line unless the current one is still empty. */
  block(): void {
    if (this.started) this.newline();
  }

  /** The lines, without empty lines at the start and the end. */
  done(): Segment[][] {
    this.dropSoft();
    const lines = [...this.lines];
    while (lines.length > 0 && (lines[0]?.length ?? 0) === 0) lines.shift();
    while (lines.length > 0 && (lines[lines.length - 1]?.length ?? 0) === 0) lines.pop();
    return lines;
  }
}

const PREFIX_STYLE: OutStyle = { bold: false, italic: false, underline: false, strike: false, mono: false };
