import { stripFormatting } from "../irc/lines";
import { mentionSpans } from "./mentionSpans";
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

const escapeHtml = (text: string): string => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/**
 * An IRC line -> Matrix body, HTML and mentions. Everything from IRC is escaped: only the
 * formatting codes and the nicks of known users become markup.
 *
 * (Branch "mentions": a stand-in that strips the codes and makes pills of the mentions only; the
 * formatting helper's ircToMatrix replaces it.)
 */
export function ircToMatrix(text: string, nicks: Pick<NickDirectory, "userOfNick">): MatrixText {
  const body = stripFormatting(text);
  const spans = mentionSpans(body, nicks);
  if (spans.length === 0) return { body, mentions: [] };
  let html = "";
  let at = 0;
  for (const span of spans) {
    html += escapeHtml(body.slice(at, span.start));
    html += `<a href="https://matrix.to/#/${escapeHtml(span.user.userId)}">${escapeHtml(span.user.displayName)}</a>`;
    at = span.end;
  }
  html += escapeHtml(body.slice(at));
  return { body, html, mentions: [...new Set(spans.map((s) => s.user.userId))] };
}
