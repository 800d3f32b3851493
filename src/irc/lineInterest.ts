/**
 * Which server lines a connection's own watchers must read (connection.ts parses a raw line with
 * parseIrcLine only when one of them may act on it), so the lines every member of a busy channel
 * receives (JOINs, messages another connection delivers) are not parsed a second time.
 *
 * Guarantee: a line is skipped only when no watcher could do anything with it:
 * - sts (connectAttempt.ts) reads CAP lines only; the server's mode syntax (serverView.ts) 005 only;
 * - a JOIN refusal (joinRefusals.ts) is looked for only while one of our JOINs waits for its answer;
 * - a request's answer (requests.ts) only while a request waits (labels, batches, unlabeled replies).
 * Skipping is decided on the command word alone, cut from the raw line without parsing it.
 */

/** The command of a raw IRC line (upper case), skipping its tags and source; "" when it has none. */
export function commandOf(raw: string): string {
  const at = commandStart(raw);
  const end = raw.indexOf(" ", at);
  return (end === -1 ? raw.slice(at) : raw.slice(at, end)).toUpperCase();
}

/** Where the command of a raw IRC line starts: after its tags and source, if it has them. */
export function commandStart(raw: string): number {
  let at = 0;
  if (raw.charCodeAt(at) === 0x40 /* @ */) at = afterWord(raw, at);
  if (raw.charCodeAt(at) === 0x3a /* : */) at = afterWord(raw, at);
  return at;
}

/** The index of the first non-space after the word starting at `at`. */
function afterWord(raw: string, at: number): number {
  let i = raw.indexOf(" ", at);
  if (i === -1) return raw.length;
  while (raw.charCodeAt(i) === 0x20) i++;
  return i;
}

/** What the connection's watchers wait for right now. */
export interface Waiting {
  /** A JOIN of ours waits for its echo or refusal. */
  readonly joins: boolean;
  /** A request waits for its answer. */
  readonly requests: boolean;
}

/** Whether a server line must be parsed for the connection's watchers (see the guarantee above). */
export function lineMatters(raw: string, waiting: Waiting): boolean {
  if (waiting.requests) return true;
  const command = commandOf(raw);
  if (command === "CAP" || command === "005") return true;
  return waiting.joins && (command === "JOIN" || /^\d{3}$/.test(command));
}
