/**
 * An import of the incumbent's records: plan every entry (incumbentMapping.ts), report the plan,
 * and (unless a dry run) apply the plan's steps to the target from where an earlier run stopped
 * (migrationProgress.ts), one entry per step.
 */
import { createHash } from "node:crypto";
import { runResumable } from "../../store/migrationProgress";
import type { MigrationTarget } from "../../store/migrationTarget";
import type { IncumbentSource } from "./incumbentEntries";
import { planImport, type PlanOptions, type Step, type TargetNetwork, type Write } from "./incumbentMapping";
import { ImportWriter } from "./importWrites";
import type { ProgressBar } from "./progressBar";

export interface ImportReport {
  readonly source: string;
  readonly entries: number;
  /** Writes the plan has, by kind (and rooms by origin). */
  readonly planned: ReadonlyMap<string, number>;
  /** Not imported, or not as it was: reason -> count. */
  readonly skipped: ReadonlyMap<string, number>;
  /** Servers not in the config -> entries. */
  readonly unknownServers: ReadonlyMap<string, number>;
  /** Entries done by earlier runs (a resumed import), and by this one. */
  readonly resumedAt: number;
  readonly applied: number;
  /** Kept as the target store had it: reason -> count (of this run's entries only, after a resume). */
  readonly kept: ReadonlyMap<string, number>;
  /** The rooms imported as mapped (the incumbent's config mappings): the config should list them. */
  readonly mapped: readonly { readonly network: string; readonly channel: string; readonly roomId: string }[];
}

const add = (map: Map<string, number>, key: string, n = 1) => map.set(key, (map.get(key) ?? 0) + n);

export const WRITE_LABELS: Readonly<Record<Write["kind"], string>> = {
  room: "rooms bridged to channels",
  puppet: "users' nicks and usernames",
  adminRoom: "admin rooms",
  pmRoom: "private-message rooms",
};

export function summarize(steps: readonly Step[]): Pick<ImportReport, "planned" | "skipped" | "unknownServers" | "mapped"> {
  const mapped: { network: string; channel: string; roomId: string }[] = [];
  const planned = new Map<string, number>();
  const skipped = new Map<string, number>();
  const unknownServers = new Map<string, number>();
  for (const step of steps) {
    for (const write of step.writes) {
      add(planned, WRITE_LABELS[write.kind]);
      if (write.kind === "room") add(planned, `  ${write.record.origin}`);
      if (write.kind === "room" && write.record.origin === "mapped") mapped.push({ network: write.record.network, channel: write.record.channel, roomId: write.record.roomId });
      if (write.kind === "puppet" && write.record.desiredNick !== undefined) add(planned, "  with a chosen nick");
    }
    for (const skip of step.skips) {
      add(skipped, skip.reason, skip.count);
      if (skip.server !== undefined) add(unknownServers, skip.server, skip.count);
    }
  }
  // NeDB's client_config keys are server names with _ for . (irc_oftc_net): one with a dotted
  // server seen elsewhere (rooms.db) is counted under that name, not listed twice.
  for (const [server, n] of [...unknownServers]) {
    const dotted = [...unknownServers.keys()].find((s) => s !== server && s.includes(".") && s.replace(/\./g, "_") === server);
    if (dotted === undefined) continue;
    add(unknownServers, dotted, n);
    unknownServers.delete(server);
  }
  return { planned, skipped, unknownServers, mapped };
}

export interface ImportRun {
  readonly source: IncumbentSource;
  readonly networks: readonly TargetNetwork[];
  readonly options: PlanOptions;
  /** Undefined: a dry run (nothing is opened or written). */
  readonly target: MigrationTarget | undefined;
  readonly batch: number;
  readonly bar?: ProgressBar;
}

/**
 * A digest of the plan's steps (without the run's clock, createdAt): the resume position is kept
 * per source stamp and plan, so a run with another plan (a network or --map-server added,
 * --no-admin-rooms dropped) starts over instead of taking the earlier plan's position as its own.
 */
export function planDigest(steps: readonly Step[]): string {
  const json = JSON.stringify(steps, (key, value: unknown) => (key === "createdAt" ? undefined : value));
  return createHash("sha256").update(json).digest("hex").slice(0, 16);
}

export async function runImport(run: ImportRun): Promise<ImportReport> {
  const steps = planImport(run.source.entries, run.networks, run.options);
  const summary = summarize(steps);
  const base = { source: run.source.describe, entries: steps.length, ...summary };
  if (run.target === undefined) return { ...base, resumedAt: 0, applied: 0, kept: new Map() };
  const writer = await ImportWriter.open(run.target.store);
  const { resumedAt, applied } = await runResumable({
    key: "appservice-irc",
    stamp: `${run.source.stamp} plan ${planDigest(steps)}`,
    steps,
    progress: run.target.progress,
    batch: run.batch,
    parallel: 1,
    apply: async (step) => {
      for (const write of step.writes) await writer.apply(write);
    },
    onProgress: (done, total) => run.bar?.update("matrix-appservice-irc", done, total),
  });
  return { ...base, resumedAt, applied, kept: writer.kept };
}

export function formatImportReport(report: ImportReport, dryRun: boolean): string {
  const lines = [`${dryRun ? "Dry run: would import" : "Imported"} from ${report.source} (${report.entries} entries):`];
  if (report.planned.size === 0) lines.push("  nothing");
  for (const [label, n] of report.planned) lines.push(`  ${label}: ${n}`);
  if (!dryRun && report.resumedAt > 0) lines.push(`  (resumed: ${report.resumedAt} entries were done by an earlier run, ${report.applied} now)`);
  if (report.skipped.size > 0 || report.kept.size > 0) lines.push(dryRun ? "Would not import (or not as it was):" : "Not imported (or not as it was):");
  for (const [reason, n] of report.skipped) lines.push(`  ${n} ${reason}`);
  for (const [reason, n] of report.kept) lines.push(`  ${n} ${reason}${report.resumedAt > 0 ? " (this run's entries only)" : ""}`);
  if (report.unknownServers.size > 0) lines.push(`Servers not in the config: ${[...report.unknownServers].map(([s, n]) => `${s} (${n})`).join(", ")}`);
  return lines.join("\n");
}

/**
 * The imported mapped rooms the config's ircNetworks[].mappings does not list, as the lines to add:
 * such a room is bridged all the same, but the config is where an operator looks for (and ends) one.
 */
export function mappingsToAdd(mapped: ImportReport["mapped"], listed: (network: string, channel: string, roomId: string) => boolean, shown = 20): string | undefined {
  const missing = mapped.filter((m) => !listed(m.network, m.channel, m.roomId));
  if (missing.length === 0) return undefined;
  const lines = [`${missing.length} mapped rooms (the incumbent's config mappings) are not in ircNetworks[].mappings; add them there:`];
  for (const m of missing.slice(0, shown)) lines.push(`  network ${m.network}: "${m.channel}": { roomIds: ["${m.roomId}"] }`);
  if (missing.length > shown) lines.push(`  ... and ${missing.length - shown} more`);
  return lines.join("\n");
}
