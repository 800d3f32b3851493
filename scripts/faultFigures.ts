/**
 * `npm run figures:faults`: the fault figures of the bridge on the local environment (Synapse,
 * Ergo, InspIRCd), printed as a table. A script, not a timed test: nothing here passes or fails.
 *
 * For each fault: how long until the bridge had recovered, how many messages were lost or
 * duplicated (each direction), the deepest queue seen, and for the 200-puppet storm the bridge's
 * peak memory. Each scenario is the e2e story of the same name, run with measurements instead of
 * assertions.
 */
import { bridges, testenv } from "./lib/testenv";
import type { Doc } from "./lib/localConfig";
import { procStat } from "./lib/procStat";
import { TestIrcClient, escape } from "../test/e2e/support/ircClient";
import { RunningBridge } from "../test/e2e/support/localBridge";
import { sendText, uniqueName } from "../test/e2e/support/matrixClient";
import { PortalScene } from "../test/e2e/support/portalScene";
import { metric, seedPuppets } from "../test/e2e/support/seedPuppets";
import { testenvCommand } from "../test/e2e/support/testenvControl";

interface Row {
  readonly fault: string;
  readonly recovery: string;
  readonly lost: string;
  readonly duplicated: string;
  readonly peakQueue: string;
  readonly notes: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Lost and duplicated, comparing what arrived with what was sent. */
function tally(sent: readonly string[], got: readonly string[]): { lost: number; dup: number; ordered: boolean } {
  const unique = [...new Set(got)];
  return { lost: sent.filter((s) => !got.includes(s)).length, dup: got.length - unique.length, ordered: unique.join() === sent.filter((s) => unique.includes(s)).join() };
}

/** Polls until `done` or the timeout; returns the ms it took (or the timeout). */
async function until(done: () => Promise<boolean> | boolean, timeoutMs: number): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    if (await done()) return Date.now() - started;
    await sleep(100);
  }
  return timeoutMs;
}

/** Samples a gauge of the bridge every 100 ms until stopped; returns the peak. */
function sampler(read: () => Promise<number>): { stop(): Promise<number> } {
  let peak = 0;
  const state = { running: true };
  const loop = (async () => {
    while (state.running) {
      peak = Math.max(peak, await read().catch(() => 0));
      await sleep(100);
    }
  })();
  return {
    stop: async () => {
      state.running = false;
      await loop;
      return peak;
    },
  };
}

function mxSeen(scene: PortalScene, from: number, prefix: string): string[] {
  const re = new RegExp(` PRIVMSG \\S+ :(${escape(prefix)}\\d+)$`);
  return scene.talker.lines.slice(from).map((l) => re.exec(l)?.[1]).filter((t): t is string => t !== undefined);
}

async function homeserverOutage(scene: PortalScene): Promise<Row> {
  const port = bridges.sample.metricsPort;
  testenvCommand("stop", "synapse");
  const peak = sampler(() => metric(port, "ircbridge_pending_matrix_sends"));
  const sent: string[] = [];
  const stoppedAt = Date.now();
  for (let k = 0; Date.now() - stoppedAt < 10000; k++) {
    sent.push(`fo-hs-${k}`);
    scene.talker.say(scene.channel, `fo-hs-${k}`);
    await sleep(250);
  }
  testenvCommand("start", "synapse");
  const back = Date.now();
  let got: string[] = [];
  const took = await until(async () => (got = await scene.bodies("fo-hs-")).length >= sent.length, 120000);
  await sleep(2000);
  got = await scene.bodies("fo-hs-");
  const t = tally(sent, got);
  return {
    fault: `Synapse stopped 10 s, ${sent.length} IRC messages meanwhile`,
    recovery: `${took} ms after Synapse was back (${Date.now() - back - 2000} ms)`,
    lost: `${t.lost} IRC->Matrix`,
    duplicated: `${t.dup}`,
    peakQueue: `${await peak.stop()} pending sends`,
    notes: t.ordered ? "in order" : "OUT OF ORDER",
  };
}

