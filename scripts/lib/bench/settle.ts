import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { procStat } from "../procStat";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Waits until process `pid` is quiet: two 1-second windows in a row each using under `busyMs` of CPU
 * (the joins' aftermath is done: power levels, queues), or `maxMs` has passed.
 */
export async function settle(pid: number, busyMs = 100, maxMs = 30000): Promise<void> {
  const until = Date.now() + maxMs;
  let quiet = 0;
  let last = procStat(pid).cpuMs;
  while (quiet < 2 && Date.now() < until) {
    await sleep(1000);
    const now = procStat(pid).cpuMs;
    quiet = now - last < busyMs ? quiet + 1 : 0;
    last = now;
  }
}

/** The one *.heapsnapshot file node writes into `dir` once its size has stopped changing; undefined after `maxMs`. */
export async function finishedHeapSnapshot(dir: string, maxMs = 300000): Promise<string | undefined> {
  const until = Date.now() + maxMs;
  let lastSize = -1;
  let stable = 0;
  while (Date.now() < until) {
    await sleep(1000);
    const name = existsSync(dir) ? readdirSync(dir).find((f) => f.endsWith(".heapsnapshot")) : undefined;
    if (name === undefined) continue;
    const size = statSync(join(dir, name)).size;
    stable = size > 0 && size === lastSize ? stable + 1 : 0;
    lastSize = size;
    if (stable >= 3) return join(dir, name);
  }
  return undefined;
}
