/**
 * Request/reply over IRC, which has neither: the lines a connection sent and is waiting for the
 * server to answer, and which of the server's lines answer which.
 *
 * Two ways to match, per request:
 * - Labeled (the server has IRCv3 `labeled-response` on): the line was sent as `@label=<L> ...`.
 *   Exactly the lines carrying label L answer it: one line (the whole answer), an `ACK` (no
 *   answer), or a BATCH opened with label L, whose every line (nested batches included) is the
 *   answer until the batch ends. Nothing else is ever matched to it.
 * - Unlabeled (any other server, or a request that asks for it): each line is offered to the
 *   unlabeled requests oldest first (servers answer a connection's commands in order), and the
 *   first whose expectation claims it (an end, an error, or a part of the answer, usually checked
 *   against the nick or channel the request named) takes it. A request with `settleMs` is complete
 *   that long after it was made if no end came (commands whose answer has no end marker).
 *
 * Guarantees: every request resolves exactly once: with its answer ("ok", or "error" when the answer
 * holds an error numeric or FAIL), with "timeout" after `timeoutMs` (counted from the request, so it
 * includes time spent in the send queue), or with "lost" the moment the connection is lost. Nothing
 * stays pending after that: its timers are cancelled and the entry is forgotten; an answer's batch
 * is remembered only until the server closes it, so late lines of it are dropped, never misread.
 * Not guaranteed: that an unlabeled match is right when the server interleaves an unrelated line the
 * expectation also accepts (e.g. two identical requests; they are then answered in order).
 */
import { isErrorLine, lastParam, type IrcLine } from "./ircLine";
import type { Clock, PacedQueue } from "./pacedQueue";
import { buildLine } from "./lines";
import { errorText } from "../errors";
import { SparseMap } from "../util/sparseMap";

/** How long a request waits for the server unless told otherwise. */
export const REQUEST_TIMEOUT_MS = 10000;

/** Who "we" are when a line arrives: our nick then, and how the server compares names. */
export interface Viewpoint {
  readonly me: string;
  same(a: string, b: string): boolean;
}

export type LineTest = (line: IrcLine, we: Viewpoint) => boolean;

/** What answers a request when the server does not label (see the top comment). */
export interface Expectation {
  /** A line that completes the answer (kept in it). */
  readonly end: LineTest;
  /** An error that completes the answer at once (kept in it). */
  readonly error?: LineTest;
  /** A line that belongs to the answer without ending it. */
  readonly part?: LineTest;
  /** Unlabeled only: with no end, the answer is complete this long after the request (ms). */
  readonly settleMs?: number;
  /** Never label it, even where the server could (answers that come from elsewhere, e.g. services). */
  readonly unlabeled?: boolean;
}

/** One command to send and how to recognise its answer. */
export interface IrcRequest {
  readonly command: string;
  readonly params: readonly string[];
  readonly expect: Expectation;
}

export type IrcReply =
  | { readonly kind: "ok"; readonly lines: readonly IrcLine[] }
  | { readonly kind: "error"; readonly numeric: string; readonly text: string; readonly lines: readonly IrcLine[] }
  | { readonly kind: "timeout"; readonly afterMs: number; readonly lines: readonly IrcLine[] }
  /** The connection could not carry it, or was lost before the answer; `sent`: the line had been written. */
  | { readonly kind: "lost"; readonly reason: string; readonly sent: boolean };

/** The reply a complete answer makes: its first error line if it has one, else ok. */
export function replyOf(lines: readonly IrcLine[]): IrcReply {
  const error = lines.find(isErrorLine);
  if (error === undefined) return { kind: "ok", lines };
  const numeric = error.command === "FAIL" ? `FAIL ${error.params[0] ?? ""} ${error.params[1] ?? ""}`.trim() : error.command;
  return { kind: "error", numeric, text: lastParam(error), lines };
}

interface Pending {
  readonly label: string | undefined;
  readonly expect: Expectation;
  readonly lines: IrcLine[];
  readonly timers: { cancel(): void }[];
  sent: boolean;
  readonly resolve: (reply: IrcReply) => void;
}

export class PendingRequests {
  /** In the order they were made. */
  private readonly pending: Pending[] = [];
  /**
   * Open batches (by id) that belong to a labeled request, nested ones included. Kept until the
   * server closes them (or the connection is lost), so the rest of an answer that came too late is
   * dropped rather than offered to other requests.
   */
  private readonly batches = new SparseMap<string, Pending>();
  /** The batch that is a request's whole answer: when it closes, the request is complete. */
  private readonly outer = new SparseMap<string, true>();

  constructor(private readonly clock: Clock) {}

  get size(): number {
    return this.pending.length;
  }

  /** Whether a line from the server could be an answer (heard does nothing otherwise). */
  get waiting(): boolean {
    return this.pending.length > 0 || this.batches.size > 0;
  }

