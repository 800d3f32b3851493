import { mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { dirname, join } from "node:path";
import { BridgeProcess } from "../../../test/e2e/support/bridgeProcess";
import { TestIrcClient, escape } from "../../../test/e2e/support/ircClient";
import { joinRoom } from "../../../test/e2e/support/matrixClient";
import { localBridgeConfig, type Doc } from "../localConfig";
import { procStat } from "../procStat";
import { bridges, testenv } from "../testenv";
import type { CountingProxy } from "./countingProxy";
import { heapFigures, heapUsed } from "./promText";
import type { ScaleResult } from "./results";
import { scaleLabel, type Scale } from "./scales";
import { finishedHeapSnapshot, memorySettled, settle } from "./settle";
import { percentile, regressionSlope } from "./stats";
import type { BenchUser } from "./users";

export interface ScaleOptions {
  readonly users: readonly BenchUser[];
  readonly proxy: CountingProxy;
  readonly synapsePid: number;
  /** Directory for this run's heap snapshots and CPU profiles. */
  readonly outDir: string;
  readonly heapSnapshot: boolean;
  readonly cpuProfile: boolean;
  /** A run-unique tag for channel names. */
  readonly tag: string;
  readonly log: (text: string) => void;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const SAMPLE_MS = 200;
const IDLE_MS = Number(process.env.BENCH_IDLE_MS ?? 60000);

/**
 * One scale: a fresh bench bridge (own data directory), an IRC operator watching every channel,
 * then `scale.users` users join by alias one after another (user i to channel i mod channels), each
 * waiting until their puppet's JOIN is seen on IRC. Bridge RSS is sampled against users joined all
 * along; CPU (bridge and homeserver) and the bridge's homeserver requests are counted from the
 * first join until the bridge is quiet again, the bridge's CPU also when the join that opened the
 * last portal was seen on IRC (the first `channels` users each open one), so a portal's cost and a
 * later user's are told apart (what the last portals still do after that counts as later users').
 */
export async function runScale(scale: Scale, options: ScaleOptions): Promise<ScaleResult> {
  const label = scaleLabel(scale);
  const slug = `${scale.users}x${scale.channels}`;
  const spec = bridges.bench;
  const config = localBridgeConfig(spec, (doc) => {
    (doc.logging as Doc).level = process.env.BENCH_LOG_LEVEL ?? "warn";
    (doc.homeserver as Doc).url = options.proxy.url;
    const network = (doc.ircNetworks as Doc[])[0] as Doc;
    // The bench opens up to 100 portals in a minute and more connections than the sample allows.
    network.portals = { ...(network.portals as Doc), maxPerMinute: 100000, max: 100000 };
    network.connections = { ...(network.connections as Doc), max: 100000 };
  });
  const diagDir = join(config.dir, "diag");
  mkdirSync(diagDir, { recursive: true });
  const cpuProfileDir = options.cpuProfile ? join(options.outDir, `cpu-${slug}`) : undefined;
  const nodeFlags = [...(options.heapSnapshot ? ["--heapsnapshot-signal=SIGUSR2"] : []), ...(cpuProfileDir === undefined ? [] : ["--cpu-prof", `--cpu-prof-dir=${cpuProfileDir}`])];
  const bridge = new BridgeProcess(["-c", config.path, "-f", join(testenv.appserviceDir, spec.registrationFile), "-p", String(spec.port)], undefined, { nodeFlags, cwd: diagDir });
  const channels = Array.from({ length: scale.channels }, (_, c) => `#b${options.tag}s${slug}c${c}`.toLowerCase());
  let observer: TestIrcClient | undefined;
  try {
    const until = Date.now() + 30000;
    while (!Number.isFinite(await heapUsed(spec.metricsPort))) {
      if (Date.now() > until) throw new Error(`the bench bridge did not serve /metrics within 30 s:\n${bridge.lines.slice(-20).join("\n")}`);
      await sleep(250);
    }
    observer = await TestIrcClient.connect(testenv.ergo.host, testenv.ergo.port, `o${options.tag}${slug}`.slice(0, 30));
    observer.raw("OPER admin testoper");
    await observer.waitFor(/ 381 /);
    for (const channel of channels) await observer.join(channel);
    await observer.waitOnline(`${spec.name}bridge`);
    const pid = bridge.pid;
    // With heap snapshots, one before the joins too, so what each connection adds can be told from the base.
    const heapSnapshotBase = options.heapSnapshot ? await takeHeapSnapshot(pid, diagDir, join(options.outDir, `heap-${slug}-base.heapsnapshot`), options.log) : undefined;
    // The start is read once V8 let go of the bridge's start-up garbage (settle.ts), so the joins'
    // growth is measured from where a running bridge with no users stands.
    const start = await memorySettled(pid);
    options.log(`${label}: the bridge's RSS held still (${(start.rss / 1048576).toFixed(1)} MiB) after ${Math.round(start.waitedMs / 1000)} s${start.timedOut ? " (the time limit: it never held still)" : ""}`);

    const bridge0 = procStat(pid);
    const synapse0 = procStat(options.synapsePid);
    const heap0 = await heapFigures(spec.metricsPort);
    const load0 = loadavg()[0] ?? NaN;
    options.proxy.reset();
    let joined = 0;
    const samples: [number, number][] = [[0, bridge0.rss]];
    const sampler = setInterval(() => samples.push([joined, procStat(pid).rss]), SAMPLE_MS);
    const latencies: number[] = [];
    const t0 = Date.now();
    // The bridge's CPU once the first `channels` users joined, each opening a portal (see results.ts).
    let portalsCpuMs: number | undefined;
    try {
      for (let i = 0; i < scale.users; i++) {
        const user = options.users[i];
        const channel = channels[i % channels.length];
        if (user === undefined || channel === undefined) throw new Error(`only ${options.users.length} users for ${label}`);
        const from = observer.lines.length;
        const started = Date.now();
        const seen = observer.waitFor(new RegExp(`^(?:@\\S+ )?:${escape(user.localpart)}\\S*!\\S+ JOIN :?${escape(channel)}(?: |$)`, "i"), 60000, from);
        await joinRoom(user, `#${spec.name}_${channel}:${testenv.domain}`);
        await seen;
        latencies.push(Date.now() - started);
        joined = i + 1;
        if (joined === scale.channels && scale.channels < scale.users) portalsCpuMs = procStat(pid).cpuMs - bridge0.cpuMs;
        if (joined % 100 === 0) options.log(`${label}: ${joined} joined`);
      }
    } finally {
      clearInterval(sampler);
    }
    const wholeRunMs = Date.now() - t0;
    await settle(pid);
    const bridge1 = procStat(pid);
    const synapse1 = procStat(options.synapsePid);
    const heap1 = await heapFigures(spec.metricsPort);
    const load1 = loadavg()[0] ?? NaN;
    const requests = options.proxy.snapshot();
    samples.push([scale.users, bridge1.rss]);
    const fit = regressionSlope(samples);

    // The connected users' cost while nothing happens (pings, timers), over a quiet minute.
    await sleep(IDLE_MS);
    const idle = procStat(pid);

    const heapSnapshot = options.heapSnapshot ? await takeHeapSnapshot(pid, diagDir, join(options.outDir, `heap-${slug}.heapsnapshot`), options.log) : undefined;
    const n = scale.users;
    return {
      ...scale,
      label,
      perUser: {
        rssBytes: fit.slope,
        heapBytes: (heap1.used - heap0.used) / n,
        bridgeCpuMs: (bridge1.cpuMs - bridge0.cpuMs) / n,
        homeserverCpuMs: (synapse1.cpuMs - synapse0.cpuMs) / n,
        homeserverRequests: requests.total / n,
      },
      joinLatencyMs: { p50: percentile(latencies, 50), p99: percentile(latencies, 99), max: Math.max(...latencies) },
      wholeRunMs,
      rssFitR2: fit.r2,
      bridge: {
        rssStartBytes: bridge0.rss,
        startSettled: { waitedMs: start.waitedMs, timedOut: start.timedOut },
        rssEndBytes: bridge1.rss,
        heapStartBytes: heap0.used,
        heapEndBytes: heap1.used,
        cpuMs: bridge1.cpuMs - bridge0.cpuMs,
        systemCpuMs: bridge1.systemMs - bridge0.systemMs,
        // Every user opened a portal: all of it, settled, is the portals'.
        portalsCpuMs: portalsCpuMs ?? bridge1.cpuMs - bridge0.cpuMs,
        idleCpuMsPerMinute: ((idle.cpuMs - bridge1.cpuMs) * 60000) / IDLE_MS,
        rssAfterIdleBytes: idle.rss,
        memoryStart: { rss: bridge0.rss, rssAnon: bridge0.rssAnon, heapUsed: heap0.used, heapTotal: heap0.total, external: heap0.external, heapYoung: heap0.young },
        memoryEnd: { rss: bridge1.rss, rssAnon: bridge1.rssAnon, heapUsed: heap1.used, heapTotal: heap1.total, external: heap1.external, heapYoung: heap1.young },
      },
      homeserver: { cpuMs: synapse1.cpuMs - synapse0.cpuMs, requests: requests.total, requestsByRoute: requests.byRoute },
      load: { before: load0, after: load1 },
      rssSamples: thin(samples, 300),
      ...(heapSnapshot === undefined ? {} : { heapSnapshot }),
      ...(heapSnapshotBase === undefined ? {} : { heapSnapshotBase }),
      ...(cpuProfileDir === undefined ? {} : { cpuProfileDir }),
    };
  } finally {
    await observer?.quit();
    await bridge.stop();
    // BENCH_LOG: where to keep the bridge's log lines of the scale (with BENCH_LOG_LEVEL, e.g. debug).
    if (process.env.BENCH_LOG !== undefined) writeFileSync(`${process.env.BENCH_LOG}.${slug}`, bridge.lines.join("\n") + "\n");
    rmSync(config.dir, { recursive: true, force: true });
  }
}

/** Has the bridge (started with --heapsnapshot-signal=SIGUSR2, working directory `diagDir`) write a heap snapshot, moved to `to`; undefined when none came. */
async function takeHeapSnapshot(pid: number, diagDir: string, to: string, log: (text: string) => void): Promise<string | undefined> {
  log(`writing a heap snapshot (${to})`);
  process.kill(pid, "SIGUSR2");
  const written = await finishedHeapSnapshot(diagDir);
  if (written === undefined) {
    log("no heap snapshot within 5 minutes");
    return undefined;
  }
  mkdirSync(dirname(to), { recursive: true });
  renameSync(written, to);
  return to;
}

/** At most `max` of `points`, evenly spaced, the last kept (the JSON stays small; the fit used them all). */
function thin(points: readonly (readonly [number, number])[], max: number): (readonly [number, number])[] {
  const step = Math.max(1, Math.ceil(points.length / max));
  const kept = points.filter((_, i) => i % step === 0);
  const last = points.at(-1);
  if (last !== undefined && kept.at(-1) !== last) kept.push(last);
  return kept;
}
