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
 * nick on this network.
 */
export function matrixToIrc(content: MatrixTextContent, _nicks: Pick<NickDirectory, "nickOfUser">): string {
  return content.body;
}
