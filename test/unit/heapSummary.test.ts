import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { diffHeap, formatHeapSummary, summarizeHeap } from "../../scripts/lib/heapSnapshot";
import { summarizeByHolder } from "../../scripts/lib/heapHolders";

const NODE_FIELDS = ["type", "name", "id", "self_size", "edge_count", "trace_node_id", "detachedness"];
const NODE_TYPES = ["hidden", "array", "string", "object", "code", "closure", "regexp", "number", "native", "synthetic", "concatenated string", "sliced string", "symbol", "bigint", "object shape"];

/** A tiny V8 heap snapshot: nodes as [type name, name, self size]. */
function snapshot(nodes: readonly (readonly [string, string, number])[]): string {
  const strings: string[] = [];
  const intern = (s: string) => {
    const at = strings.indexOf(s);
    return at >= 0 ? at : strings.push(s) - 1;
  };
  const flat = nodes.flatMap(([type, name, size], i) => [NODE_TYPES.indexOf(type), intern(name), i * 2 + 1, size, 0, 0, 0]);
  return JSON.stringify({
    snapshot: { meta: { node_fields: NODE_FIELDS, node_types: [NODE_TYPES, "string", "number", "number", "number", "number", "number"], edge_fields: [], edge_types: [] }, node_count: nodes.length, edge_count: 0 },
    nodes: flat,
    edges: [],
    strings,
  });
}

const small: [string, string, number][] = [
  ["object", "IrcConnection", 400],
  ["object", "IrcConnection", 400],
  ["object", "Socket", 300],
  ["string", "hello", 40],
  ["concatenated string", "", 32],
  ["sliced string", "", 20],
  ["closure", "onData", 64],
  ["closure", "onClose", 64],
  ["array", "", 1000],
  ["hidden", "system / Context", 56],
];

describe("heap summary by constructor", () => {
  it("groups objects by constructor and other kinds as DevTools does; the groups add up to the total", () => {
    const s = summarizeHeap(snapshot(small));
    assert.equal(s.nodes, small.length);
    assert.equal(s.totalBytes, small.reduce((a, [, , n]) => a + n, 0));
    assert.equal(
      s.groups.reduce((a, g) => a + g.selfBytes, 0),
      s.totalBytes,
    );
    const byName = new Map(s.groups.map((g) => [g.name, g]));
    assert.deepEqual(byName.get("IrcConnection"), { name: "IrcConnection", count: 2, selfBytes: 800 });
    assert.deepEqual(byName.get("(string)"), { name: "(string)", count: 3, selfBytes: 92 });
    assert.deepEqual(byName.get("(closure)"), { name: "(closure)", count: 2, selfBytes: 128 });
    assert.deepEqual(byName.get("system / Context"), { name: "system / Context", count: 1, selfBytes: 56 });
    assert.equal(s.groups[0]?.name, "(array)");
    assert.equal(s.groups[1]?.name, "IrcConnection");
  });

  it("prints the top groups with bytes per user", () => {
    const text = formatHeapSummary(summarizeHeap(snapshot(small)), 2, 2);
    const lines = text.trimEnd().split("\n");
    assert.equal(lines.length, 4);
    assert.match(lines[0] ?? "", /constructor +count +self KiB +% +bytes\/user/);
    assert.match(lines[2] ?? "", /^IrcConnection +2 +1 +33\.7 +400$/);
    assert.match(lines[3] ?? "", /total 0\.0 MiB in 10 nodes, 1\.2 KiB per user over 2 users/);
  });

  it("what grew between two snapshots, largest growth first", () => {
    const base = summarizeHeap(snapshot(small));
    const grown = summarizeHeap(snapshot([...small, ["object", "IrcConnection", 400], ["object", "IrcConnection", 400], ["object", "Timeout", 80]]));
    const diff = diffHeap(grown, base);
    assert.deepEqual(diff.groups[0], { name: "IrcConnection", count: 2, selfBytes: 800 });
    assert.deepEqual(diff.groups[1], { name: "Timeout", count: 1, selfBytes: 80 });
    assert.equal(diff.totalBytes, 880);
  });

  it("refuses a file that is not a heap snapshot", () => {
    assert.throws(() => summarizeHeap(JSON.stringify({ nodes: [] })), /not a V8 heap snapshot/);
  });
});

