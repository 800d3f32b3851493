/**
 * The unnamed kinds of a V8 heap snapshot, "(array)" and "(closure)", which summarizeHeap can only
 * total, grouped by what holds them: the object that retains each node, with the edge it is held
 * by, looking through internal arrays and system nodes (at most MAX_CLIMB of them) to the object
 * behind. "Map . table" is the hash tables of Maps, "EE . fn" the listener functions of
 * eventemitter3's records (irc-framework's events), "Object . properties" the property stores of
 * objects with many keys (dictionary mode).
 *
 * Guarantee: every node of the chosen kinds counts in exactly one group (its first retainer by a
 * strong edge, in the snapshot's edge order; "(no holder)" when only weak edges reach it), so the
 * groups' self sizes add up to those kinds' total in summarizeHeap. The result is a HeapSummary, so
 * formatHeapSummary and diffHeap take it as they are.
 */
import type { HeapSummary } from "./heapSnapshot";

/** How many internal arrays or system nodes are looked through to find the object behind. */
const MAX_CLIMB = 3;

interface SnapshotWithEdges {
  readonly snapshot: { readonly meta: { readonly node_fields: readonly string[]; readonly node_types: readonly unknown[]; readonly edge_fields: readonly string[]; readonly edge_types: readonly unknown[] } };
  readonly nodes: readonly number[];
  readonly edges: readonly number[];
  readonly strings: readonly string[];
}

const isSnapshot = (v: unknown): v is SnapshotWithEdges => {
  if (typeof v !== "object" || v === null || !("snapshot" in v) || !("nodes" in v) || !("edges" in v) || !("strings" in v)) return false;
  return Array.isArray(v.nodes) && Array.isArray(v.edges) && Array.isArray(v.strings) && typeof v.snapshot === "object" && v.snapshot !== null && "meta" in v.snapshot;
};

/** Edge kinds whose name_or_index is an index into strings. */
const NAMED_EDGES = new Set(["context", "property", "internal", "shortcut"]);

/** Groups the nodes of `kinds` (node type names: "array", "closure") by holder; see the guarantee above. */
export function summarizeByHolder(json: string, kinds: readonly string[] = ["array", "closure"]): HeapSummary {
  const doc: unknown = JSON.parse(json);
  if (!isSnapshot(doc)) throw new Error("not a V8 heap snapshot with edges (no snapshot.meta, nodes, edges and strings)");
  const { node_fields: nf, node_types: nt, edge_fields: ef, edge_types: et } = doc.snapshot.meta;
  const nodeTypes = nt[0];
  const edgeTypes = et[0];
  const [typeAt, nameAt, sizeAt, countAt] = ["type", "name", "self_size", "edge_count"].map((f) => nf.indexOf(f));
  const [edgeTypeAt, edgeNameAt, toAt] = ["type", "name_or_index", "to_node"].map((f) => ef.indexOf(f));
  if (!Array.isArray(nodeTypes) || !Array.isArray(edgeTypes) || [typeAt, nameAt, sizeAt, countAt, edgeTypeAt, edgeNameAt, toAt].some((i) => i === undefined || i < 0)) {
    throw new Error("heap snapshot meta lacks node type, name, self_size, edge_count or edge type, name_or_index, to_node");
  }
  const width = nf.length;
  const n = doc.nodes.length / width;
  const field = (node: number, at: number | undefined) => doc.nodes[node * width + (at ?? 0)] ?? 0;
  const typeOf = (node: number) => String(nodeTypes[field(node, typeAt)]);
  const nameOf = (node: number) => doc.strings[field(node, nameAt)] ?? "?";
  // Each node's first strong retainer and the edge's label.
  const holder = new Int32Array(n).fill(-1);
  const via: string[] = new Array<string>(n);
  let edge = 0;
  for (let node = 0; node < n; node++) {
    const count = field(node, countAt);
    for (let k = 0; k < count; k++, edge += ef.length) {
      const kind = String(edgeTypes[doc.edges[edge + (edgeTypeAt ?? 0)] ?? 0]);
      const to = (doc.edges[edge + (toAt ?? 0)] ?? 0) / width;
      if (kind === "weak" || holder[to] !== -1) continue;
      holder[to] = node;
      const name = doc.edges[edge + (edgeNameAt ?? 0)] ?? 0;
      via[to] = NAMED_EDGES.has(kind) ? (doc.strings[name] ?? "?") : "#";
    }
  }
  const looksThrough = (node: number) => typeOf(node) === "array" || typeOf(node) === "hidden" || nameOf(node).startsWith("system /");
  const label = (node: number) => (typeOf(node) === "object" || typeOf(node) === "native" ? nameOf(node) : `(${typeOf(node)}) ${nameOf(node)}`.trimEnd());
  const wanted = new Set(kinds);
  const groups = new Map<string, { count: number; selfBytes: number }>();
  let totalBytes = 0;
  let nodes = 0;
  for (let node = 0; node < n; node++) {
    if (!wanted.has(typeOf(node))) continue;
    let at = holder[node] ?? -1;
    let path = via[node] ?? "";
    for (let climb = 0; climb < MAX_CLIMB && at >= 0 && looksThrough(at); climb++) {
      path = `${via[at] ?? ""} > ${path}`;
      at = holder[at] ?? -1;
    }
    const name = at < 0 ? "(no holder)" : `${label(at)} . ${path}`;
    const group = groups.get(name) ?? { count: 0, selfBytes: 0 };
    group.count++;
    group.selfBytes += field(node, sizeAt);
    groups.set(name, group);
    totalBytes += field(node, sizeAt);
    nodes++;
  }
  return { totalBytes, nodes, groups: [...groups].map(([name, g]) => ({ name, ...g })).sort((a, b) => b.selfBytes - a.selfBytes) };
}
