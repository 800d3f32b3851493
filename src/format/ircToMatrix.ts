import { isStyled, parseIrc } from "./ircCodes";
import { htmlOfRuns, type Pill } from "./ircHtml";
import { mentionSpans, type MentionSpan } from "./mentionSpans";
import type { NickDirectory } from "./nickDirectory";

/** IRC text as Matrix shows it. */
export interface MatrixText {
  /** Plain text: the IRC text without its formatting codes. */
  readonly body: string;
  /** org.matrix.custom.html, when the text had formatting or mentions; undefined for plain text. */
  readonly html?: string;
  /** Matrix users the text mentions (pills), for m.mentions. */
  readonly mentions: readonly string[];
}

/** Finds mentions in plain text (mentionSpans; tests pass their own). */
export type MentionFinder = (text: string, nicks: Pick<NickDirectory, "userOfNick">) => readonly MentionSpan[];

/** The spans that can be pills: inside the text, non-empty, in order and not overlapping. */
function pillsOf(spans: readonly MentionSpan[], length: number): Pill[] {
  const pills: Pill[] = [];
  let end = 0;
  for (const s of [...spans].sort((a, b) => a.start - b.start)) {
    if (s.start < end || s.end <= s.start || s.end > length) continue;
    pills.push({ start: s.start, end: s.end, userId: s.user.userId, displayName: s.user.displayName });
    end = s.end;
  }
  return pills;
}

/**
 * An IRC line -> Matrix body, HTML and mentions. Everything from IRC is escaped: only the
 * formatting codes and the nicks of known users become markup. Mentions are found on the text
 * without its codes, so a nick is found (and pilled) even when formatting changes inside it; the
 * body keeps the nick as written, the HTML shows the pill.
 */
export function ircToMatrix(text: string, nicks: Pick<NickDirectory, "userOfNick">, findMentions: MentionFinder = mentionSpans): MatrixText {
  const runs = parseIrc(text);
  const body = runs.map((r) => r.text).join("");
  const pills = body === "" ? [] : pillsOf(findMentions(body, nicks), body.length);
  const mentions = [...new Set(pills.map((p) => p.userId))];
  if (pills.length === 0 && !runs.some((r) => isStyled(r.style))) return { body, mentions };
  return { body, html: htmlOfRuns(runs, pills), mentions };
}
