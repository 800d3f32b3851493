/**
 * `node dist/scripts/heapSummary.js <file.heapsnapshot> [users] [top]`: the heap's largest groups by
 * constructor (count, self size, share, and bytes per user when the number of connected users is
 * given), from a snapshot the bench wrote (BENCH_HEAP_SNAPSHOT=1) or any V8 heap snapshot.
 * Big snapshots need room: run it with --max-old-space-size=4096.
 */
import { readFileSync } from "node:fs";
import { formatHeapSummary, summarizeHeap } from "./lib/heapSnapshot";

const [file, usersArg, topArg] = process.argv.slice(2);
if (file === undefined) {
  process.stderr.write("usage: heapSummary <file.heapsnapshot> [users] [top]\n");
  process.exit(2);
}
const users = usersArg === undefined ? undefined : Number(usersArg);
if (users !== undefined && !(users > 0)) {
  process.stderr.write(`users must be a positive number, not "${usersArg ?? ""}"\n`);
  process.exit(2);
}
const top = topArg === undefined ? 15 : Number(topArg);
process.stdout.write(formatHeapSummary(summarizeHeap(readFileSync(file, "utf8")), top, users));
