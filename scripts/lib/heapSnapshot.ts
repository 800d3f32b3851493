/**
 * Totals of a V8 heap snapshot (.heapsnapshot, the JSON node writes) by constructor: for each
 * group, the nodes' count and summed self size. Objects are grouped by constructor name (the
 * node's name), other kinds as DevTools shows them: "(string)", "(closure)", "(array)",
 * "(compiled code)"... Guarantee: every node counts in exactly one group, so the groups' self sizes
 * add up to the snapshot's total. Self size only (retained sizes need the dominator tree).
 */
export interface HeapGroup {
  readonly name: string;
  readonly count: number;
  readonly selfBytes: number;
}

export interface HeapSummary {
  readonly totalBytes: number;
  readonly nodes: number;
  /** Largest self size first. */
  readonly groups: readonly HeapGroup[];
}

export interface SnapshotJson {
  readonly snapshot: { readonly meta: { readonly node_fields: readonly string[]; readonly node_types: readonly unknown[]; readonly edge_fields?: readonly string[]; readonly edge_types?: readonly unknown[] } };
  readonly nodes: readonly number[];
  readonly edges?: readonly number[];
  readonly strings: readonly string[];
}

const isSnapshot = (v: unknown): v is SnapshotJson => {
  if (typeof v !== "object" || v === null || !("snapshot" in v) || !("nodes" in v) || !("strings" in v)) return false;
  return Array.isArray(v.nodes) && Array.isArray(v.strings) && typeof v.snapshot === "object" && v.snapshot !== null && "meta" in v.snapshot;
};

/** A snapshot's nodes read through its meta: how many, and each one's type, name and self size. */
export interface SnapshotNodes {
  readonly doc: SnapshotJson;
  /** Numbers per node in `doc.nodes` (node i starts at i * width). */
  readonly width: number;
  readonly count: number;
  type(node: number): string;
  name(node: number): string;
  size(node: number): number;
  /** A reader of one field of the nodes by its meta name (edge_count...), looked up once; it reads 0 when the meta lacks the field. */
  field(name: string): (node: number) => number;
}

/** Parses a .heapsnapshot and reads its nodes; throws when it is not one. */
export function readSnapshot(json: string): SnapshotNodes {
  const doc: unknown = JSON.parse(json);
  if (!isSnapshot(doc)) throw new Error("not a V8 heap snapshot (no snapshot.meta, nodes and strings)");
  const fields = doc.snapshot.meta.node_fields;
  const types = doc.snapshot.meta.node_types[0];
  const width = fields.length;
  const typeAt = fields.indexOf("type");
  const nameAt = fields.indexOf("name");
  const sizeAt = fields.indexOf("self_size");
  if (width === 0 || typeAt < 0 || nameAt < 0 || sizeAt < 0 || !Array.isArray(types)) throw new Error("heap snapshot meta lacks type, name or self_size");
  const at = (node: number, index: number) => doc.nodes[node * width + index] ?? 0;
  return {
    doc,
    width,
    count: Math.floor(doc.nodes.length / width),
    type: (node) => String(types[at(node, typeAt)]),
    name: (node) => doc.strings[at(node, nameAt)] ?? "?",
    size: (node) => at(node, sizeAt),
    field: (name) => {
      const index = fields.indexOf(name);
      return (node) => (index < 0 ? 0 : at(node, index));
    },
  };
}

/** Sums nodes into named groups; `summary` gives them largest first. */
export function heapGroups(): { add(name: string, bytes: number): void; summary(): HeapSummary } {
  const groups = new Map<string, { count: number; selfBytes: number }>();
  let totalBytes = 0;
  let nodes = 0;
  return {
    add(name, bytes) {
      const group = groups.get(name) ?? { count: 0, selfBytes: 0 };
      group.count++;
      group.selfBytes += bytes;
      groups.set(name, group);
      totalBytes += bytes;
      nodes++;
    },
    summary: () => ({ totalBytes, nodes, groups: [...groups].map(([name, g]) => ({ name, ...g })).sort((a, b) => b.selfBytes - a.selfBytes) }),
  };
}

const GROUPED_BY_NAME = new Set(["object", "native", "hidden", "synthetic"]);
const KIND_NAMES: Record<string, string> = {
  string: "(string)",
  "concatenated string": "(string)",
  "sliced string": "(string)",
  code: "(compiled code)",
  closure: "(closure)",
  array: "(array)",
  regexp: "(regexp)",
  number: "(number)",
  symbol: "(symbol)",
  bigint: "(bigint)",
  "object shape": "(object shape)",
};

export function summarizeHeap(json: string): HeapSummary {
  const snap = readSnapshot(json);
  const groups = heapGroups();
  for (let node = 0; node < snap.count; node++) {
    const type = snap.type(node);
    groups.add(GROUPED_BY_NAME.has(type) ? snap.name(node) : (KIND_NAMES[type] ?? `(${type})`), snap.size(node));
  }
  return groups.summary();
}

/** The top `top` groups as a table; with `users`, each group's bytes per user too. `column`: what the groups are. */
export function formatHeapSummary(summary: HeapSummary, top: number, users?: number, column = "constructor"): string {
  const rows = summary.groups.slice(0, top).map((g) => [
    g.name.length > 48 ? `${g.name.slice(0, 45)}...` : g.name,
    String(g.count),
    (g.selfBytes / 1024).toFixed(0),
    ((100 * g.selfBytes) / (summary.totalBytes || 1)).toFixed(1),
    ...(users === undefined ? [] : [(g.selfBytes / users).toFixed(0)]),
  ]);
  const header = [column, "count", "self KiB", "%", ...(users === undefined ? [] : ["bytes/user"])];
  const all = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...all.map((r) => (r[i] ?? "").length)));
  const line = (r: readonly string[]) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join("  ");
  const totals = `total ${(summary.totalBytes / 1048576).toFixed(1)} MiB in ${summary.nodes} nodes${users === undefined ? "" : `, ${(summary.totalBytes / users / 1024).toFixed(1)} KiB per user over ${users} users`}`;
  return `${all.map(line).join("\n")}\n${totals}\n`;
}

/**
 * What grew between two snapshots of one process: each group's count and self size at `end` minus
 * at `base` (a group only in one counts as 0 in the other), largest growth first. Divided by the
 * users who joined in between, it is the heap each connection costs, without the fixed base.
 */
export function diffHeap(end: HeapSummary, base: HeapSummary): HeapSummary {
  const before = new Map(base.groups.map((g) => [g.name, g]));
  const names = new Set([...end.groups.map((g) => g.name), ...base.groups.map((g) => g.name)]);
  const after = new Map(end.groups.map((g) => [g.name, g]));
  const groups = [...names].map((name) => ({
    name,
    count: (after.get(name)?.count ?? 0) - (before.get(name)?.count ?? 0),
    selfBytes: (after.get(name)?.selfBytes ?? 0) - (before.get(name)?.selfBytes ?? 0),
  }));
  return { totalBytes: end.totalBytes - base.totalBytes, nodes: end.nodes - base.nodes, groups: groups.sort((a, b) => b.selfBytes - a.selfBytes) };
}
