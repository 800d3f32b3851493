/**
 * Self time of a V8 CPU profile (.cpuprofile, what node --cpu-prof writes), summed by function and by
 * where the code lives (a package under node_modules, a file of the bridge's own, node's internals,
 * or V8's own entries: "(garbage collector)", "(program)", "(idle)"). Guarantee: each sample's time
 * delta is counted once, for the node it landed in, so the groups add up to the profile's duration.
 */
export interface TimeGroup {
  readonly name: string;
  readonly ms: number;
}

export interface CpuSummary {
  readonly totalMs: number;
  /** Without "(idle)": the time the thread worked. */
  readonly busyMs: number;
  readonly byFunction: readonly TimeGroup[];
  readonly byPlace: readonly TimeGroup[];
}

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
}

interface Profile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

const isProfile = (v: unknown): v is Profile =>
  typeof v === "object" && v !== null && "nodes" in v && "samples" in v && "timeDeltas" in v && Array.isArray(v.nodes) && Array.isArray(v.samples) && Array.isArray(v.timeDeltas);

/** Where code lives: "pkg:<name>" under node_modules, "src/<dir>" of the bridge, "node:internal", or V8's own name. */
export function placeOf(url: string, functionName: string): string {
  if (url === "") return functionName.startsWith("(") ? functionName : "(native)";
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg?.[1] !== undefined) return `pkg:${pkg[1]}`;
  const own = /\/dist\/(src\/[^/]+)/.exec(url);
  if (own?.[1] !== undefined) return own[1];
  if (url.startsWith("node:")) return "node:internal";
  return url;
}

const sorted = (m: Map<string, number>) => [...m].map(([name, ms]) => ({ name, ms })).sort((a, b) => b.ms - a.ms);

export function summarizeCpuProfile(json: string): CpuSummary {
  const doc: unknown = JSON.parse(json);
  if (!isProfile(doc)) throw new Error("not a V8 CPU profile (no nodes, samples and timeDeltas)");
  const byId = new Map(doc.nodes.map((n) => [n.id, n]));
  const fn = new Map<string, number>();
  const place = new Map<string, number>();
  let totalMs = 0;
  let idleMs = 0;
  doc.samples.forEach((id, i) => {
    const ms = (doc.timeDeltas[i] ?? 0) / 1000;
    const node = byId.get(id);
    const frame = node?.callFrame ?? { functionName: "(unknown)", url: "", lineNumber: 0 };
    const where = placeOf(frame.url, frame.functionName);
    const name = frame.url === "" ? frame.functionName || "(anonymous)" : `${frame.functionName || "(anonymous)"} ${frame.url.replace(/^.*\/(node_modules|dist)\//, "")}:${frame.lineNumber + 1}`;
    fn.set(name, (fn.get(name) ?? 0) + ms);
    place.set(where, (place.get(where) ?? 0) + ms);
    totalMs += ms;
    if (frame.functionName === "(idle)") idleMs += ms;
  });
  return { totalMs, busyMs: totalMs - idleMs, byFunction: sorted(fn), byPlace: sorted(place) };
}

export function formatCpuSummary(summary: CpuSummary, top: number): string {
  const share = (ms: number) => `${((100 * ms) / (summary.busyMs || 1)).toFixed(1)}%`;
  const lines = [`busy ${(summary.busyMs / 1000).toFixed(2)} s of ${(summary.totalMs / 1000).toFixed(2)} s profiled; self time by place (share of busy):`];
  for (const g of summary.byPlace.filter((g) => g.name !== "(idle)").slice(0, top)) lines.push(`  ${share(g.ms).padStart(6)}  ${(g.ms / 1000).toFixed(2).padStart(7)} s  ${g.name}`);
  lines.push("self time by function:");
  for (const g of summary.byFunction.filter((g) => g.name !== "(idle)").slice(0, top)) lines.push(`  ${share(g.ms).padStart(6)}  ${(g.ms / 1000).toFixed(2).padStart(7)} s  ${g.name}`);
  return `${lines.join("\n")}\n`;
}
