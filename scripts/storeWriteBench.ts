/**
 * `npm run bench:store` (`node dist/scripts/storeWriteBench.js` after a build): what one write to the
 * NeDB store costs the bridge's process, in CPU (user + kernel, process.cpuUsage) and wall time, on
 * a real file in the system's temporary directory. A new user's connection makes about 2 writes of
 * their puppet record and, for each Matrix transaction, one of the transaction log (issue 14's
 * counts), so this is paid a few times per user. Rows:
 * - one at a time: each write awaited before the next (a join's writes);
 * - 50 at once: 50 writes asked together (a burst of joins), still applied one by one by NeDB;
 * - a long run, bounded / unbounded: 100,000 writes one at a time over the same 1,000 records (a
 *   bridge running for days: marks, transactions), with the file's growth bounded as the bridge
 *   does (nedbCollection.ts, "Growth": rewritten in the background) and without; with the file's
 *   size at the end.
 * A script, not a timed test: numbers vary with the machine; nothing passes or fails.
 */
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { COMPACT_AFTER_LINES, NedbCollection } from "../src/store/nedbCollection";

interface Doc {
  readonly key: string;
  readonly nick: string;
  readonly username: string;
  readonly channels: readonly string[];
  readonly n: number;
}

const WRITES = Number(process.env.BENCH_WRITES ?? 5000);
const LONG_WRITES = Number(process.env.BENCH_LONG_WRITES ?? 100000);

const doc = (i: number): Doc => ({ key: `@bench_user_${i % 1000}:localhost`, nick: `bench_user_${i % 1000}`, username: `bench${i % 1000}`, channels: ["#bench0", `#bench${i % 100}`], n: i });

function cpuMicros(): number {
  const u = process.cpuUsage();
  return u.user + u.system;
}

async function timed(label: string, run: (docs: NedbCollection<Doc>) => Promise<void>, writes = WRITES, compactAfter = COMPACT_AFTER_LINES): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), "storebench-"));
  try {
    const docs = await NedbCollection.open<Doc>(dir, "puppets", undefined, compactAfter);
    await docs.index("key", true);
    // Warm: the datastore's indexes hold the keys and the code is compiled before the timing.
    for (let i = 0; i < 1000; i++) await docs.upsert({ key: doc(i).key }, doc(i));
    const cpu0 = cpuMicros();
    const t0 = process.hrtime.bigint();
    await run(docs);
    const wallUs = Number(process.hrtime.bigint() - t0) / 1000;
    const cpuUs = cpuMicros() - cpu0;
    const fileKiB = statSync(join(dir, "puppets.db")).size / 1024;
    await docs.close();
    return `${label.padEnd(24)} ${(cpuUs / writes).toFixed(1).padStart(6)} µs CPU, ${(wallUs / writes).toFixed(1).padStart(6)} µs wall per write; file ${fileKiB.toFixed(0).padStart(6)} KiB at the end`;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const rows: string[] = [];
  for (let round = 0; round < 2; round++) {
    rows.push(
      await timed("one at a time", async (docs) => {
        for (let i = 0; i < WRITES; i++) await docs.upsert({ key: doc(i).key }, doc(i));
      }),
    );
    rows.push(
      await timed("50 at once", async (docs) => {
        for (let i = 0; i < WRITES; i += 50) await Promise.all(Array.from({ length: 50 }, (_, j) => docs.upsert({ key: doc(i + j).key }, doc(i + j))));
      }),
    );
  }
  const long = async (docs: NedbCollection<Doc>) => {
    for (let i = 0; i < LONG_WRITES; i++) await docs.upsert({ key: doc(i).key }, doc(i));
  };
  for (let round = 0; round < 2; round++) {
    rows.push(await timed("a long run, bounded", long, LONG_WRITES));
    rows.push(await timed("a long run, unbounded", long, LONG_WRITES, Infinity));
  }
  process.stdout.write(`NeDB upserts of a puppet-sized record, ${WRITES} each (a long run: ${LONG_WRITES} over 1,000 records), two rounds:\n${rows.join("\n")}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
