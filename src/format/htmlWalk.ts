import { Parser } from "htmlparser2";
import { ircColourOfHex, normalHex } from "./colours";
import type { OutStyle, Segment } from "./ircWriter";
import { OUT_PLAIN } from "./ircWriter";
import { StyledLines } from "./styledLines";
import { linkTarget, sameAsText } from "./links";
import type { NickDirectory } from "./nickDirectory";

/**
 * Matrix HTML -> lines of styled text, read with htmlparser2 (entities decoded, unbalanced or
 * invalid HTML closed the way the parser closes it; never regular expressions on the HTML).
 *
 * Guarantees: every element's style ends where the element ends; text of unknown tags is kept;
 * the reply fallback (<mx-reply>) and <script>/<style> contents are dropped; a user pill shows the
 * user's IRC nick on this network (else its text); a link shows its text, then its URL in angle
 * brackets when the URL says more than the text; a spoiler is announced ("spoiler: ") and written
 * black on black, which IRC users know to select to read.
 */

const BLOCKS = new Set([
  "p", "div", "blockquote", "ul", "ol", "li", "pre", "hr", "table", "tr", "section", "article", "header", "footer",
  "details", "summary", "dl", "dt", "dd", "figure", "figcaption", "address", "caption", "h1", "h2", "h3", "h4", "h5", "h6",
]);
const SKIPPED = new Set(["mx-reply", "script", "style"]);
const HEADINGS = new Set(["h1", "h2", "h3", "h4", "h5", "h6"]);
const FLAGS: Readonly<Record<string, keyof Omit<OutStyle, "fg" | "bg">>> = {
  b: "bold", strong: "bold",
  i: "italic", em: "italic", cite: "italic",
  u: "underline", ins: "underline",
  del: "strike", s: "strike", strike: "strike",
  code: "mono", tt: "mono", kbd: "mono", samp: "mono", pre: "mono",
};

type Attributes = Readonly<Record<string, string>>;

interface Frame {
  readonly name: string;
  readonly style: OutStyle;
  readonly locked: boolean;
  /** What to do when the element ends (after the style is restored). */
  readonly end?: () => void;
}

const colour = (value: string | undefined): number | undefined => {
  const hex = value === undefined ? undefined : normalHex(value);
  return hex === undefined ? undefined : ircColourOfHex(hex);
};

/** Quote and list levels shown at most (deeper ones are shown at this level). */
const MAX_PREFIXES = 8;

/** The lines of IRC text the HTML shows. */
export function walkHtml(html: string, nicks: Pick<NickDirectory, "nickOfUser">): Segment[][] {
  const out = new StyledLines();
  const frames: Frame[] = [];
  const lists: { ordered: boolean; next: number }[] = [];
  /** Texts of the links being read (a link's text is compared with its URL at its end). */
  const captures: string[][] = [];
  let style = OUT_PLAIN;
  let locked = false;
  let skip = 0;
  let pre = 0;

  const opened = (name: string, attrs: Attributes): void => {
    const frame: { name: string; style: OutStyle; locked: boolean; end?: () => void } = { name, style, locked };
    frames.push(frame);
    if (skip > 0 || SKIPPED.has(name)) {
      skip++;
      frame.end = () => skip--;
      return;
    }
    if (BLOCKS.has(name)) out.block();
    const flag = FLAGS[name];
    if (flag !== undefined) style = { ...style, [flag]: true };
    if (HEADINGS.has(name)) style = { ...style, bold: true };
    if ((name === "font" || name === "span") && !locked) {
      const fg = colour(attrs["data-mx-color"] ?? (name === "font" ? attrs.color : undefined));
      const bg = colour(attrs["data-mx-bg-color"]);
      if (fg !== undefined) style = { ...style, fg };
      if (bg !== undefined) style = { ...style, bg };
    }
    switch (name) {
      case "br":
        out.newline();
        return;
      case "hr":
        out.write("---", OUT_PLAIN);
        out.block();
        return;
      case "img":
        out.write(attrs.alt ?? attrs.title ?? "[image]", style);
        return;
      case "pre":
        pre++;
        frame.end = () => pre--;
        return;
      case "blockquote":
        // Deeper nesting is shown at MAX_PREFIXES levels: each level repeats on every line below it.
        if (out.prefixes.length >= MAX_PREFIXES) return;
        out.prefixes.push({ first: "> ", rest: "> ", used: false });
        frame.end = () => out.prefixes.pop();
        return;
      case "ul":
      case "ol": {
        const start = Number.parseInt(attrs.start ?? "1", 10);
        lists.push({ ordered: name === "ol", next: Number.isFinite(start) ? start : 1 });
        frame.end = () => lists.pop();
        return;
      }
      case "li": {
        const list = lists[lists.length - 1];
        const marker = list?.ordered === true ? `${list.next++}. ` : "• ";
        if (out.prefixes.length >= MAX_PREFIXES) return;
        out.prefixes.push({ first: marker, rest: " ".repeat(marker.length), used: false });
        frame.end = () => out.prefixes.pop();
        return;
      }
      case "td":
      case "th":
        out.soft(style);
        return;
      case "span":
        if (attrs["data-mx-spoiler"] !== undefined) {
          const reason = attrs["data-mx-spoiler"].trim();
          out.write(reason === "" ? "spoiler: " : `spoiler (${reason}): `, style);
          style = { ...style, fg: 1, bg: 1 };
          locked = true;
        }
        return;
      case "a":
        link(attrs.href ?? "", frame);
        return;
    }
  };

  const link = (href: string, frame: { end?: () => void; style: OutStyle }): void => {
    const target = linkTarget(href);
    const text: string[] = [];
    captures.push(text);
    if (target.kind === "user") {
      skip++;
      frame.end = () => {
        skip--;
        captures.pop();
        out.write(nicks.nickOfUser(target.userId) ?? (text.join("").trim() || target.userId), style);
      };
      return;
    }
    frame.end = () => {
      captures.pop();
      const shown = text.join("").trim();
      if (target.kind === "url" && !sameAsText(target.url, shown)) out.write(shown === "" ? target.url : ` <${target.url}>`, frame.style);
      if (target.kind === "room" && shown === "") out.write(target.id, frame.style);
    };
  };

  const closed = (name: string): void => {
    const at = frames.map((f) => f.name).lastIndexOf(name);
    if (at < 0) return;
    for (const frame of frames.splice(at).reverse()) {
      style = frame.style;
      locked = frame.locked;
      frame.end?.();
      if (BLOCKS.has(frame.name)) out.block();
    }
  };

  const text = (data: string): void => {
    for (const capture of captures) capture.push(data);
    if (skip > 0) return;
    if (pre > 0) {
      data.split("\n").forEach((line, i) => {
        if (i > 0) out.newline();
        out.write(line.replace(/\r$/, ""), style);
      });
      return;
    }
    data.split(/[ \t]*[\r\n][\s]*/).forEach((piece, i) => {
      if (i > 0) out.soft(style);
      out.write(piece, style);
    });
  };

  const parser = new Parser({ onopentag: opened, onclosetag: closed, ontext: text }, { decodeEntities: true });
  parser.write(html);
  parser.end();
  return out.done();
}
