/**
 * `npm run bench:messages`: messages and latency on the local environment (Synapse + Ergo, the
 * `bench` bridge), printed as a table. A script, not a timed test: nothing here passes or fails.
 * Cost per user as users grow is `npm run bench` (scripts/bench.ts).
 *
 * - memory and CPU per puppet while BENCH_PUPPETS (200) Matrix users join one portal room (each gets
 *   an IRC connection), before and after divided by their number;
 * - Matrix join -> the puppet's JOIN on IRC (median of the 200);
 * - CPU seconds of the bridge per 1000 bridged messages, each direction;
 * - p50 / p99 latency IRC -> Matrix and Matrix -> IRC at a steady 4 messages per second.
 */
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import yaml from "js-yaml";
import { BridgeProcess } from "../test/e2e/support/bridgeProcess";
import { TestIrcClient, escape } from "../test/e2e/support/ircClient";
import { csApi, joinRoom, registerUser, sendText, uniqueName, type TestUser, puppetNick } from "../test/e2e/support/matrixClient";
import { localBridgeConfig } from "./lib/localConfig";
import { procStat } from "./lib/procStat";
import { bridges, testenv } from "./lib/testenv";
import { percentile } from "./lib/bench/stats";

const PUPPETS = Number(process.env.BENCH_PUPPETS ?? 200);
const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 1000);
const LATENCY_SAMPLES = Number(process.env.BENCH_LATENCY_SAMPLES ?? 100);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Follows a room through /sync and records when each message body first arrived. */
class RoomWatcher {
  readonly arrivals = new Map<string, number>();
  private stopped = false;
  constructor(
    private readonly user: TestUser,
    private readonly roomId: string,
  ) {}
  async start(): Promise<void> {
    let since = (await csApi<{ next_batch: string }>("GET", "/_matrix/client/v3/sync?timeout=0", this.user.token)).body.next_batch;
    void (async () => {
      while (!this.stopped) {
        const res = await csApi<{ next_batch: string; rooms?: { join?: Record<string, { timeline?: { events?: { content: { body?: unknown } }[] } }> } }>(
          "GET",
          `/_matrix/client/v3/sync?timeout=10000&since=${encodeURIComponent(since)}`,
          this.user.token,
        );
        const now = Date.now();
        since = res.body.next_batch;
        for (const event of res.body.rooms?.join?.[this.roomId]?.timeline?.events ?? []) {
          if (typeof event.content.body === "string" && !this.arrivals.has(event.content.body)) this.arrivals.set(event.content.body, now);
        }
      }
    })();
  }
  stop(): void {
    this.stopped = true;
  }
}

