import { buildLine, cutLine } from "./lines";
import { tagPrefix } from "./tagPrefix";
import type { Tags } from "./events";

/** The server's draft/multiline limits (its CAP value "max-bytes=4096,max-lines=24"). */
export interface MultilineLimits {
  /** Most bytes of message text in one batch (the lines' texts, each line break counted as one). */
  readonly maxBytes: number;
  /** Most lines in one batch; undefined: the server sets no such limit. */
  readonly maxLines: number | undefined;
}

/**
 * The limits a draft/multiline CAP value announces; undefined when it has no max-bytes, which the
 * spec requires (then the bridge does not use multiline with that server).
 */
export function parseMultilineCap(value: unknown): MultilineLimits | undefined {
  if (typeof value !== "string") return undefined;
  const entries = new Map(value.split(",").map((kv) => [kv.split("=")[0] ?? "", Number(kv.split("=")[1])] as const));
  const maxBytes = entries.get("max-bytes");
  const maxLines = entries.get("max-lines");
  if (maxBytes === undefined || !Number.isInteger(maxBytes) || maxBytes <= 0) return undefined;
  return { maxBytes, maxLines: maxLines !== undefined && Number.isInteger(maxLines) && maxLines > 0 ? maxLines : undefined };
}

/** A batch is shown only once complete: it is used only when the pacing lets all of it out within this long. */
export const MULTILINE_HOLD_MS = 2000;

/**
 * The limits the bridge sends batches within: the server's (its CAP value), and no more lines than
 * a quiet connection's pacing writes within MULTILINE_HOLD_MS, opening and closing lines included,
 * so a batch never holds a message back much longer than its lines one by one would (a longer
 * message goes line by line: readers see its first lines at once). Undefined: no batches.
 */
export function batchLimits(capValue: unknown, pacing: { readonly burstLines: number; readonly lineIntervalMs: number }): MultilineLimits | undefined {
  const server = parseMultilineCap(capValue);
  if (server === undefined) return undefined;
  const paced = pacing.burstLines + Math.floor(MULTILINE_HOLD_MS / Math.max(1, pacing.lineIntervalMs)) - 2;
  return { maxBytes: server.maxBytes, maxLines: Math.min(server.maxLines ?? paced, paced) };
}

/** One line of a multiline batch: its text, and whether it continues the previous one (no line break between). */
interface Piece {
  readonly text: string;
  readonly concat: boolean;
}

/**
 * The pieces of a body: one per line (blank lines dropped, as splitMessage does), a line too long
 * for one IRC line cut into pieces of at most `budget` bytes that continue each other; a space the
 * cut fell on stays at the end of the piece before it, so the receiver's concatenation restores it.
 */
function pieces(body: string, budget: number): Piece[] {
  const out: Piece[] = [];
  for (const line of body.replace(/\0/g, "").split(/\r\n|\r|\n/)) {
    if (line.trim() === "") continue;
    let at = 0;
    // Pieces joined again by the receiver (multiline-concat): cut without re-opening styles (lines.ts cutLine).
    cutLine(line, budget - 1).forEach((piece, i) => {
      const start = line.indexOf(piece, at);
      const previous = out[out.length - 1];
      if (i > 0 && previous !== undefined && start > at) out[out.length - 1] = { ...previous, text: previous.text + line.slice(at, start) };
      out.push({ text: piece, concat: i > 0 });
      at = start + piece.length;
    });
  }
  return out;
}

/**
 * The lines of one message sent as a single draft/multiline batch:
 * `@tags BATCH +<id> draft/multiline <target>`, each line `@batch=<id> PRIVMSG <target> :text`
 * (`draft/multiline-concat` on a piece that continues the line before), then `BATCH -<id>`.
 * Client tags go on the opening line (they apply to the whole message). Undefined when a batch is
 * not the way to send it: a single line (nothing to join), an ACTION (CTCP cannot span lines), or
 * more lines or bytes than the server takes in one batch (then the lines go one by one).
 */
export function multilineBatch(kind: "privmsg" | "notice" | "action", target: string, body: string, budget: number, limits: MultilineLimits, batchId: string, tags?: Tags): string[] | undefined {
  if (kind === "action") return undefined;
  const parts = pieces(body, budget);
  if (parts.length < 2) return undefined;
  const bytes = parts.reduce((sum, p, i) => sum + Buffer.byteLength(p.text) + (i > 0 && !p.concat ? 1 : 0), 0);
  if (bytes > limits.maxBytes || (limits.maxLines !== undefined && parts.length > limits.maxLines)) return undefined;
  const command = kind === "notice" ? "NOTICE" : "PRIVMSG";
  return [
    `${tagPrefix(tags)}${buildLine("BATCH", [`+${batchId}`, "draft/multiline", target])}`,
    ...parts.map((p) => `${tagPrefix(p.concat ? { batch: batchId, "draft/multiline-concat": "" } : { batch: batchId })}${buildLine(command, [target, p.text.split("\u0001").join("")])}`),
    buildLine("BATCH", [`-${batchId}`]),
  ];
}
