import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { diffHeap, formatHeapSummary, summarizeHeap } from "../../scripts/lib/heapSnapshot";

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
