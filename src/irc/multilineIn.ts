import type { IrcLine } from "./ircLine";
import type { Tags } from "./events";
import { SparseMap } from "../util/sparseMap";

interface Open<M> {
  /** The tags of the opening BATCH line: the message's msgid, time and client tags. */
  readonly tags: Tags;
  readonly target: string;
  text: string | undefined;
  /** What the first line said about its sender (kept for the whole message). */
  first: M | undefined;
}

/**
 * Incoming draft/multiline batches, put back together as the one message their sender wrote: the
 * lines joined by "\n", or with nothing between where a line carries `draft/multiline-concat`.
 * irc-framework keeps a batch's lines until `BATCH -id` and then replays them, between a
 * "batch start" and a "batch end" event, but drops the opening line's tags; those are read here
 * from the raw opening line (seen first, when it arrives).
 * Bounded: a batch is forgotten at its end; at most MAX_OPEN batches are open at once (a server
 * that never closes them cannot grow this), the oldest forgotten first.
 */
export class MultilineBatches<M> {
  private readonly open = new SparseMap<string, Open<M>>();

  /** A raw line from the server: an opening `BATCH +id draft/multiline <target>` is remembered. */
  heard(line: IrcLine): void {
    const [ref, type, target] = line.params;
    if (line.command !== "BATCH" || ref === undefined || !ref.startsWith("+") || type !== "draft/multiline" || target === undefined) return;
    this.open.set(ref.slice(1), { tags: line.tags, target, text: undefined, first: undefined });
    if (this.open.size > MAX_OPEN) this.open.delete(this.open.keys().next().value ?? "");
  }

  /** A line of batch `id` (replayed by irc-framework); false when it is no multiline batch we know. */
  add(id: string, text: string, tags: Tags, meta: M): boolean {
    const batch = this.open.get(id);
    if (batch === undefined) return false;
    batch.first ??= meta;
    batch.text = batch.text === undefined ? text : `${batch.text}${tags["draft/multiline-concat"] === undefined ? "\n" : ""}${text}`;
    return true;
  }

  /** Batch `id` ended: its whole text and the opening line's tags, or undefined (not ours, or empty). */
  end(id: string): { readonly text: string; readonly tags: Tags; readonly target: string; readonly first: M } | undefined {
    const batch = this.open.get(id);
    this.open.delete(id);
    if (batch?.text === undefined || batch.first === undefined) return undefined;
    return { text: batch.text, tags: batch.tags, target: batch.target, first: batch.first };
  }
}

const MAX_OPEN = 64;