async function ergoRestart(scene: PortalScene, bridge: RunningBridge): Promise<Row> {
  testenvCommand("restart", "ergo");
  const restartedAt = Date.now();
  scene.talker = await TestIrcClient.connect(bridge.irc.host, bridge.irc.port, scene.talker.nick);
  const from = 0; // a new connection: its own lines
  await scene.talker.join(scene.channel);
  await sendText(scene.alice, scene.roomId, "fo-er-mx-0");
  const irc = ["fo-er-0", "fo-er-1", "fo-er-2"];
  for (const text of irc) scene.talker.say(scene.channel, text);
  const nick = scene.nick.toLowerCase();
  await until(async () => (await scene.talker.names(scene.channel)).some((n) => n.toLowerCase() === nick), 30000);
  const backIn = Date.now() - restartedAt;
  await until(() => mxSeen(scene, from, "fo-er-mx-").length >= 1, 30000);
  await until(async () => (await scene.bodies("fo-er-")).length >= 3, 30000);
  await sleep(2000);
  const t = tally(irc, await scene.bodies("fo-er-"));
  const m = tally(["fo-er-mx-0"], mxSeen(scene, from, "fo-er-mx-"));
  return {
    fault: "Ergo restarted under traffic both ways (1 puppet)",
    recovery: `puppet back in the channel ${backIn} ms after Ergo was up`,
    lost: `${t.lost} IRC->Matrix, ${m.lost} Matrix->IRC`,
    duplicated: `${t.dup} / ${m.dup}`,
    peakQueue: "-",
    notes: "gap filled from chathistory",
  };
}

async function sigkill(scene: PortalScene, bridge: RunningBridge): Promise<Row> {
  const from = scene.talker.lines.length;
  const mx = Array.from({ length: 20 }, (_, i) => `fo-k-mx-${i}`);
  const irc = Array.from({ length: 10 }, (_, i) => `fo-k-irc-${i}`);
  for (const text of mx) await sendText(scene.alice, scene.roomId, text);
  for (const text of irc.slice(0, 5)) scene.talker.say(scene.channel, text);
  await scene.talker.waitFor(/PRIVMSG \S+ :fo-k-mx-5$/, 20000, from);
  await bridge.stop("SIGKILL");
  for (const text of irc.slice(5)) scene.talker.say(scene.channel, text);
  const killedAt = Date.now();
  await bridge.start();
  const took = await until(async () => mxSeen(scene, from, "fo-k-mx-").length >= 20 && (await scene.bodies("fo-k-irc-")).length >= 10, 90000);
  await sleep(2000);
  const t = tally(irc, await scene.bodies("fo-k-irc-"));
  const m = tally(mx, mxSeen(scene, from, "fo-k-mx-"));
  return {
    fault: "bridge killed (SIGKILL) mid-burst, 20 Matrix + 10 IRC messages",
    recovery: `all delivered ${Date.now() - killedAt - 2000} ms after the kill (${took} ms after restart)`,
    lost: `${t.lost} IRC->Matrix, ${m.lost} Matrix->IRC`,
    duplicated: `${t.dup} / ${m.dup}`,
    peakQueue: "-",
    notes: t.ordered && m.ordered ? "in order" : "OUT OF ORDER",
  };
}

async function journalWithoutHistory(): Promise<Row> {
  const bridge = new RunningBridge(bridges.insp);
  const scene = new PortalScene(bridge, `#${uniqueName("fj")}`);
  await scene.setUp();
  try {
    scene.talker.say(scene.channel, "fo-j-0");
    await until(async () => (await scene.bodies("fo-j-")).length === 1, 20000);
    testenvCommand("stop", "synapse");
    const sent = ["fo-j-0"];
    for (let k = 1; k <= 20; k++) {
      sent.push(`fo-j-${k}`);
      scene.talker.say(scene.channel, `fo-j-${k}`);
      await sleep(100);
    }
    await sleep(2000);
    const queued = await metric(bridges.insp.metricsPort, "ircbridge_pending_matrix_sends");
    await bridge.stop("SIGKILL");
    testenvCommand("start", "synapse");
    const restartedAt = Date.now();
    await bridge.start();
    await until(async () => (await scene.bodies("fo-j-")).length >= sent.length, 90000);
    const took = Date.now() - restartedAt;
    await sleep(2000);
    const t = tally(sent, await scene.bodies("fo-j-"));
    return {
      fault: "InspIRCd (no chathistory): Synapse down, 20 IRC messages, then bridge SIGKILL",
      recovery: `all delivered ${took} ms after the restart`,
      lost: `${t.lost} IRC->Matrix`,
      duplicated: `${t.dup}`,
      peakQueue: `${queued} journalled when killed`,
      notes: t.ordered ? "in order, from the bridge's journal" : "OUT OF ORDER",
    };
  } finally {
    await scene.tearDown();
  }
}

