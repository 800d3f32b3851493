import { buildLine, ctcpAction, splitMessage, textBudget } from "./lines";
import { tagPrefix } from "./tagPrefix";
import type { Tags } from "./events";
import { multilineBatch, type MultilineLimits } from "./multilineOut";

export { tagPrefix };

/** How a message is said beyond its text. */
export interface SayOptions {
  /**
   * IRCv3 client tags ("+draft/reply", ...) for the message's first line. Sent only where the
   * server has message-tags (see IrcConnection.say); dropped otherwise.
   */
  readonly tags?: Tags;
  /**
   * Send a message of several lines as one draft/multiline batch with this id, within these limits
   * (set by IrcConnection.say where the server has draft/multiline; see multilineOut.ts).
   */
  readonly multiline?: { readonly limits: MultilineLimits; readonly batchId: string };
}

/** The lines of one message, and which of them the server echoes back (one echo per message line, or one per batch). */
export interface SayPlan {
  readonly lines: readonly string[];
  /** "each": every line is echoed; "batch": the batch is echoed once, after its last line. */
  readonly echoes: "each" | "batch";
}

/** A generous upper bound of "nick!user@host" when the server has not told us ours yet. */
export const HOSTMASK_BOUND = 100;

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

/** How a message goes out: one draft/multiline batch where asked and it fits, else line by line (linesToSay). */
export function sayPlan(kind: "privmsg" | "notice" | "action", target: string, body: string, options: SayOptions = {}): SayPlan {
  const { multiline } = options;
  const budget = textBudget(kind === "notice" ? "NOTICE" : "PRIVMSG", target, HOSTMASK_BOUND);
  const batch = multiline === undefined ? undefined : multilineBatch(kind, target, body, budget, multiline.limits, multiline.batchId, options.tags);
  return batch === undefined ? { lines: linesToSay(kind, target, body, options), echoes: "each" } : { lines: batch, echoes: "batch" };
}
