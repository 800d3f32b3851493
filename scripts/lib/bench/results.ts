import type { Scale } from "./scales";

/**
 * The JSON a bench run writes (bench-results/<date>.json, docs/bench/before.json). `version` changes
 * when a field changes meaning; readers refuse other versions rather than compare unlike figures.
 */
export const RESULTS_VERSION = 1;

/** Bytes: RSS (all, anonymous), the V8 heap (used, reserved) and memory JS objects hold outside it. */
export interface MemoryFigures {
  readonly rss: number;
  readonly rssAnon: number;
  readonly heapUsed: number;
  readonly heapTotal: number;
  readonly external: number;
  /** Of heapTotal, V8's young generation (runs before 2026-12-05 lack it). */
  readonly heapYoung?: number;
}

export interface ScaleResult extends Scale {
  readonly label: string;
  /** Per connected user (each joined user has one IRC connection). */
  readonly perUser: {
    /** Bridge RSS growth: least-squares slope of RSS over users joined, sampled during the joins. */
    readonly rssBytes: number;
    /** Bridge V8 heap used (end - start) / users, from its /metrics; NaN when not served. */
    readonly heapBytes: number;
    /** Bridge CPU (utime + stime) from the first join until it settled, / users. */
    readonly bridgeCpuMs: number;
    /** Homeserver (Synapse) CPU over the same span, / users; it includes the test clients' joins. */
    readonly homeserverCpuMs: number;
    /** Requests the bridge made to the homeserver over the same span, / users. */
    readonly homeserverRequests: number;
  };
  readonly joinLatencyMs: { readonly p50: number; readonly p99: number; readonly max: number };
  /** First Matrix join sent -> last puppet JOIN seen on IRC. */
  readonly wholeRunMs: number;
  readonly rssFitR2: number;
  readonly bridge: {
    /** RSS before the joins, read once it held still (startSettled; runs before 2026-12-05 evening read it 2 s after the bot was in its channels, before V8 let go of the start-up garbage). */
    readonly rssStartBytes: number;
    /** How long the bench waited for the bridge's RSS to hold still before the joins, and whether the time limit ended the wait. */
    readonly startSettled?: { readonly waitedMs: number; readonly timedOut: boolean };
    readonly rssEndBytes: number;
    readonly heapStartBytes: number;
    readonly heapEndBytes: number;
    readonly cpuMs: number;
    /** Of cpuMs, the time spent in the kernel (stime). */
    readonly systemCpuMs?: number;
    /**
     * Of cpuMs, what the first `channels` users took until the last of their puppets' JOINs was
     * seen: each opens its channel's portal (user i joins channel i mod channels), so this is a
     * portal's cost with its first user, with what the bridge spends meanwhile on the users already
     * connected (keepalives, timers) while the bot paces its look into each channel; all of cpuMs
     * when every user opened one (runs before 2026-12-05 afternoon lack it).
     */
    readonly portalsCpuMs?: number;
    /** CPU a quiet minute costs once every user is connected (BENCH_IDLE_MS measured, scaled to a minute). */
    readonly idleCpuMsPerMinute?: number;
    /** RSS at the end of that quiet minute (garbage of the joins collected or not, V8 decides). */
    readonly rssAfterIdleBytes?: number;
    /** Where the memory is, before the joins and once settled (runs before 2026-12-03 evening lack them). */
    readonly memoryStart?: MemoryFigures;
    readonly memoryEnd?: MemoryFigures;
  };
  readonly homeserver: { readonly cpuMs: number; readonly requests: number; readonly requestsByRoute: Record<string, number> };
  /** 1-minute load average (uptime) before and after the joins. */
  readonly load: { readonly before: number; readonly after: number };
  /** [users joined, RSS bytes], as sampled. */
  readonly rssSamples: readonly (readonly [number, number])[];
  /** With BENCH_HEAP_SNAPSHOT=1: the bridge's heap at the end, and before the joins. */
  readonly heapSnapshot?: string;
  readonly heapSnapshotBase?: string;
  readonly cpuProfileDir?: string;
}

export interface BenchResults {
  readonly version: number;
  /** A name for the run in tables and charts (BENCH_LABEL, else the git commit). */
  readonly label: string;
  readonly commit: string;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly host: { readonly cpus: number; readonly node: string };
  readonly scales: readonly ScaleResult[];
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** Reads a results file's JSON; throws naming what is missing when it is not a version-1 bench result. */
export function parseResults(text: string, source: string): BenchResults {
  const doc: unknown = JSON.parse(text);
  if (!isRecord(doc)) throw new Error(`${source}: not a JSON object`);
  if (doc.version !== RESULTS_VERSION) throw new Error(`${source}: version ${String(doc.version)}, expected ${RESULTS_VERSION}`);
  if (typeof doc.label !== "string") throw new Error(`${source}: no label`);
  if (!Array.isArray(doc.scales)) throw new Error(`${source}: no scales`);
  for (const [i, s] of doc.scales.entries()) {
    if (!isRecord(s) || typeof s.users !== "number" || typeof s.channels !== "number" || !isRecord(s.perUser)) {
      throw new Error(`${source}: scales[${i}] lacks users, channels or perUser`);
    }
    for (const key of PER_USER_KEYS) {
      // JSON has no NaN: a figure not measured is written as null and read back as NaN.
      if (s.perUser[key] === null || (key === "heapBytes" && s.perUser[key] === undefined)) s.perUser[key] = NaN;
      if (typeof s.perUser[key] !== "number") throw new Error(`${source}: scales[${i}].perUser.${key} is not a number`);
    }
  }
  if (!isBenchResults(doc)) throw new Error(`${source}: not a bench result`);
  return doc;
}

const PER_USER_KEYS = ["rssBytes", "heapBytes", "bridgeCpuMs", "homeserverCpuMs", "homeserverRequests"] as const;

function isBenchResults(doc: Record<string, unknown>): doc is Record<string, unknown> & BenchResults {
  return typeof doc.label === "string" && Array.isArray(doc.scales);
}
