import { walkHtml } from "./htmlWalk";
import { ircLineOf } from "./ircWriter";
import type { NickDirectory } from "./nickDirectory";

/** The parts of an m.room.message's content the IRC text is made from. */
export interface MatrixTextContent {
  /** The plain body (a reply's quoted fallback already removed). */
  readonly body: string;
  /** org.matrix.custom.html, when the event has it (a reply's mx-reply fallback already removed). */
  readonly html?: string;
}

/**
 * A Matrix message's text -> IRC text (with IRC formatting codes; line breaks kept as "\n").
 * The HTML is used when there is one, never the markdown-ish body; a pill becomes the user's IRC
 * nick on this network. Only HTML that shows no text at all (an empty formatted_body) falls back
 * to the body. Without HTML, the body is sent as it is.
 */
export function matrixToIrc(content: MatrixTextContent, nicks: Pick<NickDirectory, "nickOfUser">): string {
  if (content.html === undefined) return content.body;
  const lines = walkHtml(content.html, nicks).map(ircLineOf);
  return lines.length === 0 ? content.body : capped(lines.join("\n"));
}

/** The most IRC text one Matrix event becomes (an event is at most 64 KiB; its HTML may say more). */
export const MAX_IRC_TEXT = 65536;

/** The text cut at MAX_IRC_TEXT characters, saying so. */
function capped(text: string): string {
  return text.length <= MAX_IRC_TEXT ? text : `${text.slice(0, MAX_IRC_TEXT)} [… cut: too long]`;
}
