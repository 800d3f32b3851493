import assert from "node:assert/strict";
import { existsSync, symlinkSync, unlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Writable } from "node:stream";
import { describe, it } from "node:test";
import winston from "winston";
import { AppserviceServer } from "../../src/matrix/appserviceServer";
import type { Logger } from "../../src/observability/logger";
import { createMetrics } from "../../src/observability/metrics";
import { ConfirmJournal } from "../../src/store/confirmJournal";
import { openNedbStore } from "../../src/store/nedbStore";
import { SendJournal } from "../../src/store/sendJournal";
import { logWriteFailure, WriteWatch } from "../../src/store/writeWatch";
import { FakeClock } from "../support/fakeClock";
import { tempDirs } from "../support/tempDirs";

/**
 * A full disk, simulated for real: the file a store writes to is a link to /dev/full (every write
 * fails with ENOSPC); "freeing the disk" replaces the link with a plain file.
 */
const tempDir = tempDirs("diskfull");
function fill(path: string): void {
  if (existsSync(path)) unlinkSync(path);
  symlinkSync("/dev/full", path);
}
function free(path: string): void {
  unlinkSync(path);
}

/** A logger that records what it logs. */
function recordingLogger(): { log: Logger; lines: { level: string; message: string }[] } {
  const lines: { level: string; message: string }[] = [];
  const stream = new Writable({
    objectMode: true,
    write(info: { level: string; message: string }, _enc, done) {
      lines.push({ level: info.level, message: info.message });
      done();
    },
  });
  // eslint-disable-next-line @typescript-eslint/no-unsafe-class-instance-assignment
  const transport: winston.transport = new winston.transports.Stream({ stream });
  return { log: winston.createLogger({ level: "debug", transports: [transport] }), lines };
}

function watch() {
  const clock = new FakeClock();
  const { log, lines } = recordingLogger();
  const gauge: number[] = [];
  const codes: string[] = [];
  const writes = new WriteWatch({
    clock,
    log,
    retryMs: 1000,
    count: (failing, code) => {
      gauge.push(failing);
      if (code !== undefined) codes.push(code);
    },
  });
  const errors = () => lines.filter((l) => l.level === "error").length;
  return { clock, writes, lines, gauge, codes, errors };
}

const settle = () => new Promise((r) => setImmediate(r));
/** Read through a call: an assertion on the getter would narrow its type for the rest of the test. */
const problem = (writes: WriteWatch): string | undefined => writes.problem;

interface Rec {
  readonly id: string;
  readonly text: string;
}

