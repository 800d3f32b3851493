/**
 * `npm run bench`: cost per connected user as users grow, on the local environment (Synapse + Ergo,
 * the `bench` bridge: ids bench_{nick}, ports 29121/29122, so it runs beside the e2e bridges). A
 * script, not a timed test: numbers vary with the machine; nothing here passes or fails. Run big
 * runs under the bench lock: `flock /tmp/ircbridge-bench.lock npm run bench`.
 *
 * For each scale (BENCH_SCALES, default 100, 400 and 1,000 users on one channel and 1,000 users over
 * 100 channels), see lib/bench/runScale.ts: per user, bridge RSS growth (regression slope), heap,
 * bridge CPU, homeserver CPU, homeserver requests; join -> puppet JOIN p50/p99; whole-run time.
 * Writes JSON (BENCH_OUT, else bench-results/<date>.json), an SVG chart and a Markdown table next
 * to it. `--compare before.json` (or BENCH_COMPARE) puts a before/after pair side by side;
 * `--from after.json` redraws from a saved run without measuring. BENCH_HEAP_SNAPSHOT=1 writes a V8
 * heap snapshot of the bridge at the end of the largest scale(s) and prints its top constructors;
 * BENCH_CPU_PROF=1 runs the bridge with --cpu-prof. BENCH_LOG=<path> keeps the bridge's log lines of
 * each scale in <path>.<users>x<channels> (BENCH_LOG_LEVEL: its level, default warn). Messages and
 * latency: `npm run bench:messages`.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { basename, dirname, join } from "node:path";
import { CountingProxy } from "./lib/bench/countingProxy";
import { parseResults, RESULTS_VERSION, type BenchResults, type ScaleResult } from "./lib/bench/results";
import { runScale } from "./lib/bench/runScale";
import { DEFAULT_SCALES, parseScales } from "./lib/bench/scales";
import { drawChart } from "./lib/bench/svgChart";
import { formatMarkdown, formatTable } from "./lib/bench/table";
import { benchUsers } from "./lib/bench/users";
import { testenv } from "./lib/testenv";

const root = join(__dirname, "..", "..");
const log = (text: string) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${text}\n`);

function argValue(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

/** The commit measured: BENCH_COMMIT (a run from a copy of dist/), else the worktree's HEAD. */
function gitCommit(): string {
  if (process.env.BENCH_COMMIT !== undefined) return process.env.BENCH_COMMIT;
  try {
    return execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  } catch {
    return "unknown";
  }
}

/**
 * Prints the table; writes the SVG and the Markdown table next to `jsonPath` (named
 * "<base>-vs-<before's label>" with a comparison) and, with `writeJson`, the JSON (NaN as null).
 */
function writeOutputs(results: BenchResults, jsonPath: string | undefined, before: BenchResults | undefined, writeJson: boolean): void {
  process.stdout.write(`\n${formatTable(results, before)}`);
  if (jsonPath === undefined) return;
  mkdirSync(dirname(jsonPath), { recursive: true });
  const base = jsonPath.replace(/\.json$/, "");
  const suffix = before === undefined ? "" : `-vs-${basename(before.label).replace(/[^\w.-]+/g, "_")}`;
  if (writeJson) writeFileSync(jsonPath, `${JSON.stringify(results, (_, v: unknown) => (typeof v === "number" && !Number.isFinite(v) ? null : v), 2)}\n`);
  writeFileSync(`${base}${suffix}.svg`, drawChart(results, before));
  writeFileSync(`${base}${suffix}.md`, formatMarkdown(results, before));
  process.stdout.write(`\nwritten: ${writeJson ? `${jsonPath}, ` : ""}${base}${suffix}.svg, ${base}${suffix}.md\n`);
}

async function measure(): Promise<BenchResults> {
  const scales = parseScales(process.env.BENCH_SCALES ?? DEFAULT_SCALES);
  const heapSnapshots = process.env.BENCH_HEAP_SNAPSHOT === "1";
  const cpuProfile = process.env.BENCH_CPU_PROF === "1";
  const startedAt = new Date().toISOString();
  const outDir = join(root, "bench-results", startedAt.replace(/[:.]/g, "-"));
  const maxUsers = Math.max(...scales.map((s) => s.users));
  const synapsePid = Number(readFileSync(join(testenv.dir, "run", "synapse.pid"), "utf8").trim());
  const users = await benchUsers(maxUsers, join(root, "bench-results", "users.json"), process.env.BENCH_FRESH_USERS === "1", log);
  const proxy = await CountingProxy.start(testenv.synapseUrl);
  const tag = Date.now().toString(36);
  const results: ScaleResult[] = [];
  try {
    for (const scale of scales) {
      log(`scale ${scale.users} users over ${scale.channels} channel(s)`);
      const result = await runScale(scale, { users, proxy, synapsePid, outDir, heapSnapshot: heapSnapshots && scale.users === maxUsers, cpuProfile, tag, log });
      results.push(result);
      log(`${result.label}: ${(result.perUser.rssBytes / 1024).toFixed(1)} KiB, ${result.perUser.bridgeCpuMs.toFixed(1)} ms bridge CPU, ${result.perUser.homeserverCpuMs.toFixed(1)} ms homeserver CPU per user`);
    }
  } finally {
    await proxy.close();
  }
  return { version: RESULTS_VERSION, label: process.env.BENCH_LABEL ?? gitCommit(), commit: gitCommit(), startedAt, finishedAt: new Date().toISOString(), host: { cpus: cpus().length, node: process.version }, scales: results };
}

async function main(): Promise<void> {
  const comparePath = argValue("--compare") ?? process.env.BENCH_COMPARE;
  const before = comparePath === undefined ? undefined : parseResults(readFileSync(comparePath, "utf8"), comparePath);
  const fromPath = argValue("--from");
  if (fromPath !== undefined) {
    const saved = parseResults(readFileSync(fromPath, "utf8"), fromPath);
    writeOutputs(saved, fromPath, before, false);
    return;
  }
  const results = await measure();
  const jsonPath = process.env.BENCH_OUT ?? join(root, "bench-results", `${results.startedAt.replace(/[:.]/g, "-")}.json`);
  writeOutputs(results, jsonPath, before, true);
  for (const scale of results.scales) {
    if (scale.heapSnapshot === undefined) continue;
    // In a child with room for the snapshot's JSON (hundreds of MB at 1,000 users).
    process.stdout.write(`\nHeap of the bridge at the end of ${scale.label}:\n`);
    const summary = [join(__dirname, "heapSummary.js"), scale.heapSnapshot, String(scale.users)];
    execFileSync(process.execPath, ["--max-old-space-size=4096", ...summary], { stdio: "inherit" });
    if (scale.heapSnapshotBase !== undefined) execFileSync(process.execPath, ["--max-old-space-size=4096", ...summary, "15", "--base", scale.heapSnapshotBase], { stdio: "inherit" });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
