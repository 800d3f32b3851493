import type { DocCollection } from "./docCollection";

/**
 * How far migrate-store got with each source (a collection to copy, an incumbent's file), kept in
 * the target itself, so a second run continues where an interrupted one stopped.
 *
 * Guarantees: `runResumable` applies every step of a source at least once over all runs and, after
 * the position recorded by the last run, never again: the position is recorded after each batch
 * (every step written when the batch is 1), and the steps a crash interrupted inside a batch are
 * applied again by the next run, which is why every step must be an upsert by a unique key
 * (applying one twice leaves one record). A source whose stamp changed (its file was written in
 * between), or whose plan changed (an import with another network or option), starts over, upserts
 * again making that harmless.
 */
export interface ProgressDoc {
  readonly key: string;
  readonly stamp: string;
  readonly done: number;
  readonly total: number;
}

export class MigrationProgress {
  constructor(private readonly docs: DocCollection<ProgressDoc>) {}

  /** Steps of `key` already applied by earlier runs (0 when its stamp changed or it never ran). */
  async position(key: string, stamp: string, total: number): Promise<number> {
    const doc = await this.docs.findOne({ key });
    if (doc === null || doc.stamp !== stamp || doc.total !== total) return 0;
    return Math.min(doc.done, total);
  }

  record(key: string, stamp: string, done: number, total: number): Promise<void> {
    return this.docs.upsert({ key }, { key, stamp, done, total });
  }
}

export interface ResumableRun<S> {
  readonly key: string;
  readonly stamp: string;
  readonly steps: readonly S[];
  readonly progress: MigrationProgress;
  readonly apply: (step: S, index: number) => Promise<void>;
  /** Steps per recorded position. */
  readonly batch: number;
  /** Steps applied at once inside a batch (1: in order). */
  readonly parallel: number;
  /** Told after each batch: steps done (earlier runs' included) of all. */
  readonly onProgress?: (done: number, total: number) => void;
}

/** Applies the steps after the recorded position; how many earlier runs had done, and how many this one applied. */
export async function runResumable<S>(run: ResumableRun<S>): Promise<{ readonly resumedAt: number; readonly applied: number }> {
  const total = run.steps.length;
  const resumedAt = await run.progress.position(run.key, run.stamp, total);
  run.onProgress?.(resumedAt, total);
  let done = resumedAt;
  while (done < total) {
    const end = Math.min(total, done + Math.max(1, run.batch));
    for (let start = done; start < end; start += Math.max(1, run.parallel)) {
      const slice = run.steps.slice(start, Math.min(end, start + Math.max(1, run.parallel)));
      await Promise.all(slice.map((step, k) => run.apply(step, start + k)));
    }
    done = end;
    await run.progress.record(run.key, run.stamp, done, total);
    run.onProgress?.(done, total);
  }
  if (total === 0) await run.progress.record(run.key, run.stamp, 0, 0);
  return { resumedAt, applied: done - resumedAt };
}
