import assert from "node:assert/strict";
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { SendJournal } from "../../src/store/sendJournal";

interface Rec {
  readonly id: string;
  readonly n: number;
}
const parse = (v: unknown): Rec | undefined => (typeof v === "object" && v !== null && "id" in v && "n" in v && typeof v.id === "string" && typeof v.n === "number" ? { id: v.id, n: v.n } : undefined);

describe("send journal", () => {
  it("what was added and not done is found again by a new instance (a restart), in order", () => {
    const dir = mkdtempSync(join(tmpdir(), "journal-"));
    try {
      const first = new SendJournal<Rec>(dir, "j.log");
      first.load(parse);
      for (let n = 0; n < 5; n++) first.add({ id: `r${n}`, n });
      first.done("r1");
      first.done("r3");
      // No close, no flush call: as if the process were killed here.
      const second = new SendJournal<Rec>(dir, "j.log");
      assert.deepEqual(second.load(parse), [
        { id: "r0", n: 0 },
        { id: "r2", n: 2 },
        { id: "r4", n: 4 },
      ]);
      assert.equal(readFileSync(join(dir, "j.log"), "utf8").split("\n").filter(Boolean).length, 3, "compacted at load");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("a line torn by a crash mid-write is skipped, the rest kept", () => {
    const dir = mkdtempSync(join(tmpdir(), "journal-"));
    try {
      const first = new SendJournal<Rec>(dir, "j.log");
      first.load(parse);
      first.add({ id: "a", n: 1 });
      appendFileSync(join(dir, "j.log"), 'A {"id":"b","n"');
      assert.deepEqual(new SendJournal<Rec>(dir, "j.log").load(parse), [{ id: "a", n: 1 }]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("rewrites itself when done lines outnumber pending ones, so it does not grow without end", () => {
    const dir = mkdtempSync(join(tmpdir(), "journal-"));
    try {
      const journal = new SendJournal<Rec>(dir, "j.log");
      journal.load(parse);
      for (let n = 0; n < 3000; n++) {
        journal.add({ id: `r${n}`, n });
        journal.done(`r${n}`);
      }
      journal.add({ id: "last", n: 1 });
      const lines = readFileSync(join(dir, "j.log"), "utf8").split("\n").filter(Boolean).length;
      assert.ok(lines < 2100, `${lines} lines after 3000 sends`);
      assert.deepEqual(new SendJournal<Rec>(dir, "j.log").load(parse), [{ id: "last", n: 1 }]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
