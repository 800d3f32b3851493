/**
 * Reconnect storms (real servers): 200 puppets come back within 10 s of an IRC server restart
 * without a single throttle error; against a server that throttles connections (insp2.test: more
 * than 20 in 5 s are refused for 5 s) the connect circuit breaker trips, is reported, and everyone
 * still gets in; with the scheduler at a strict rate the same server never throttles at all.
 */
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { bridges, testenv } from "../../scripts/lib/testenv";
import type { Doc } from "../../scripts/lib/localConfig";
import { TestIrcClient } from "./support/ircClient";
import { RunningBridge } from "./support/localBridge";
import { eventually, uniqueName } from "./support/matrixClient";
import { metric, seedPuppets } from "./support/seedPuppets";
import { testenvCommand } from "./support/testenvControl";

/** Waits until every one of `nicks` is in the channel; returns how long that took. */
async function allIn(client: TestIrcClient, channel: string, nicks: readonly string[], timeoutMs: number): Promise<number> {
  const started = Date.now();
  const wanted = nicks.map((n) => n.toLowerCase());
  let missing: string[] = [];
  await eventually(async () => {
    const present = new Set((await client.names(channel)).map((n) => n.toLowerCase()));
    missing = wanted.filter((n) => !present.has(n));
    return missing.length === 0;
  }, timeoutMs, `every puppet in ${channel}`).catch((err: unknown) => {
    throw new Error(`${String(err)}; ${missing.length} missing, e.g. ${missing.slice(0, 5).join(", ")}`);
  });
  return Date.now() - started;
}

function onInsp2(connect: Doc): (doc: Doc) => void {
  return (doc) => {
    const network = (doc.ircNetworks as Doc[])[0] as Doc;
    network.port = testenv.inspircd2.port;
    network.connect = connect;
  };
}

describe("connect storms", () => {
  const running: RunningBridge[] = [];
  const watchers: TestIrcClient[] = [];
  /** A plain IRC client that watches a channel; quit in after() even when a story fails. */
  const watch = async (host: string, port: number, channel: string, nick = uniqueName("w").slice(0, 12)) => {
    const client = await TestIrcClient.connect(host, port, nick);
    watchers.push(client);
    await client.join(channel);
    return client;
  };
  after(async () => {
    for (const client of watchers) await client.quit();
    for (const bridge of running) await bridge.dispose();
  });

  it("Ergo restarted with 200 puppets connected: all back in their channel within 10 s, no throttle errors", async () => {
    const bridge = new RunningBridge(bridges.sample);
    running.push(bridge);
    const channel = `#${uniqueName("storm")}`;
    const nicks = await seedPuppets(bridge.config.dir, "example", `st${uniqueName("").slice(-4)}`, 200, channel);
    let watcher = await watch(bridge.irc.host, bridge.irc.port, channel);
    await bridge.start();
    const firstConnect = await allIn(watcher, channel, nicks, 60000);
    testenvCommand("restart", "ergo");
    const restartedAt = Date.now();
    watcher = await watch(bridge.irc.host, bridge.irc.port, channel, watcher.nick);
    await allIn(watcher, channel, nicks, 30000);
    const back = Date.now() - restartedAt;
    process.stderr.write(`  (200 puppets: first start ${firstConnect} ms; back after the Ergo restart in ${back} ms)\n`);
    assert.ok(back <= 10000, `all 200 back in ${back} ms`);
    const port = bridges.sample.metricsPort;
    assert.equal(await metric(port, "ircbridge_connect_breaker_trips_total"), 0, "no throttle errors");
    assert.equal(await metric(port, "ircbridge_irc_disconnects_total", { throttled: "true" }), 0);
    assert.equal(await metric(port, "ircbridge_irc_connections_registered"), 200);
    await watcher.quit();
    await bridge.dispose();
  });

  it("a server that throttles: the breaker trips, users are told, and every puppet still gets in", async () => {
    const bridge = new RunningBridge(
      bridges.insp,
      onInsp2({ perSecond: 200, burst: 50, concurrent: 50, jitterMs: 100, probeIntervalMs: 250, breakerMinSeconds: 2, breakerMaxSeconds: 8 }),
    );
    running.push(bridge);
    const channel = `#${uniqueName("thr")}`;
    const nicks = await seedPuppets(bridge.config.dir, "insp", `th${uniqueName("").slice(-4)}`, 40, channel);
    // Watch from insp1 (linked, not throttled).
    const watcher = await watch(testenv.inspircd.host, testenv.inspircd.port, channel);
    await bridge.start();
    const took = await allIn(watcher, channel, nicks, 90000);
    const port = bridges.insp.metricsPort;
    const trips = await metric(port, "ircbridge_connect_breaker_trips_total");
    process.stderr.write(`  (40 puppets against a throttling server: all in after ${took} ms, ${trips} breaker trip(s))\n`);
    assert.ok(trips >= 1, "the breaker tripped");
    const log = bridge.process?.lines.join("\n") ?? "";
    assert.match(log, /the IRC server refused connections; backing the network off.*Throttled: too many connections/);
    assert.match(log, /refused new connections from the bridge \(.*Throttled.*\)\. Yours will be retried in \d+ s/, "the waiting users are told why");
    assert.equal(await metric(port, "ircbridge_irc_connections_registered"), 40);
    await watcher.quit();
    await bridge.dispose();
  });

  it("the same server with the scheduler at a strict rate: no throttle at all", async () => {
    // Let the previous story's throttle pass: InspIRCd keeps refusing for up to period + timeout
    // (5 + 5 s, counted in whole seconds) after its last trigger.
    await new Promise((r) => setTimeout(r, 12000));
    const bridge = new RunningBridge(
      bridges.insp,
      // Under insp2's limit of 20 per window, which lasts up to 6 s as InspIRCd counts whole seconds.
      onInsp2({ perSecond: 2, burst: 2, concurrent: 5, jitterMs: 0, probeIntervalMs: 250, breakerMinSeconds: 2, breakerMaxSeconds: 8 }),
    );
    running.push(bridge);
    const channel = `#${uniqueName("slow")}`;
    const nicks = await seedPuppets(bridge.config.dir, "insp", `sl${uniqueName("").slice(-4)}`, 24, channel);
    const watcher = await watch(testenv.inspircd.host, testenv.inspircd.port, channel);
    await bridge.start();
    const took = await allIn(watcher, channel, nicks, 60000);
    process.stderr.write(`  (24 puppets at 2 connections/s: all in after ${took} ms)\n`);
    assert.equal(await metric(bridges.insp.metricsPort, "ircbridge_connect_breaker_trips_total"), 0);
    assert.equal(await metric(bridges.insp.metricsPort, "ircbridge_irc_disconnects_total", { throttled: "true" }), 0);
    await watcher.quit();
    await bridge.dispose();
  });
});
