/**
 * `node dist/scripts/heapSummary.js <file.heapsnapshot> [users] [top] [--base <earlier.heapsnapshot>]`:
 * the heap's largest groups by constructor (count, self size, share, and bytes per user when the
 * number of connected users is given), from a snapshot the bench wrote (BENCH_HEAP_SNAPSHOT=1) or
 * any V8 heap snapshot. With --base (a snapshot of the same process before the users joined), what
 * grew in between: the heap each connection costs without the fixed base.
 * Big snapshots need room: run it with --max-old-space-size=4096 (npm run bench:heap does).
 */
import { readFileSync } from "node:fs";
import { diffHeap, formatHeapSummary, summarizeHeap } from "./lib/heapSnapshot";

const args = process.argv.slice(2);
const baseAt = args.indexOf("--base");
const basePath = baseAt >= 0 ? args[baseAt + 1] : undefined;
if (baseAt >= 0) args.splice(baseAt, 2);
const [file, usersArg, topArg] = args;
if (file === undefined || (baseAt >= 0 && basePath === undefined)) {
  process.stderr.write("usage: heapSummary <file.heapsnapshot> [users] [top] [--base <earlier.heapsnapshot>]\n");
  process.exit(2);
}
const users = usersArg === undefined ? undefined : Number(usersArg);
if (users !== undefined && !(users > 0)) {
  process.stderr.write(`users must be a positive number, not "${usersArg ?? ""}"\n`);
  process.exit(2);
}
const top = topArg === undefined ? 15 : Number(topArg);
const end = summarizeHeap(readFileSync(file, "utf8"));
const summary = basePath === undefined ? end : diffHeap(end, summarizeHeap(readFileSync(basePath, "utf8")));
if (basePath !== undefined) process.stdout.write(`Grown since ${basePath}:\n`);
process.stdout.write(formatHeapSummary(summary, top, users));
