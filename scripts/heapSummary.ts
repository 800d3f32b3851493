/**
 * `node dist/scripts/heapSummary.js <file.heapsnapshot> [users] [top] [--base <earlier.heapsnapshot>] [--holders]`:
 * the heap's largest groups by constructor (count, self size, share, and bytes per user when the
 * number of connected users is given), from a snapshot the bench wrote (BENCH_HEAP_SNAPSHOT=1) or
 * any V8 heap snapshot. With --base (a snapshot of the same process before the users joined), what
 * grew in between: the heap each connection costs without the fixed base. With --holders, the
 * internal arrays and closures (which the constructor table can only total) grouped by what holds
 * them instead (heapHolders.ts): "Map . table", "EE . fn" (irc-framework's listeners)...
 * Big snapshots need room: run it with --max-old-space-size=4096 (npm run bench:heap does).
 */
import { readFileSync } from "node:fs";
import { diffHeap, formatHeapSummary, summarizeHeap } from "./lib/heapSnapshot";
import { summarizeByHolder } from "./lib/heapHolders";

const args = process.argv.slice(2);
const holdersAt = args.indexOf("--holders");
if (holdersAt >= 0) args.splice(holdersAt, 1);
const summarize = holdersAt >= 0 ? (json: string) => summarizeByHolder(json) : summarizeHeap;
const baseAt = args.indexOf("--base");
const basePath = baseAt >= 0 ? args[baseAt + 1] : undefined;
if (baseAt >= 0) args.splice(baseAt, 2);
const [file, usersArg, topArg] = args;
if (file === undefined || (baseAt >= 0 && basePath === undefined)) {
  process.stderr.write("usage: heapSummary <file.heapsnapshot> [users] [top] [--base <earlier.heapsnapshot>] [--holders]\n");
  process.exit(2);
}
const users = usersArg === undefined ? undefined : Number(usersArg);
if (users !== undefined && !(users > 0)) {
  process.stderr.write(`users must be a positive number, not "${usersArg ?? ""}"\n`);
  process.exit(2);
}
const top = topArg === undefined ? 15 : Number(topArg);
const end = summarize(readFileSync(file, "utf8"));
const summary = basePath === undefined ? end : diffHeap(end, summarize(readFileSync(basePath, "utf8")));
if (basePath !== undefined) process.stdout.write(`Grown since ${basePath}:\n`);
process.stdout.write(formatHeapSummary(summary, top, users, holdersAt >= 0 ? "held by . edge" : "constructor"));
