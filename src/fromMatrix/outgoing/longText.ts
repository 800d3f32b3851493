import { splitMessage, stripFormatting, textBudget } from "../../irc/lines";
import { HOSTMASK_BOUND, linesToSay } from "../../irc/outgoingLines";
import type { Logger } from "../../observability/logger";
import type { Outgoing, OutgoingStage } from "./prepare";

/** What the long-text stage needs: the network's limits, the target, and where the whole text goes. */
export interface LongTextDeps {
  /** The channel or nick the message goes to (the IRC lines are counted for it). */
  readonly target: string;
  /** Most IRC lines a message may become (the network's lineLimit). */
  readonly lineLimit: number;
  /** Most bytes of text a message may have (the network's lineLimitBytes). */
  readonly byteLimit: number;
  /** Uploads the whole text and resolves with a link that serves it to anyone; rejects on failure. */
  paste(text: string): Promise<string>;
  readonly log: Logger;
}

export const CUT_REACTION = "✂️";

/**
 * A message longer than the line limit (or byte limit): its first lines and a link to the whole
 * text, served by the bridge (media/); the sender is told.
 *
 * Guarantees:
 * - A message that IRC would get as at most `lineLimit` lines (counted as irc/outgoingLines.ts
 *   linesToSay splits it for its target) and at most `byteLimit` bytes goes out unchanged.
 * - A longer one goes out as its first lines (at most lineLimit - 1 of them, at least one, and at
 *   most byteLimit bytes of text) and a last line "(full message: <link>)", at most
 *   max(lineLimit, 2) IRC lines in all; the link serves the whole text without formatting codes.
 *   The sender gets a ✂️ reaction (or a notice where the bot cannot react).
 * - When the upload fails, the same first lines go out with "(message truncated: the full text
 *   could not be uploaded)", the sender is told in words, and the failure is logged.
 * Not guaranteed: a crash between the upload and the send uploads (and tells) again on the re-run.
 */
export const withLongText: OutgoingStage = async (entry, out, deps) => {
  const long = deps.longText;
  if (long === undefined) return out;
  const lineCount = linesToSay(out.kind, long.target, out.body).length;
  if (lineCount <= long.lineLimit && Buffer.byteLength(out.body) <= long.byteLimit) return out;
  const kept = firstLines(out, long);
  let tail: string;
  let told: { reaction?: string; text: string };
  try {
    const link = await long.paste(stripFormatting(out.body));
    tail = `(full message: ${link})`;
    told = { reaction: CUT_REACTION, text: `Your message was too long for IRC (${lineCount} lines): IRC got its first ${lines(kept.length)} and a link to the whole text.` };
  } catch (err) {
    long.log.warn("could not upload a long message's full text; sending it cut", { room: entry.roomId, error: err instanceof Error ? err.message : String(err) });
    tail = "(message truncated: the full text could not be uploaded)";
    told = { text: `Your message was too long for IRC (${lineCount} lines) and its full text could not be uploaded: IRC got only its first ${lines(kept.length)}.` };
  }
  // The tail may itself take more than one IRC line (a long public URL): give up text lines for it.
  const most = Math.max(long.lineLimit, 2);
  while (kept.length > 1 && linesToSay(out.kind, long.target, [...kept, tail].join("\n")).length > most) kept.pop();
  deps.tellSender?.(entry.roomId, entry.eventId, told);
  return { ...out, body: [...kept, tail].join("\n") };
};

/** The first IRC lines of a message: at most lineLimit - 1 (at least 1), at most byteLimit bytes in all. */
function firstLines(out: Outgoing, long: LongTextDeps): string[] {
  const budget = textBudget(out.kind === "notice" ? "NOTICE" : "PRIVMSG", long.target, HOSTMASK_BOUND) - (out.kind === "action" ? 9 : 0);
  const kept = splitMessage(out.body, budget).slice(0, Math.max(1, long.lineLimit - 1));
  while (kept.length > 1 && Buffer.byteLength(kept.join("\n")) > long.byteLimit) kept.pop();
  const first = kept[0] ?? "";
  if (Buffer.byteLength(first) > long.byteLimit) kept[0] = splitMessage(first, long.byteLimit)[0] ?? "";
  return kept;
}

const lines = (n: number) => (n === 1 ? "line" : `${n} lines`);