const EDGE_TYPES = ["context", "element", "property", "internal", "hidden", "shortcut", "weak"];

/** A tiny snapshot with edges: nodes as [type, name, self size], edges as [from, edge type, name, to]. */
function snapshotWithEdges(nodes: readonly (readonly [string, string, number])[], edges: readonly (readonly [number, string, string, number])[]): string {
  const strings: string[] = [];
  const intern = (s: string) => {
    const at = strings.indexOf(s);
    return at >= 0 ? at : strings.push(s) - 1;
  };
  const width = NODE_FIELDS.length;
  const flat = nodes.flatMap(([type, name, size], i) => [NODE_TYPES.indexOf(type), intern(name), i * 2 + 1, size, edges.filter(([from]) => from === i).length, 0, 0]);
  // Edges are listed node by node, in the nodes' order, as V8 writes them.
  const flatEdges = [...edges].sort((a, b) => a[0] - b[0]).flatMap(([, type, name, to]) => [EDGE_TYPES.indexOf(type), type === "element" ? Number(name) : intern(name), to * width]);
  return JSON.stringify({
    snapshot: { meta: { node_fields: NODE_FIELDS, node_types: [NODE_TYPES], edge_fields: ["type", "name_or_index", "to_node"], edge_types: [EDGE_TYPES, "string_or_number", "node"] }, node_count: nodes.length, edge_count: edges.length },
    nodes: flat,
    edges: flatEdges,
    strings,
  });
}

describe("heap summary by holder (arrays and closures)", () => {
  const nodes: [string, string, number][] = [
    ["synthetic", "(GC roots)", 0], // 0
    ["object", "Map", 32], // 1
    ["array", "", 100], // 2: the Map's table
    ["object", "EE", 48], // 3
    ["closure", "onLine", 64], // 4: EE's fn
    ["object", "Holder", 24], // 5
    ["array", "", 40], // 6: Holder's elements
    ["closure", "listener", 32], // 7: element 0 of Holder's elements
    ["closure", "orphan", 16], // 8: reached only by a weak edge
    ["object", "Map", 32], // 9
    ["array", "", 60], // 10: a second Map's table
  ];
  const edges: [number, string, string, number][] = [
    [0, "property", "a", 1],
    [0, "property", "b", 3],
    [0, "property", "c", 5],
    [0, "weak", "w", 8],
    [0, "property", "d", 9],
    [1, "internal", "table", 2],
    [3, "property", "fn", 4],
    [5, "internal", "elements", 6],
    [6, "element", "0", 7],
    [9, "internal", "table", 10],
  ];

  it("names each array and closure by the object holding it, through internal arrays; every one counted once", () => {
    const s = summarizeByHolder(snapshotWithEdges(nodes, edges));
    const byName = new Map(s.groups.map((g) => [g.name, g]));
    assert.deepEqual(byName.get("Map . table"), { name: "Map . table", count: 2, selfBytes: 160 });
    assert.deepEqual(byName.get("EE . fn"), { name: "EE . fn", count: 1, selfBytes: 64 });
    assert.deepEqual(byName.get("Holder . elements > #"), { name: "Holder . elements > #", count: 1, selfBytes: 32 });
    assert.deepEqual(byName.get("Holder . elements"), { name: "Holder . elements", count: 1, selfBytes: 40 });
    assert.deepEqual(byName.get("(no holder)"), { name: "(no holder)", count: 1, selfBytes: 16 });
    // Only arrays and closures: the same total as summarizeHeap's "(array)" and "(closure)" groups.
    const kinds = summarizeHeap(snapshotWithEdges(nodes, edges)).groups.filter((g) => g.name === "(array)" || g.name === "(closure)");
    assert.equal(s.totalBytes, kinds.reduce((a, g) => a + g.selfBytes, 0));
    assert.equal(s.nodes, 6);
    assert.equal(s.groups.reduce((a, g) => a + g.selfBytes, 0), s.totalBytes);
  });

  it("refuses a file without edges", () => {
    // Nodes readable, edges' meta empty (the constructor table's snapshots).
    assert.throws(() => summarizeByHolder(snapshot(small)), /with edges/);
    assert.throws(() => summarizeByHolder(JSON.stringify({ nodes: [] })), /not a V8 heap snapshot/);
  });
});
