/**
 * A profiling harness for the cost of connected users (issue 14 item 2), not a test: starts the
 * `bench` bridge (with BRIDGE_NODE_FLAGS, e.g. --heapsnapshot-signal=SIGUSR2 --cpu-prof), lets N
 * Matrix users join one portal room (each gets an IRC connection), and prints the bridge's RSS and
 * CPU per user. With PROFILE_HEAP=1 it asks for a heap snapshot (SIGUSR2) before and after the joins.
 * Users are registered once and kept in PROFILE_USERS (default /tmp/joinProfile-users.json), since
 * Synapse's registration is the slowest step and is not the bridge's cost.
 *
 *   PROFILE_USERS_N=400 PROFILE_HEAP=1 BRIDGE_NODE_FLAGS=--heapsnapshot-signal=SIGUSR2 \
 *     flock /tmp/ircbridge-bench.lock node dist/scripts/joinProfile.js
 */
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { BridgeProcess } from "../test/e2e/support/bridgeProcess";
import { TestIrcClient, escape } from "../test/e2e/support/ircClient";
import { joinRoom, registerUser, uniqueName, type TestUser, puppetNick } from "../test/e2e/support/matrixClient";
import { localBridgeConfig } from "./lib/localConfig";
import { procStat } from "./lib/procStat";
import { bridges, testenv } from "./lib/testenv";

const N = Number(process.env.PROFILE_USERS_N ?? 400);
const USERS_FILE = process.env.PROFILE_USERS ?? "/tmp/joinProfile-users.json";
const HEAP = process.env.PROFILE_HEAP === "1";
const PARALLEL = Number(process.env.PROFILE_PARALLEL ?? 4);
const OUT = process.env.PROFILE_OUT ?? process.cwd();

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function users(n: number): Promise<TestUser[]> {
  const known: TestUser[] = existsSync(USERS_FILE) ? (JSON.parse(readFileSync(USERS_FILE, "utf8")) as TestUser[]) : [];
  while (known.length < n) {
    const batch = await Promise.all(Array.from({ length: Math.min(8, n - known.length) }, () => registerUser(uniqueName("jp").slice(0, 14))));
    known.push(...batch);
    writeFileSync(USERS_FILE, JSON.stringify(known));
  }
  return known.slice(0, n);
}

async function snapshot(pid: number, label: string): Promise<void> {
  const before = new Set(readdirSync(OUT).filter((f) => f.endsWith(".heapsnapshot")));
  process.kill(pid, "SIGUSR2");
  for (;;) {
    await sleep(500);
    const fresh = readdirSync(OUT).filter((f) => f.endsWith(".heapsnapshot") && !before.has(f));
    const file = fresh[0];
    if (file === undefined) continue;
    // Done when its size stops changing.
    const size = statSync(join(OUT, file)).size;
    await sleep(1500);
    if (statSync(join(OUT, file)).size !== size) continue;
    process.stdout.write(`heap snapshot ${label}: ${join(OUT, file)}\n`);
    return;
  }
}

async function main(): Promise<void> {
  const spec = bridges.bench;
  const all = await users(N + 1);
  const config = localBridgeConfig(spec, (doc) => {
    (doc.logging as Record<string, unknown>).level = "warn";
    // N + 1 users need N + 1 connections; at the sample's limit (1,000) the last user would be refused ("the bridge is full").
    const network = (doc.ircNetworks as Record<string, unknown>[])[0];
    if (network !== undefined) network.connections = { ...(network.connections as Record<string, unknown>), max: N + 10 };
  });
  const registration = join(testenv.appserviceDir, spec.registrationFile);
  const bridge = new BridgeProcess(["-c", config.path, "-f", registration, "-p", String(spec.port)]);
  const pid = bridge.pid;
  const channel = `#${uniqueName("jp")}`;
  try {
    await sleep(1500);
    const observer = await TestIrcClient.connect(testenv.ergo.host, testenv.ergo.port, uniqueName("obs").slice(0, 12));
    await observer.join(channel);
    const [first, ...rest] = all;
    if (first === undefined) throw new Error("no users");
    // The bridge may still be starting (Synapse answers 404 for an alias it could not ask about).
    let roomId: string | undefined;
    for (let tries = 0; roomId === undefined; tries++) {
      roomId = await joinRoom(first, `#bench_${channel}:${testenv.domain}`).catch((err: unknown) => {
        if (tries >= 30) throw err;
        return sleep(1000).then(() => undefined);
      });
    }
    const nickOf = (u: TestUser) => puppetNick(u);
    await observer.waitFor(new RegExp(`:${escape(nickOf(first))}!\\S+ JOIN`, "i"), 30000);
    await sleep(2000);
    if (HEAP) await snapshot(pid, "before");
    const before = procStat(pid);
    const t0 = Date.now();
    const from = observer.lines.length;
    let next = 0;
    await Promise.all(
      Array.from({ length: PARALLEL }, async () => {
        while (next < rest.length) {
          const user = rest[next++];
          if (user !== undefined) await joinRoom(user, roomId);
        }
      }),
    );
    const joined = () => new Set(observer.lines.slice(from).filter((l) => / JOIN /.test(l)).map((l) => l.slice(1, l.indexOf("!")).toLowerCase())).size;
    const until = Date.now() + 300000;
    // Also the cost at the moment the last JOIN was seen (a missing user otherwise adds minutes of idle pings).
    let lastCount = -1;
    let atLast = procStat(pid);
    while (joined() < rest.length && Date.now() < until) {
      await sleep(200);
      const count = joined();
      if (count !== lastCount) {
        lastCount = count;
        atLast = procStat(pid);
      }
    }
    process.stdout.write(`at the last join seen: ${lastCount} users, RSS ${((atLast.rss - before.rss) / lastCount / 1024).toFixed(1)} KiB, CPU ${((atLast.cpuMs - before.cpuMs) / lastCount).toFixed(2)} ms per user\n`);
    const elapsed = Date.now() - t0;
    await sleep(3000);
    const after = procStat(pid);
    const n = joined();
    process.stdout.write(
      `users joined ${n}/${rest.length} in ${(elapsed / 1000).toFixed(1)} s; RSS ${Math.round(before.rss / 1048576)} -> ${Math.round(after.rss / 1048576)} MiB; ` +
        `per user: RSS ${((after.rss - before.rss) / n / 1024).toFixed(1)} KiB, CPU ${((after.cpuMs - before.cpuMs) / n).toFixed(2)} ms\n`,
    );
    if (HEAP) await snapshot(pid, "after");
    await observer.quit();
  } finally {
    await bridge.stop();
    rmSync(config.dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`joinProfile failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
