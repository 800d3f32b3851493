import assert from "node:assert/strict";
import { test } from "node:test";
import { detached, shared } from "../../src/util/keptStrings";
import { heapAfterGc } from "../support/gc";

/** The heap that `keep` holds on to after 200 lines of 50 KB each are dropped, in MB. */
function heldMb(keep: (s: string) => string): number {
  const before = heapAfterGc();
  const kept: string[] = [];
  for (let i = 0; i < 200; i++) {
    const line = `${i} :srv CAP * LS :draft/multiline=max-bytes=4096,max-lines=${i} `.padEnd(50_000, "x");
    kept.push(keep(line.slice(2, 60)));
  }
  const after = heapAfterGc();
  assert.equal(kept.length, 200);
  return (after - before) / 1e6;
}

test("a detached string holds only its own text, not the line it was cut from", () => {
  // Positive control: a plain substring keeps its 50 KB line.
  const plain = heldMb((s) => s);
  assert.ok(plain > 5, `plain substrings hold their lines: ${plain} MB`);
  const copied = heldMb(detached);
  assert.ok(copied < 1, `detached: ${copied} MB`);
  const kept = heldMb(shared);
  assert.ok(kept < 1, `shared: ${kept} MB`);
  const text = "draft/multiline=max-bytes=4096".slice(16);
  assert.equal(detached(text), text);
  assert.equal(detached("short"), "short");
});

/** The heap held by 20,000 results of `keep` over the same 200-character text, each cut from a line of its own, in MB. */
function heldBySameText(keep: (s: string) => string): number {
  const before = heapAfterGc();
  const kept: string[] = [];
  for (let i = 0; i < 20_000; i++) kept.push(keep(`${String(i).padStart(5, "0")} ${"PREFIX=(qaohv)~&@%+ ".repeat(10)}`.slice(6)));
  const after = heapAfterGc();
  assert.equal(new Set(kept).size, 1);
  return (after - before) / 1e6;
}

test("shared: one string for the same text; the table stops growing at MAX_SHARED texts", () => {
  // Positive control: a copy each holds 20,000 copies (about 4 MB).
  const copies = heldBySameText(detached);
  assert.ok(copies > 3, `detached copies: ${copies} MB`);
  const one = heldBySameText(shared);
  assert.ok(one < 0.5, `shared: ${one} MB`);
  // 5,000 different 1 KB texts, none kept by the caller: the table holds at most MAX_SHARED of them
  // (about 0.5 MB, with the heap's noise under the test runner up to 0.9; without the bound, 5 MB).
  const before = heapAfterGc();
  for (let i = 0; i < 5_000; i++) assert.equal(shared(`${i} `.padEnd(1000, "t")), `${i} `.padEnd(1000, "t"));
  const grown = (heapAfterGc() - before) / 1e6;
  assert.ok(grown < 2.5, `the table grew ${grown} MB`);
});