async function storm(): Promise<Row> {
  const bridge = new RunningBridge(bridges.sample);
  const channel = `#${uniqueName("fs")}`;
  const nicks = await seedPuppets(bridge.config.dir, "example", `fs${uniqueName("").slice(-4)}`, 200, channel);
  let watcher = await TestIrcClient.connect(bridge.irc.host, bridge.irc.port, uniqueName("w").slice(0, 12));
  await watcher.join(channel);
  const allIn = async () => {
    const present = new Set((await watcher.names(channel)).map((n) => n.toLowerCase()));
    return nicks.every((n) => present.has(n.toLowerCase()));
  };
  try {
    await bridge.start();
    const pid = bridge.process?.pid ?? 0;
    const idleRss = procStat(pid).rss;
    const first = await until(allIn, 60000);
    const connectedRss = procStat(pid).rss;
    const rss = sampler(() => Promise.resolve(procStat(pid).rss));
    testenvCommand("restart", "ergo");
    const restartedAt = Date.now();
    watcher = await TestIrcClient.connect(bridge.irc.host, bridge.irc.port, watcher.nick);
    await watcher.join(channel);
    await until(allIn, 60000);
    const back = Date.now() - restartedAt;
    const peakRss = await rss.stop();
    const trips = await metric(bridges.sample.metricsPort, "ircbridge_connect_breaker_trips_total");
    const throttled = await metric(bridges.sample.metricsPort, "ircbridge_irc_disconnects_total", { throttled: "true" });
    return {
      fault: "Ergo restarted with 200 puppets connected",
      recovery: `all 200 back in their channel ${back} ms after Ergo was up (first start: ${first} ms)`,
      lost: "-",
      duplicated: "-",
      peakQueue: `RSS ${mb(idleRss)} idle, ${mb(connectedRss)} connected, ${mb(peakRss)} peak in the storm`,
      notes: `${trips} breaker trips, ${throttled} throttled disconnects`,
    };
  } finally {
    await watcher.quit();
    await bridge.dispose();
  }
}

async function throttlingServer(): Promise<Row> {
  const bridge = new RunningBridge(bridges.insp, (doc: Doc) => {
    const network = (doc.ircNetworks as Doc[])[0] as Doc;
    network.port = testenv.inspircd2.port;
    network.connect = { perSecond: 200, burst: 50, concurrent: 50, jitterMs: 100, probeIntervalMs: 250, breakerMinSeconds: 2, breakerMaxSeconds: 8 };
  });
  const channel = `#${uniqueName("ft")}`;
  const nicks = await seedPuppets(bridge.config.dir, "insp", `ft${uniqueName("").slice(-4)}`, 40, channel);
  const watcher = await TestIrcClient.connect(testenv.inspircd.host, testenv.inspircd.port, uniqueName("w").slice(0, 12));
  await watcher.join(channel);
  try {
    await sleep(6000); // a throttle window left by an earlier run passes
    await bridge.start();
    const took = await until(async () => {
      const present = new Set((await watcher.names(channel)).map((n) => n.toLowerCase()));
      return nicks.every((n) => present.has(n.toLowerCase()));
    }, 120000);
    const trips = await metric(bridges.insp.metricsPort, "ircbridge_connect_breaker_trips_total");
    return {
      fault: "40 puppets at once against a server that throttles (>20 in 5 s refused for 5 s)",
      recovery: `all 40 in after ${took} ms`,
      lost: "-",
      duplicated: "-",
      peakQueue: "-",
      notes: `${trips} breaker trips, users told in their admin rooms`,
    };
  } finally {
    await watcher.quit();
    await bridge.dispose();
  }
}

const mb = (bytes: number) => `${(bytes / 1048576).toFixed(0)} MB`;

async function main(): Promise<void> {
  const rows: Row[] = [];
  const bridge = new RunningBridge(bridges.sample);
  const scene = new PortalScene(bridge, `#${uniqueName("fo")}`);
  await scene.setUp();
  try {
    rows.push(await homeserverOutage(scene));
    rows.push(await ergoRestart(scene, bridge));
    rows.push(await sigkill(scene, bridge));
  } finally {
    await scene.tearDown();
  }
  rows.push(await journalWithoutHistory());
  rows.push(await storm());
  rows.push(await throttlingServer());
  const header = ["fault", "recovery", "lost", "duplicated (IRC->Matrix / Matrix->IRC)", "queue / memory", "notes"];
  process.stdout.write(`\n| ${header.join(" | ")} |\n|${header.map(() => "---").join("|")}|\n`);
  for (const r of rows) process.stdout.write(`| ${[r.fault, r.recovery, r.lost, r.duplicated, r.peakQueue, r.notes].join(" | ")} |\n`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
