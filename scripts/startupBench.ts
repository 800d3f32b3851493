/**
 * `npm run bench:startup [runs]`: what a bridge costs before anyone uses it. Starts the `bench`
 * bridge (its own config, ports and data directory, against the test environment's Synapse and
 * Ergo) `runs` times (default 5), one after another; each time measures, from /proc, the CPU it
 * took from its start until the homeserver reached it ("homeserver reached the bridge": the bot
 * registered, the ping answered), the wall time to that line, and its RSS and V8 heap (its
 * /metrics) 3 s later, idle; then stops it. Prints each run and the medians.
 */
import { rmSync } from "node:fs";
import { join } from "node:path";
import { BridgeProcess } from "../test/e2e/support/bridgeProcess";
import { localBridgeConfig, type Doc } from "./lib/localConfig";
import { procStat } from "./lib/procStat";
import { heapFigures } from "./lib/bench/promText";
import { percentile } from "./lib/bench/stats";
import { bridges, testenv } from "./lib/testenv";

const runs = Number(process.argv[2] ?? 5);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Startup {
  readonly readyMs: number;
  readonly cpuMs: number;
  readonly rssMiB: number;
  readonly heapMiB: number;
}

async function once(): Promise<Startup> {
  const spec = bridges.bench;
  const config = localBridgeConfig(spec, (doc) => {
    (doc.logging as Doc).level = "info";
  });
  const started = Date.now();
  const bridge = new BridgeProcess(["-c", config.path, "-f", join(testenv.appserviceDir, spec.registrationFile), "-p", String(spec.port)]);
  try {
    await bridge.waitForLine(/homeserver reached the bridge/, 60000);
    const readyMs = Date.now() - started;
    const cpuMs = procStat(bridge.pid).cpuMs;
    await sleep(3000);
    const heap = await heapFigures(spec.metricsPort);
    return { readyMs, cpuMs, rssMiB: procStat(bridge.pid).rss / 1048576, heapMiB: heap.used / 1048576 };
  } finally {
    await bridge.stop();
    rmSync(config.dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const all: Startup[] = [];
  for (let i = 0; i < runs; i++) {
    const s = await once();
    all.push(s);
    process.stdout.write(`run ${i + 1}: ready in ${s.readyMs} ms, ${s.cpuMs.toFixed(0)} ms of CPU; idle 3 s later: RSS ${s.rssMiB.toFixed(1)} MiB, V8 heap used ${s.heapMiB.toFixed(1)} MiB\n`);
  }
  const median = (pick: (s: Startup) => number) => percentile(all.map(pick), 50);
  process.stdout.write(
    `median of ${runs}: ready in ${median((s) => s.readyMs).toFixed(0)} ms, ${median((s) => s.cpuMs).toFixed(0)} ms of CPU; RSS ${median((s) => s.rssMiB).toFixed(1)} MiB, V8 heap used ${median((s) => s.heapMiB).toFixed(1)} MiB\n`,
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`startup bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
