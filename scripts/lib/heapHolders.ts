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
import { heapGroups, readSnapshot, type HeapSummary } from "./heapSnapshot";

/** How many internal arrays or system nodes are looked through to find the object behind. */
const MAX_CLIMB = 3;

/** Edge kinds whose name_or_index is an index into strings. */
const NAMED_EDGES = new Set(["context", "property", "internal", "shortcut"]);

/** Groups the nodes of `kinds` (node type names: "array", "closure") by holder; see the guarantee above. */
export function summarizeByHolder(json: string, kinds: readonly string[] = ["array", "closure"]): HeapSummary {
  const snap = readSnapshot(json);
  const { doc } = snap;
  const ef = doc.snapshot.meta.edge_fields ?? [];
  const edgeTypes = doc.snapshot.meta.edge_types?.[0];
  const edges = doc.edges;
  const [edgeTypeAt, edgeNameAt, toAt] = ["type", "name_or_index", "to_node"].map((f) => ef.indexOf(f));
  if (edges === undefined || !Array.isArray(edgeTypes) || edgeTypeAt === undefined || edgeNameAt === undefined || toAt === undefined || [edgeTypeAt, edgeNameAt, toAt].some((i) => i < 0)) {
    throw new Error("not a V8 heap snapshot with edges (its meta lacks edge type, name_or_index or to_node)");
  }
  // Each node's first strong retainer and the edge's label.
  const holder = new Int32Array(snap.count).fill(-1);
  const via: string[] = new Array<string>(snap.count);
  const edgeCount = snap.field("edge_count");
  let edge = 0;
  for (let node = 0; node < snap.count; node++) {
    const count = edgeCount(node);
    for (let k = 0; k < count; k++, edge += ef.length) {
      const kind = String(edgeTypes[edges[edge + edgeTypeAt] ?? 0]);
      const to = (edges[edge + toAt] ?? 0) / snap.width;
      if (kind === "weak" || holder[to] !== -1) continue;
      holder[to] = node;
      via[to] = NAMED_EDGES.has(kind) ? (doc.strings[edges[edge + edgeNameAt] ?? 0] ?? "?") : "#";
    }
  }
  const looksThrough = (node: number) => snap.type(node) === "array" || snap.type(node) === "hidden" || snap.name(node).startsWith("system /");
  const label = (node: number) => (snap.type(node) === "object" || snap.type(node) === "native" ? snap.name(node) : `(${snap.type(node)}) ${snap.name(node)}`.trimEnd());
  const wanted = new Set(kinds);
  const groups = heapGroups();
  for (let node = 0; node < snap.count; node++) {
    if (!wanted.has(snap.type(node))) continue;
    let at = holder[node] ?? -1;
    let path = via[node] ?? "";
    for (let climb = 0; climb < MAX_CLIMB && at >= 0 && looksThrough(at); climb++) {
      path = `${via[at] ?? ""} > ${path}`;
      at = holder[at] ?? -1;
    }
    groups.add(at < 0 ? "(no holder)" : `${label(at)} . ${path}`, snap.size(node));
  }
  return groups.summary();
}
