/**
 * `npm run bench:access`: what the access gate costs on the join path, and the memory of the
 * access lists' and the connection limits' state at 1,000 users. In process, no servers: the check
 * is synchronous and does no I/O, so what it adds to Matrix join -> puppet JOIN is its CPU time.
 * A script, not a timed test: numbers vary with the machine; nothing here passes or fails.
 *
 * - µs per AccessPolicy.check (an allowed user: the path that runs every list) and per refusal, for
 *   empty lists, 100 config globs, 1,000 ban rules (ids; globs ending in text), all of it together,
 *   and the worst case (1,000 globs ending in a wildcard); then PuppetRegistry.ensure for a
 *   connected user (the check included);
 * - heap delta: the policy with 100 globs and 1,000 rules; the limits' per-user state (activity
 *   times) for 1,000 users; 1,000 connections as the registry holds them (no sockets), for scale.
 */
import { ConfiguredAccess, type AccessLists, type BanSource } from "../src/access/accessPolicy";
import { RuleBook } from "../src/access/ruleBook";
import { parseConfig } from "../src/config/load";
import { ConnectScheduler } from "../src/irc/connectScheduler";
import { buildNetworkContext } from "../src/irc/networkContext";
import { systemClock } from "../src/irc/pacedQueue";
import { createLogger } from "../src/observability/logger";
import { PuppetRegistry } from "../src/puppets/puppetRegistry";
import { openNedbStore } from "../src/store/nedbStore";

const ITERATIONS = Number(process.env.BENCH_ITERATIONS ?? 200000);
const USERS = 1000;

const gc = (): void => {
  const collect = (globalThis as { gc?: () => void }).gc;
  if (collect === undefined) throw new Error("run with node --expose-gc (npm run bench:access does)");
  collect();
  collect();
};

/** Heap growth of what `build` returns (kept alive); the median of `runs` tries, against GC noise. */
function heapDelta<T>(build: () => T, runs = 1): { readonly bytes: number; readonly kept: T[] } {
  const kept: T[] = [];
  const deltas: number[] = [];
  for (let i = 0; i < runs; i++) {
    gc();
    const before = process.memoryUsage().heapUsed;
    kept.push(build());
    gc();
    deltas.push(process.memoryUsage().heapUsed - before);
  }
  deltas.sort((a, b) => a - b);
  return { bytes: deltas[Math.floor(deltas.length / 2)] ?? NaN, kept };
}

const lists = (extra: Partial<AccessLists> = {}): AccessLists => ({ allowedUsers: [], deniedUsers: [], allowedServers: [], deniedServers: [], excludedUsers: [], ...extra });

/** 100 globs, as an operator's lists might hold: half user globs, half server globs. */
const GLOBS = {
  deniedUsers: Array.from({ length: 50 }, (_, i) => `@*:abuse${i}.example`),
  deniedServers: Array.from({ length: 50 }, (_, i) => `*.abuse${i}.example`),
};

/**
 * A list's rules. "ids": 900 user ids and 100 server names, as published lists mostly are;
 * "tailed": 1,000 globs ending in text (`@spam*:host`, `*.host`); "open": 1,000 globs ending in a
 * wildcard (`@*spam*`), the worst case (each is tested).
 */
function book(rules: number, shape: "ids" | "tailed" | "open"): RuleBook {
  const out = new RuleBook();
  for (let i = 0; i < rules; i++) {
    const server = i % 10 === 9;
    const entity =
      shape === "open" ? `@*banned${i}*` : shape === "tailed" ? (server ? `*.spam${i}.example` : `@banned${i}*:spam${i % 37}.example`) : server ? `spam${i}.example` : `@banned${i}:spam${i % 37}.example`;
    out.set(`slot${i}`, { list: "!list:example.org", kind: server && shape !== "open" ? "server" : "user", entity, reason: "spam" }, `$e${i}`);
  }
  return out;
}

const source = (rules: RuleBook): BanSource => ({ match: (u) => rules.match(u), listName: (id) => id });

/** µs per call, over ITERATIONS calls spread across 1,000 user ids. */
function perCall(fn: (userId: string) => unknown, users: readonly string[]): number {
  for (let i = 0; i < 20000; i++) fn(users[i % users.length] ?? "");
  const start = process.hrtime.bigint();
  for (let i = 0; i < ITERATIONS; i++) fn(users[i % users.length] ?? "");
  return Number(process.hrtime.bigint() - start) / 1000 / ITERATIONS;
}

