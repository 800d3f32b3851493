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

/**
 * Whether the last `steadyMs` of `samples` ([ms since start, bytes], in time order, one at least
 * every `steadyMs / 2`) stayed within `withinBytes` of each other: false until that much time is
 * covered.
 */
export function steadyFor(samples: readonly (readonly [number, number])[], steadyMs: number, withinBytes: number): boolean {
  const last = samples.at(-1);
  if (last === undefined || last[0] - (samples[0]?.[0] ?? last[0]) < steadyMs) return false;
  const recent = samples.filter(([t]) => t >= last[0] - steadyMs).map(([, bytes]) => bytes);
  return Math.max(...recent) - Math.min(...recent) <= withinBytes;
}

export interface SettledMemory {
  /** RSS when it was steady (or at the time limit), bytes. */
  readonly rss: number;
  /** How long the wait took, ms. */
  readonly waitedMs: number;
  /** Whether the time limit ended the wait (the RSS never held still). */
  readonly timedOut: boolean;
}

/**
 * Waits until process `pid`'s RSS held still, within `withinBytes`, for `steadyMs` (one reading a
 * second), or `maxMs` passed. A Node process just started holds its start-up garbage and a young
 * generation sized while it loaded until V8's memory reducer runs, about 8 s after the heap stops
 * growing (a bench bridge: 80 MiB, then 65 MiB about ten seconds after its start): growth measured from before that
 * would count the drop against the users who came meanwhile. `steadyMs` spans two of the
 * reducer's 8-second delays.
 */
export async function memorySettled(pid: number, steadyMs = 20000, withinBytes = 1024 * 1024, maxMs = 120000, read: (pid: number) => number = (p) => procStat(p).rss, wait: (ms: number) => Promise<unknown> = sleep): Promise<SettledMemory> {
  const samples: [number, number][] = [];
  let waited = 0;
  for (;;) {
    samples.push([waited, read(pid)]);
    if (steadyFor(samples, steadyMs, withinBytes)) return { rss: samples.at(-1)?.[1] ?? NaN, waitedMs: waited, timedOut: false };
    if (waited >= maxMs) return { rss: samples.at(-1)?.[1] ?? NaN, waitedMs: waited, timedOut: true };
    await wait(1000);
    waited += 1000;
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