async function waitUntil(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

async function main(): Promise<void> {
  const spec = bridges.bench;
  const config = localBridgeConfig(spec, (doc) => {
    (doc.logging as Record<string, unknown>).level = "warn";
  });
  const registrationPath = join(testenv.appserviceDir, spec.registrationFile);
  yaml.load(readFileSync(registrationPath, "utf8"));
  const bridge = new BridgeProcess(["-c", config.path, "-f", registrationPath, "-p", String(spec.port)]);
  const pid = bridge.pid;
  const channel = `#${uniqueName("bench")}`;
  const rows: [string, string][] = [];
  try {
    await sleep(1500);
    const observer = await TestIrcClient.connect(testenv.ergo.host, testenv.ergo.port, uniqueName("obs").slice(0, 12));
    observer.raw("OPER admin testoper");
    await observer.waitFor(/ 381 /);
    await observer.join(channel);
    const first = await registerUser(uniqueName("bench"));
    const roomId = await joinRoom(first, `#${spec.name}_${channel}:${testenv.domain}`);
    const firstNick = puppetNick(first);
    await observer.waitFor(new RegExp(`:${escape(firstNick)}!\\S+ JOIN`, "i"), 20000);

    // Memory and CPU per puppet, and join -> JOIN latency.
    const users: TestUser[] = [];
    for (let i = 0; i < PUPPETS; i++) users.push(await registerUser(uniqueName(`b${i}`)));
    await sleep(2000);
    const before = procStat(pid);
    const joinLatency: number[] = [];
    for (const user of users) {
      const nick = puppetNick(user);
      const from = observer.lines.length;
      const t0 = Date.now();
      await joinRoom(user, roomId);
      await observer.waitFor(new RegExp(`:${escape(nick)}!\\S+ JOIN`, "i"), 30000, from);
      joinLatency.push(Date.now() - t0);
    }
    await sleep(3000);
    const after = procStat(pid);
    rows.push(["puppets connected", String(PUPPETS)]);
    rows.push(["memory per puppet (RSS delta / puppets)", `${Math.round((after.rss - before.rss) / PUPPETS)} bytes`]);
    rows.push(["CPU per puppet (join to connected)", `${((after.cpuMs - before.cpuMs) / PUPPETS).toFixed(2)} ms`]);
    rows.push(["Matrix join -> IRC JOIN, p50 / p99", `${percentile(joinLatency, 50)} / ${percentile(joinLatency, 99)} ms`]);

    const watcher = new RoomWatcher(first, roomId);
    await watcher.start();

    // CPU per 1000 messages IRC -> Matrix.
    let mark = procStat(pid);
    for (let k = 0; k < MESSAGES; k++) observer.say(channel, `i2m-${k}`);
    await waitUntil(() => watcher.arrivals.has(`i2m-${MESSAGES - 1}`), 300000, "IRC -> Matrix messages");
    let now = procStat(pid);
    rows.push([`CPU per 1000 messages IRC -> Matrix (${MESSAGES} sent)`, `${(((now.cpuMs - mark.cpuMs) / MESSAGES) * 1000 / 1000).toFixed(3)} s`]);

    // CPU per 1000 messages Matrix -> IRC, spread over the puppets (each is paced on its own).
    mark = procStat(pid);
    for (let k = 0; k < MESSAGES; k++) await sendText(users[k % users.length] ?? first, roomId, `m2i-${k}`);
    await observer.waitFor(new RegExp(`PRIVMSG \\S+ :m2i-${MESSAGES - 1}$`), 300000);
    now = procStat(pid);
    rows.push([`CPU per 1000 messages Matrix -> IRC (${MESSAGES} sent)`, `${(((now.cpuMs - mark.cpuMs) / MESSAGES) * 1000 / 1000).toFixed(3)} s`]);

    // Latency at a steady 4 messages per second, each direction.
    const ircToMatrix: number[] = [];
    const sentAt = new Map<string, number>();
    for (let k = 0; k < LATENCY_SAMPLES; k++) {
      const body = `lat-i-${k}`;
      sentAt.set(body, Date.now());
      observer.say(channel, body);
      await sleep(250);
    }
    await waitUntil(() => watcher.arrivals.has(`lat-i-${LATENCY_SAMPLES - 1}`), 60000, "latency samples");
    for (const [body, t] of sentAt) ircToMatrix.push((watcher.arrivals.get(body) ?? NaN) - t);
    const matrixToIrc: number[] = [];
    for (let k = 0; k < LATENCY_SAMPLES; k++) {
      const sender = users[k % users.length] ?? first;
      const from = observer.lines.length;
      const t0 = Date.now();
      void sendText(sender, roomId, `lat-m-${k}`);
      await observer.waitFor(new RegExp(`PRIVMSG \\S+ :lat-m-${k}$`), 20000, from);
      matrixToIrc.push(Date.now() - t0);
      await sleep(Math.max(0, 250 - (Date.now() - t0)));
    }
    watcher.stop();
    rows.push(["IRC -> Matrix latency at 4 msg/s, p50 / p99", `${percentile(ircToMatrix, 50)} / ${percentile(ircToMatrix, 99)} ms`]);
    rows.push(["Matrix -> IRC latency at 4 msg/s, p50 / p99", `${percentile(matrixToIrc, 50)} / ${percentile(matrixToIrc, 99)} ms`]);
    rows.push(["bridge RSS at the end", `${Math.round(procStat(pid).rss / 1048576)} MiB`]);
    await observer.quit();
  } finally {
    await bridge.stop();
    rmSync(config.dir, { recursive: true, force: true });
  }
  const width = Math.max(...rows.map(([k]) => k.length));
  process.stdout.write(`\nBenchmark (Synapse + Ergo on this machine, ${new Date().toISOString()})\n`);
  for (const [k, v] of rows) process.stdout.write(`  ${k.padEnd(width)}  ${v}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
  process.exit(1);
});