async function main(): Promise<void> {
  const allowed = Array.from({ length: USERS }, (_, i) => `@user${i}:matrix${i % 50}.example.org`);
  const refusedUsers = Array.from({ length: USERS }, (_, i) => `@banned${i}:spam${i % 37}.example`);
  // Memory first, on a quiet heap.
  const policyHeap = heapDelta(() => new ConfiguredAccess(lists(GLOBS), source(book(1000, "ids"))), 5);
  const activity = heapDelta(() => {
    const times = new Map<string, number>();
    for (const u of allowed) times.set(u, Date.now());
    return times;
  }, 5);
  const empty = new RuleBook();
  const cases: [string, ConfiguredAccess][] = [
    ["no lists", new ConfiguredAccess(lists(), source(empty))],
    ["100 config globs", new ConfiguredAccess(lists(GLOBS), source(empty))],
    ["1,000 ban rules (ids)", new ConfiguredAccess(lists(), source(book(1000, "ids")))],
    ["1,000 ban rules (globs ending in text)", new ConfiguredAccess(lists(), source(book(1000, "tailed")))],
    ["100 globs + 10 regexes + 1,000 rules", new ConfiguredAccess(lists({ ...GLOBS, allowedServers: Array.from({ length: 10 }, (_, i) => `/^matrix${i}[0-9]*\\.example\\.org$/`) }), source(book(1000, "ids")))],
    ["worst: 1,000 globs ending in *", new ConfiguredAccess(lists(), source(book(1000, "open")))],
  ];
  const rows: string[][] = [["check", "allowed user, µs", "banned user, µs"]];
  for (const [name, policy] of cases) {
    rows.push([name, perCall((u) => policy.check(u), allowed).toFixed(3), perCall((u) => policy.check(u), refusedUsers).toFixed(3)]);
  }

  // ensure() of a connected user: the check, then the map lookup (what a message or join costs).
  const config = parseConfig(`homeserver: { url: "http://hs.invalid", domain: example.org }\nircNetworks:\n  - { id: bench, name: Bench, address: irc.invalid }\n`, "bench.yaml");
  const network = buildNetworkContext(config.ircNetworks[0] ?? process.exit(1), "example.org");
  const store = await openNedbStore(undefined);
  const log = createLogger({ level: "error", file: undefined });
  log.silent = true;
  const clock = systemClock;
  const everything = cases[4]?.[1] ?? process.exit(1);
  const registry = new PuppetRegistry({
    network,
    store: store.puppets,
    identity: () => new Promise(() => undefined),
    attach: () => undefined,
    clock,
    log,
    gate: new ConnectScheduler(network.connect, { onTrip: () => undefined, onRecovered: () => undefined }, clock),
    dropped: () => undefined,
    access: everything,
  });
  const connections = heapDelta(() => allowed.map((u) => registry.ensure(u)));
  rows.push(["ensure(), connected user, all lists", perCall((u) => registry.ensure(u), allowed).toFixed(3), perCall((u) => registry.ensure(u), refusedUsers).toFixed(3)]);

  const memory: string[][] = [
    ["state", "heap", "per user"],
    ["access policy: 100 globs + 1,000 ban rules", kb(policyHeap.bytes), "-"],
    [`limits: activity times of ${USERS} users`, kb(activity.bytes), `${Math.round(activity.bytes / USERS)} B`],
    [`${USERS} connections held by the registry (no sockets)`, kb(connections.bytes), `${(connections.bytes / USERS / 1024).toFixed(1)} KB`],
  ];
  void registry.closeAll("bench over");
  print(rows);
  console.log("");
  print(memory);
  console.log(`\n${ITERATIONS} checks per row, over ${USERS} user ids; Node ${process.version}. Kept alive: ${[policyHeap.kept, activity.kept, connections.kept].length} sets.`);
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(0)} KB`;

function print(rows: readonly (readonly string[])[]): void {
  const widths = (rows[0] ?? []).map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length)));
  for (const [n, row] of rows.entries()) {
    console.log(row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join("  "));
    if (n === 0) console.log(widths.map((w) => "-".repeat(w)).join("  "));
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