  /**
   * Writes the request through the connection's queue (with `label` where given) and resolves with
   * its answer; the line is taken back from the queue once answered or timed out before it went.
   */
  send(request: IrcRequest, queue: PacedQueue, label: string | undefined, timeoutMs: number): Promise<IrcReply> {
    const line = buildLine(request.command, request.params);
    const wire = label === undefined ? line : `@label=${label} ${line}`;
    const waiting = this.add(label, request.expect, timeoutMs);
    const written = queue.push(wire);
    if (written === false) waiting.fail("too many lines are already waiting on your connection");
    else written.then(waiting.sent, (err: unknown) => waiting.fail(errorText(err)));
    return waiting.reply.then((reply) => {
      queue.withdraw(wire, new Error("the request was already answered"));
      return reply;
    });
  }

  /** Waits for the answer to a request; `label` when the line carries one. */
  add(label: string | undefined, expect: Expectation, timeoutMs: number): { readonly reply: Promise<IrcReply>; readonly sent: () => void; readonly fail: (reason: string) => void } {
    let entry: Pending | undefined;
    const reply = new Promise<IrcReply>((resolve) => {
      entry = { label, expect, lines: [], timers: [], sent: false, resolve };
    });
    if (entry === undefined) throw new Error("unreachable: the promise executor runs at once");
    const p = entry;
    this.pending.push(p);
    p.timers.push(
      this.clock.setTimeout(() => {
        const partial = replyOf(p.lines);
        this.finish(p, partial.kind === "error" ? partial : { kind: "timeout", afterMs: timeoutMs, lines: [...p.lines] });
      }, timeoutMs),
    );
    const settleMs = expect.settleMs;
    if (label === undefined && settleMs !== undefined && settleMs < timeoutMs) {
      p.timers.push(this.clock.setTimeout(() => this.finish(p, replyOf([...p.lines])), settleMs));
    }
    return {
      reply,
      sent: () => (p.sent = true),
      fail: (reason) => this.finish(p, { kind: "lost", reason, sent: p.sent }),
    };
  }

  /** A line from the server, in wire order; true when it belonged to a request's answer. */
  heard(line: IrcLine, we: Viewpoint): boolean {
    if (this.pending.length === 0 && this.batches.size === 0) return false;
    const label = line.tags.label;
    const labeled = label === undefined ? undefined : this.pending.find((p) => p.label === label);
    if (labeled !== undefined) {
      this.labeledLine(labeled, line);
      return true;
    }
    if (line.command === "BATCH" && this.batchLine(line)) return true;
    const batchId = line.tags.batch;
    const owner = batchId === undefined ? undefined : this.batches.get(batchId);
    if (owner !== undefined) {
      // Part of a labeled answer (or of one that already timed out: then it is dropped).
      if (this.pending.includes(owner)) owner.lines.push(line);
      return true;
    }
    return this.offer(line, we);
  }

  /** The connection is gone: every request waiting resolves at once. */
  failAll(reason: string): void {
    for (const p of [...this.pending]) this.finish(p, { kind: "lost", reason, sent: p.sent });
    this.batches.clear();
    this.outer.clear();
  }

  /** A BATCH line inside (or closing) a labeled answer; false when it is none of ours. */
  private batchLine(line: IrcLine): boolean {
    const ref = line.params[0] ?? "";
    const id = ref.slice(1);
    if (ref.startsWith("+")) {
      const parentId = line.tags.batch;
      const parent = parentId === undefined ? undefined : this.batches.get(parentId);
      if (parent === undefined) return false;
      this.batches.set(id, parent);
      return true;
    }
    const owner = ref.startsWith("-") ? this.batches.get(id) : undefined;
    if (owner === undefined) return false;
    this.batches.delete(id);
    if (this.outer.delete(id)) this.finish(owner, replyOf([...owner.lines]));
    return true;
  }

  private labeledLine(p: Pending, line: IrcLine): void {
    if (line.command === "ACK") {
      this.finish(p, { kind: "ok", lines: [...p.lines] });
      return;
    }
    const first = line.params[0] ?? "";
    if (line.command === "BATCH" && first.startsWith("+")) {
      this.batches.set(first.slice(1), p);
      this.outer.set(first.slice(1), true);
      return;
    }
    p.lines.push(line);
    this.finish(p, replyOf([...p.lines]));
  }

  private offer(line: IrcLine, we: Viewpoint): boolean {
    for (const p of this.pending) {
      if (p.label !== undefined) continue;
      const { end, error, part } = p.expect;
      if (error?.(line, we) === true || end(line, we)) {
        p.lines.push(line);
        this.finish(p, replyOf([...p.lines]));
        return true;
      }
      if (part?.(line, we) === true) {
        p.lines.push(line);
        return true;
      }
    }
    return false;
  }

  private finish(p: Pending, reply: IrcReply): void {
    const at = this.pending.indexOf(p);
    if (at === -1) return;
    this.pending.splice(at, 1);
    for (const timer of p.timers) timer.cancel();
    p.resolve(reply);
  }
}
