import type { BenchResults, MemoryFigures, ScaleResult } from "./results";

interface Row {
  readonly name: string;
  readonly cell: (s: ScaleResult) => string;
}

const fixed = (v: number, digits: number) => (Number.isFinite(v) ? v.toFixed(digits) : "-");

/** Growth per user of one memory figure from before the joins to the settled end (KiB), "-" for runs that lack it. */
function memoryGrowth(s: ScaleResult, figure: (m: MemoryFigures) => number): string {
  const { memoryStart, memoryEnd } = s.bridge;
  if (memoryStart === undefined || memoryEnd === undefined) return "-";
  return fixed((figure(memoryEnd) - figure(memoryStart)) / s.users / 1024, 1);
}

export const TABLE_ROWS: readonly Row[] = [
  { name: "bridge RSS growth per user (slope), KiB", cell: (s) => fixed(s.perUser.rssBytes / 1024, 1) },
  { name: "bridge RSS growth per user, end - start, young generation apart, KiB", cell: (s) => memoryGrowth(s, (m) => m.rss - (m.heapYoung ?? NaN)) },
  { name: "bridge RSS per user after a quiet minute, KiB", cell: (s) => (s.bridge.rssAfterIdleBytes === undefined ? "-" : fixed((s.bridge.rssAfterIdleBytes - s.bridge.rssStartBytes) / s.users / 1024, 1)) },
  { name: "bridge heap used per user, KiB", cell: (s) => fixed(s.perUser.heapBytes / 1024, 1) },
  { name: "  of it V8 heap reserved, KiB", cell: (s) => memoryGrowth(s, (m) => m.heapTotal) },
  { name: "    of that V8's young generation, KiB", cell: (s) => memoryGrowth(s, (m) => m.heapYoung ?? NaN) },
  { name: "  of it outside V8 (RSS - heap reserved), KiB", cell: (s) => memoryGrowth(s, (m) => m.rss - m.heapTotal) },
  { name: "bridge CPU per user, ms", cell: (s) => fixed(s.perUser.bridgeCpuMs, 1) },
  { name: "  of it in the kernel, ms", cell: (s) => (s.bridge.systemCpuMs === undefined ? "-" : fixed(s.bridge.systemCpuMs / s.users, 1)) },
  { name: "bridge CPU per portal opened, with its first user, ms", cell: (s) => (s.bridge.portalsCpuMs === undefined ? "-" : fixed(s.bridge.portalsCpuMs / s.channels, 1)) },
  { name: "bridge CPU per user joining an open portal, ms", cell: (s) => (s.bridge.portalsCpuMs === undefined ? "-" : fixed((s.bridge.cpuMs - s.bridge.portalsCpuMs) / (s.users - s.channels), 1)) },
  { name: "bridge CPU per user per idle minute, ms", cell: (s) => (s.bridge.idleCpuMsPerMinute === undefined ? "-" : fixed(s.bridge.idleCpuMsPerMinute / s.users, 2)) },
  { name: "homeserver CPU per user, ms", cell: (s) => fixed(s.perUser.homeserverCpuMs, 1) },
  { name: "homeserver requests per join", cell: (s) => fixed(s.perUser.homeserverRequests, 2) },
  { name: "Matrix join -> puppet JOIN, p50 / p99, ms", cell: (s) => `${fixed(s.joinLatencyMs.p50, 0)} / ${fixed(s.joinLatencyMs.p99, 0)}` },
  { name: "whole run, s", cell: (s) => fixed(s.wholeRunMs / 1000, 1) },
  { name: "bridge RSS at the end, MiB", cell: (s) => fixed(s.bridge.rssEndBytes / 1048576, 0) },
  { name: "load average before / after", cell: (s) => `${fixed(s.load.before, 2)} / ${fixed(s.load.after, 2)}` },
];

const sameScale = (a: ScaleResult, b: ScaleResult) => a.users === b.users && a.channels === b.channels;

/**
 * The figures as cells, one column per scale, the header first. With `before`, each cell reads
 * "before -> after" for the scales both runs measured ("-" where one lacks the scale).
 */
export function tableCells(after: BenchResults, before?: BenchResults): string[][] {
  const scales = [...after.scales];
  for (const s of before?.scales ?? []) if (!scales.some((t) => sameScale(s, t))) scales.push(s);
  const header = ["per connected user", ...scales.map((s) => s.label)];
  const rows = TABLE_ROWS.map((row) => [
    row.name,
    ...scales.map((scale) => {
      const a = after.scales.find((s) => sameScale(s, scale));
      if (before === undefined) return a === undefined ? "-" : row.cell(a);
      const b = before.scales.find((s) => sameScale(s, scale));
      return `${b === undefined ? "-" : row.cell(b)} -> ${a === undefined ? "-" : row.cell(a)}`;
    }),
  ]);
  return [header, ...rows];
}

const title = (after: BenchResults, before?: BenchResults) => (before === undefined ? `Bench: ${after.label}` : `Bench: ${before.label} -> ${after.label}`);

/** The figures as a text table (see tableCells). */
export function formatTable(after: BenchResults, before?: BenchResults): string {
  const cells = tableCells(after, before);
  const widths = (cells[0] ?? []).map((_, i) => Math.max(...cells.map((r) => (r[i] ?? "").length)));
  const line = (row: readonly string[]) => row.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join("  ");
  return [title(after, before), ...cells.map(line)].join("\n") + "\n";
}

/** The same figures as a Markdown table (for docs/bench and the closing note). */
export function formatMarkdown(after: BenchResults, before?: BenchResults): string {
  const [header = [], ...rows] = tableCells(after, before);
  const line = (row: readonly string[]) => `| ${row.join(" | ")} |`;
  return [`**${title(after, before)}**`, "", line(header), `|${header.map(() => "---").join("|")}|`, ...rows.map(line)].join("\n") + "\n";
}