describe("a full disk makes the bridge degraded, not dead", () => {

  it("the IRC -> Matrix journal: writes fail without throwing, logged once, repaired from memory when the disk is freed", async () => {
    const dir = tempDir();
    const { clock, writes, gauge, codes, errors } = watch();
    const journal = new SendJournal<Rec>(dir, "irc-to-matrix.log", writes);
    journal.load(() => undefined);
    journal.add({ id: "before", text: "written" });
    assert.equal(problem(writes), undefined, "positive control: a working disk is not a problem");
    const file = join(dir, "irc-to-matrix.log");
    fill(file);
    fill(`${file}.tmp`);
    for (let i = 0; i < 5; i++) journal.add({ id: `m${i}`, text: `full ${i}` });
    journal.done("before");
    assert.equal(journal.size, 5, "the records stay pending in memory (still delivered)");
    assert.match(problem(writes) ?? "", /irc-to-matrix\.log \(ENOSPC\)/);
    assert.equal(errors(), 1, "one error log for six failed writes");
    assert.equal(gauge.at(-1), 1);
    assert.equal(codes.length, 6, "every failure is counted");
    clock.advance(1000);
    await settle();
    assert.ok(problem(writes) !== undefined, "still full: still degraded");
    assert.equal(errors(), 1, "and still not logged again");
    free(file);
    free(`${file}.tmp`);
    clock.advance(1000);
    await settle();
    assert.equal(problem(writes), undefined, "cleared once the repair succeeded");
    assert.equal(gauge.at(-1), 0);
    const reread = new SendJournal<Rec>(dir, "irc-to-matrix.log").load((v) => v as Rec);
    assert.deepEqual(reread.map((r) => r.id), ["m0", "m1", "m2", "m3", "m4"], "what the disk refused is on disk now, and the done one is gone");
    assert.equal(clock.liveTimers, 0, "no retry timer left once healthy");
  });

  it("the confirm journal: a message cannot be handed to IRC while its line cannot be written; a lost confirmation is written later", async () => {
    const dir = tempDir();
    const { clock, writes } = watch();
    const journal = new ConfirmJournal(dir, writes);
    journal.handed("$ok");
    const file = join(dir, "outbox-confirmed.log");
    fill(file);
    assert.throws(() => journal.handed("$full"), /cannot write to its disk \(ENOSPC\); try again later/, "not acknowledged as safe: the sender is told");
    journal.confirmed("$ok");
    assert.match(problem(writes) ?? "", /outbox-confirmed\.log/);
    free(file);
    writeFileSync(file, "H $ok\n");
    clock.advance(1000);
    await settle();
    assert.equal(problem(writes), undefined);
    const { handed, confirmed } = journal.read();
    assert.deepEqual([...handed], ["$ok"], "the refused hand-over is not in the journal");
    assert.deepEqual([...confirmed], ["$ok"], "the confirmation refused by the disk was written by the repair");
  });

  it("NeDB: a refused write rejects (the caller decides), degrades, and a later successful write repairs it by compaction", async () => {
    const dir = tempDir();
    const { writes, errors } = watch();
    const store = await openNedbStore(dir, { reports: writes });
    const mark = (folded: string) => ({ network: "n", folded, time: 1, msgid: undefined, seenAt: 1 });
    await store.marks.put(mark("#before"));
    const file = join(dir, "marks.db");
    fill(file);
    fill(`${file}~`);
    await assert.rejects(store.marks.put(mark("#during")), /ENOSPC/);
    await assert.rejects(store.marks.put(mark("#during2")), /ENOSPC/);
    assert.match(problem(writes) ?? "", /marks \(ENOSPC\)/);
    assert.equal(errors(), 1);
    await writes.retry();
    assert.ok(problem(writes) !== undefined, "the compaction cannot write either: still degraded");
    free(file);
    free(`${file}~`);
    writeFileSync(file, "");
    await store.rooms.put({ roomId: "!r", network: "n", channel: "#c", folded: "#c", origin: "portal" });
    assert.ok(problem(writes) !== undefined, "a write elsewhere does not clear the marks");
    await store.marks.put(mark("#after"));
    // The repair is a compaction: real file writes, so wait (bounded) for it.
    for (let i = 0; i < 200 && problem(writes) !== undefined; i++) await new Promise((r) => setTimeout(r, 10));
    assert.equal(problem(writes), undefined, "a write that succeeds triggers the repair, which clears it");
    await store.close();
    const reopened = await openNedbStore(dir);
    const folded = (await reopened.marks.all("n")).map((m) => m.folded).sort();
    assert.deepEqual(folded, ["#after", "#before", "#during", "#during2"], "the writes the disk refused were put on disk by the repair");
    await reopened.close();
  });

  it("/health: 503 degraded with the reason (for the hs_token), 200 once the disk takes writes again", async () => {
    const dir = tempDir();
    const { clock, writes } = watch();
    const journal = new SendJournal<Rec>(dir, "irc-to-matrix.log", writes);
    const server = new AppserviceServer(
      "hs",
      {
        onTransaction: () => Promise.resolve(),
        onUserQuery: () => Promise.resolve(false),
        onAliasQuery: () => Promise.resolve(false),
        health: () => {
          const why = problem(writes);
          return why === undefined ? { status: "ok", reasons: [] } : { status: "degraded", reasons: [why] };
        },
      },
      (await openNedbStore(undefined)).transactions,
      createMetrics(),
      recordingLogger().log,
    );
    await server.listen("127.0.0.1", 0);
    const health = async () => {
      const res = await fetch(`http://127.0.0.1:${server.boundPort()}/health`, { headers: { Authorization: "Bearer hs" } });
      return { status: res.status, body: (await res.json()) as { reasons: string[] } };
    };
    try {
      assert.equal((await health()).status, 200);
      fill(join(dir, "irc-to-matrix.log"));
      journal.add({ id: "x", text: "y" });
      const degraded = await health();
      assert.equal(degraded.status, 503);
      assert.match(degraded.body.reasons.join(), /cannot write to its disk: irc-to-matrix\.log \(ENOSPC\)/);
      free(join(dir, "irc-to-matrix.log"));
      clock.advance(1000);
      await settle();
      assert.equal((await health()).status, 200);
    } finally {
      await server.close();
    }
  });

  it("where a failed write is caught, a disk error is not logged as an error again (the watch did, once)", () => {
    const { log, lines } = recordingLogger();
    for (let i = 0; i < 3; i++) logWriteFailure(log, "cannot save a channel mark", Object.assign(new Error("no space"), { code: "ENOSPC" }));
    logWriteFailure(log, "cannot save a channel mark", new Error("unique constraint violated"));
    assert.deepEqual(lines.map((l) => l.level), ["debug", "debug", "debug", "error"]);
  });
});
