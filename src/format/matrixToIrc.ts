import { Parser } from "htmlparser2";
import type { NickDirectory } from "./nickDirectory";

/** The parts of an m.room.message's content the IRC text is made from. */
export interface MatrixTextContent {
  /** The plain body (a reply's quoted fallback already removed). */
  readonly body: string;
  /** org.matrix.custom.html, when the event has it (a reply's mx-reply fallback already removed). */
  readonly html?: string;
}

const PILL = /^https:\/\/matrix\.to\/#\/(@[^/?]+)/;

/** The user id a pill's link names (percent-encoded or not); undefined when it names none. */
function pillUser(href: string | undefined): string | undefined {
  const match = PILL.exec(href ?? "");
  if (match?.[1] === undefined) return undefined;
  try {
    return decodeURIComponent(match[1]);
  } catch {
    return undefined;
  }
}

/**
 * A Matrix message's text -> IRC text (with IRC formatting codes; line breaks kept as "\n").
 * The HTML is used when there is one, never the markdown-ish body; a pill becomes the user's IRC
 * nick on this network.
 *
 * (Branch "mentions": a stand-in that keeps the HTML's text, its line breaks and its pills as nicks
 * only; the formatting helper's matrixToIrc replaces it.)
 */
export function matrixToIrc(content: MatrixTextContent, nicks: Pick<NickDirectory, "nickOfUser">): string {
  if (content.html === undefined) return content.body;
  let out = "";
  let inPill = false;
  let inReply = 0;
  const parser = new Parser(
    {
      onopentag(name, attrs) {
        if (name === "mx-reply") inReply++;
        else if (name === "br") out += "\n";
        else if (name === "a") {
          const user = pillUser(attrs.href);
          const nick = user === undefined ? undefined : nicks.nickOfUser(user);
          if (nick !== undefined && inReply === 0) {
            out += nick;
            inPill = true;
          }
        }
      },
      ontext(text) {
        if (!inPill && inReply === 0) out += text;
      },
      onclosetag(name) {
        if (name === "mx-reply") inReply--;
        else if (name === "a") inPill = false;
        else if (name === "p" && inReply === 0) out += "\n";
      },
    },
    { decodeEntities: true },
  );
  parser.end(content.html);
  return out.replace(/\n+$/, "");
}
