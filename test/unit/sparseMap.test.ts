import assert from "node:assert/strict";
import { test } from "node:test";
import { SparseMap } from "../../src/util/sparseMap";

/** Whether the map holds a table now (its one field). */
const holdsTable = (m: SparseMap<string, number>) => Reflect.get(m, "map") !== undefined;

test("a SparseMap reads as a Map, and holds a table only while it has entries", () => {
  const m = new SparseMap<string, number>();
  assert.equal(holdsTable(m), false, "no table before the first entry");
  assert.deepEqual([m.size, m.get("a"), m.has("a"), m.delete("a"), [...m.keys()], [...m.values()]], [0, undefined, false, false, [], []]);
  m.set("a", 1).set("b", 2).set("a", 3);
  assert.equal(holdsTable(m), true, "positive control: a table once something is in it");
  assert.deepEqual([m.size, m.get("a"), m.has("b"), [...m.keys()], [...m.values()]], [2, 3, true, ["a", "b"], [3, 2]]);
  assert.equal(m.delete("a"), true);
  assert.equal(m.delete("a"), false);
  assert.equal(holdsTable(m), true, "one entry left");
  assert.equal(m.delete("b"), true);
  assert.equal(holdsTable(m), false, "the table is dropped with the last entry");
  m.set("c", 4);
  m.clear();
  assert.deepEqual([m.size, holdsTable(m)], [0, false]);
});

test("entries deleted while iterating: the iteration goes on over what is left, as a Map's does", () => {
  const m = new SparseMap<string, number>();
  for (const [k, v] of [["a", 1], ["b", 2], ["c", 3]] as const) m.set(k, v);
  const seen: string[] = [];
  for (const k of m.keys()) {
    seen.push(k);
    m.delete(k === "a" ? "b" : k);
  }
  assert.deepEqual(seen, ["a", "c"]);
  assert.deepEqual([...m.keys()], ["a"]);
});
