/**
 * A copy of this bridge's NeDB store into PostgreSQL (storeCopy.ts), collection by collection, each
 * resumable from where an earlier run stopped (migrationProgress.ts); a dry run only counts.
 */
import { runResumable } from "../../store/migrationProgress";
import type { MigrationTarget } from "../../store/migrationTarget";
import type { ProgressBar } from "./progressBar";
import { copyDoc, type CollectionSource } from "./storeCopy";

export interface CopyReport {
  readonly collections: readonly { readonly name: string; readonly docs: number; readonly skipped: number; readonly resumedAt: number; readonly applied: number }[];
}

export async function runCopy(sources: readonly CollectionSource[], target: MigrationTarget | undefined, batch: number, bar?: ProgressBar): Promise<CopyReport> {
  const collections: CopyReport["collections"][number][] = [];
  for (const source of sources) {
    if (target === undefined) {
      collections.push({ name: source.name, docs: source.docs.length, skipped: source.skipped, resumedAt: 0, applied: 0 });
      continue;
    }
    const into = target.collections.get(source.name);
    if (into === undefined) throw new Error(`the target store has no ${source.name} collection`);
    bar?.reset();
    const { resumedAt, applied } = await runResumable({
      key: `copy:${source.name}`,
      stamp: source.stamp,
      steps: source.docs,
      progress: target.progress,
      batch,
      parallel: 8,
      apply: (doc) => copyDoc(source.name, into, doc),
      onProgress: (done, total) => (total > 0 ? bar?.update(source.name, done, total) : undefined),
    });
    collections.push({ name: source.name, docs: source.docs.length, skipped: source.skipped, resumedAt, applied });
  }
  return { collections };
}

export function formatCopyReport(report: CopyReport, from: string, to: string, dryRun: boolean): string {
  const total = report.collections.reduce((n, c) => n + c.docs, 0);
  const lines = [`${dryRun ? "Dry run: would copy" : "Copied"} ${total} records from ${from} to ${to}:`];
  for (const c of report.collections) {
    if (c.docs === 0 && c.skipped === 0) continue;
    const resumed = !dryRun && c.resumedAt > 0 ? ` (resumed: ${c.resumedAt} done before, ${c.applied} now)` : "";
    const skipped = c.skipped > 0 ? `; ${c.skipped} left behind (older records without their key, or unreadable lines)` : "";
    lines.push(`  ${c.name}: ${c.docs}${resumed}${skipped}`);
  }
  return lines.join("\n");
}
