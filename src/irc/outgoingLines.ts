import { buildLine, ctcpAction, splitMessage, textBudget, UnsafeLineError } from "./lines";
import type { Tags } from "./events";

/** How a message is said beyond its text. */
export interface SayOptions {
  /**
   * IRCv3 client tags ("+draft/reply", ...) for the message's first line. Sent only where the
   * server has message-tags (see IrcConnection.say); dropped otherwise.
   */
  readonly tags?: Tags;
}

/** A generous upper bound of "nick!user@host" when the server has not told us ours yet. */
export const HOSTMASK_BOUND = 100;

const TAG_KEY = /^\+?(?:[A-Za-z0-9.-]+\/)?[A-Za-z0-9-]+$/;

/** A tag value escaped as the message-tags spec says (";" " " "\" CR LF). */
function escapeTag(value: string): string {
  return value.replace(/[\\; \r\n]/g, (c) => ({ "\\": "\\\\", ";": "\\:", " ": "\\s", "\r": "\\r", "\n": "\\n" })[c] ?? "");
}

/** "@k=v;k2 " for a line's tags ("" for none); an invalid key is refused, a value is escaped. */
export function tagPrefix(tags: Tags | undefined): string {
  if (tags === undefined) return "";
  const parts = Object.entries(tags).map(([key, value]) => {
    if (!TAG_KEY.test(key)) throw new UnsafeLineError(`invalid tag key ${JSON.stringify(key)}`);
    return value === "" ? key : `${key}=${escapeTag(value.replace(/\0/g, ""))}`;
  });
  return parts.length === 0 ? "" : `@${parts.join(";")} `;
}

/**
 * The IRC lines that say `body` to `target`: split at line breaks and to fit one line each (see
 * splitMessage), an ACTION wrapped as CTCP, "\x01" removed from the text (it would turn it into a
 * CTCP request), `options.tags` on the first line. Empty when there is nothing to say.
 */
export function linesToSay(kind: "privmsg" | "notice" | "action", target: string, body: string, options: SayOptions = {}): string[] {
  const command = kind === "notice" ? "NOTICE" : "PRIVMSG";
  const budget = textBudget(command, target, HOSTMASK_BOUND) - (kind === "action" ? 9 : 0);
  return splitMessage(body, budget).map((line, i) => {
    const text = line.split("\u0001").join("");
    const built = buildLine(command, [target, kind === "action" ? ctcpAction(text) : text]);
    return i === 0 ? `${tagPrefix(options.tags)}${built}` : built;
  });
}
