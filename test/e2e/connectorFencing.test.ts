/**
 * A connection process (src/pool/connector.ts) on the test environment's real Redis, dialing a
 * local TCP server that plays the IRC server: when its lease is gone (a Redis outage longer than the
 * lease: the bridge then judges it dead and connects its users elsewhere), it fences itself off and
 * QUITs what it holds, so no user is on IRC twice; while its lease lives, it closes nothing.
 * Each run uses a prefix of its own; the shared Redis is never flushed.
 */
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { randomBytes } from "node:crypto";
import { createServer, type Server, type Socket } from "node:net";
import { Redis } from "ioredis";
import winston from "winston";
import { testenv } from "../../scripts/lib/testenv";
import { BridgeLink } from "../../src/pool/bridgeLink";
import { Connector } from "../../src/pool/connector";
import { encodeOpen, streamNames, type OpenRequest } from "../../src/pool/protocol";
import { eventually } from "./support/matrixClient";

const log = winston.createLogger({ silent: true });

interface FakeIrc {
  readonly server: Server;
  readonly port: number;
  readonly sockets: { socket: Socket; got: string[]; closed: boolean }[];
}

async function fakeIrc(): Promise<FakeIrc> {
  const sockets: FakeIrc["sockets"] = [];
  const server = createServer((socket) => {
    const s = { socket, got: [] as string[], closed: false };
    sockets.push(s);
    let buf = "";
    socket.on("data", (d) => {
      buf += d.toString("utf8");
      const lines = buf.split("\r\n");
      buf = lines.pop() ?? "";
      s.got.push(...lines);
    });
    socket.on("close", () => (s.closed = true));
    socket.on("error", () => undefined);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("no port");
  return { server, port: address.port, sockets };
}

describe("a connection process whose lease was lost", () => {
  const prefix = `e2e-fence-${randomBytes(4).toString("hex")}`;
  const names = streamNames(prefix);
  const redis = new Redis(testenv.redisUrl);
  const connectors: Connector[] = [];
  let irc: FakeIrc | undefined;

  const connector = (owner: string) => {
    if (irc === undefined) throw new Error("no server");
    const port = irc.port;
    const c = new Connector({
      redisUrl: testenv.redisUrl,
      prefix,
      owner,
      leaseMs: 1500,
      openTimeoutMs: 60000,
      dial: () => ({ endpoint: { host: "127.0.0.1", port, tls: false, family: undefined }, tlsConnect: undefined, localAddress: undefined, decodeLine: (b) => b.toString("utf8"), idleTimeoutMs: 600000 }),
      keepAliveMs: 600000,
      log,
    });
    connectors.push(c);
    return c;
  };
  const request = (connection: string, session: string): OpenRequest => ({ connection, session, network: "net", host: "127.0.0.1", port: irc?.port ?? 0, tls: false, family: undefined, localAddress: undefined, certificate: undefined, at: Date.now() });

  after(async () => {
    for (const c of connectors) await c.stop("test over").catch(() => undefined);
    irc?.server.close();
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  });

  it("keeps its connection while the lease lives, and QUITs it once the lease was lost", async () => {
    irc = await fakeIrc();
    const one = connector("one");
    await one.start();
    await redis.xadd(names.open, "*", ...encodeOpen(request("net/@alice:x", "s1")));
    const held = await eventually(() => irc?.sockets[0], 10000, "the connection dialed");
    assert.equal(await redis.hget(names.owners, "net/@alice:x"), "one");
    // Control: three lease periods with the lease alive close nothing.
    await new Promise((r) => setTimeout(r, 4500));
    assert.equal(held.closed, false);
    assert.equal(one.size, 1);
    // A Redis outage longer than the lease: the lease is gone when Redis is back.
    await redis.del(names.alive("one"));
    await eventually(() => held.closed, 10000, "the connection closed by the fenced process");
    assert.equal(one.size, 0);
    assert.equal(await redis.hget(names.owners, "net/@alice:x"), null);
  });

  it("dials a connection once when two connection processes take open requests for it at the same time", async () => {
    if (irc === undefined) throw new Error("no server");
    const before = irc.sockets.length;
    const two = connector("two");
    const three = connector("three");
    await two.start();
    await three.start();
    await redis.xadd(names.open, "*", ...encodeOpen(request("net/@bob:x", "s1")));
    await redis.xadd(names.open, "*", ...encodeOpen(request("net/@bob:x", "s2")));
    await eventually(async () => (await redis.hget(names.owners, "net/@bob:x")) ?? undefined, 10000, "an owner");
    // Positive control: a marker connection after the two, dialed once too.
    await redis.xadd(names.open, "*", ...encodeOpen(request("net/@marker:x", "m1")));
    await eventually(async () => (await redis.hget(names.owners, "net/@marker:x")) ?? undefined, 10000, "the marker's owner");
    await eventually(() => irc !== undefined && irc.sockets.length - before >= 2 ? true : undefined, 10000, "both dialed");
    await new Promise((r) => setTimeout(r, 500));
    const open = irc.sockets.slice(before).filter((s) => !s.closed).length;
    assert.equal(connectors.reduce((n, c) => n + c.size, 0), 2, "one held connection each for bob and the marker");
    assert.equal(open, 2);
  });

  it("ages a request by Redis's clock, not the bridge's, and reports closed what an earlier run of its name held", async () => {
    if (irc === undefined) throw new Error("no server");
    await redis.hset(names.owners, "net/@zed:x", "four");
    const four = connector("four");
    await four.start();
    const closed = await eventually(async () => {
      const entries = await redis.xrange(names.inbound, "-", "+");
      return entries.find(([, f]) => f[1] === "close" && f.includes("net/@zed:x"));
    }, 10000, "the earlier run's connection reported closed");
    assert.ok(closed[1].includes("four"));
    assert.equal(await redis.hget(names.owners, "net/@zed:x"), null);
    // A bridge whose clock is ten minutes behind: its request is fresh all the same.
    const before = irc.sockets.length;
    await redis.xadd(names.open, "*", ...encodeOpen({ ...request("net/@skew:x", "k1"), at: Date.now() - 600000 }));
    await eventually(() => irc !== undefined && irc.sockets.length > before, 10000, "the request of a bridge with a slow clock dialed");
  });

  it("reads open requests made before it started (a bridge started first), and again after Redis lost its streams", async () => {
    if (irc === undefined) throw new Error("no server");
    for (const c of connectors) await c.stop("next test");
    connectors.length = 0;
    const early = `${prefix}-early`;
    const earlyNames = streamNames(early);
    const link = new BridgeLink({ redisUrl: testenv.redisUrl, prefix: early, openTimeoutMs: 60000, leaseMs: 1500, log });
    await link.start();
    await link.stop();
    const before = irc.sockets.length;
    await redis.xadd(earlyNames.open, "*", ...encodeOpen(request("net/@early:x", "e1")));
    const port = irc.port;
    const five = new Connector({ redisUrl: testenv.redisUrl, prefix: early, owner: "five", leaseMs: 1500, openTimeoutMs: 60000, dial: () => ({ endpoint: { host: "127.0.0.1", port, tls: false, family: undefined }, tlsConnect: undefined, localAddress: undefined, decodeLine: (b) => b.toString("utf8"), idleTimeoutMs: 600000 }), keepAliveMs: 600000, log });
    connectors.push(five);
    await five.start();
    await eventually(() => irc !== undefined && irc.sockets.length > before, 10000, "the early request dialed");
    // Redis loses its data: the stream and its group are gone.
    await redis.del(earlyNames.open);
    await redis.xadd(earlyNames.open, "*", ...encodeOpen(request("net/@after:x", "a1")));
    await eventually(() => irc !== undefined && irc.sockets.length > before + 1, 15000, "a request after the group was lost dialed");
    assert.ok((await redis.xinfo("STREAM", earlyNames.open)) !== null);
    const keys = await redis.keys(`${early}:*`);
    if (keys.length > 0) await redis.del(...keys);
  });

  it("a bridge or connection process that cannot reach Redis at start says so, naming the key, without the password", async () => {
    const redisUrl = "redis://:hunter2@127.0.0.1:1/0";
    const startedAt = Date.now();
    const link = new BridgeLink({ redisUrl, prefix: `${prefix}-nowhere`, openTimeoutMs: 60000, leaseMs: 1500, log });
    await assert.rejects(link.start(), (err: Error) => /connectionProcess\.redisUrl/.test(err.message) && /127\.0\.0\.1:1/.test(err.message) && !err.message.includes("hunter2"));
    const lone = new Connector({ redisUrl, prefix: `${prefix}-nowhere`, owner: "six", leaseMs: 1500, openTimeoutMs: 60000, dial: () => "no", keepAliveMs: 600000, log });
    await assert.rejects(lone.start(), (err: Error) => /connectionProcess\.redisUrl/.test(err.message) && !err.message.includes("hunter2"));
    assert.ok(Date.now() - startedAt < 40000);
  });

  it("deletes an open request (it may carry a client certificate's key) even when opening it failed", async () => {
    const p = `${prefix}-secret`;
    const n = streamNames(p);
    const failing = new Connector({ redisUrl: testenv.redisUrl, prefix: p, owner: "seven", leaseMs: 1500, openTimeoutMs: 60000, dial: () => { throw new Error("cannot dial"); }, keepAliveMs: 600000, log });
    connectors.push(failing);
    await failing.start();
    await redis.xadd(n.open, "*", ...encodeOpen({ ...request("net/@sec:x", "x1"), tls: true, certificate: { key: "SECRET-KEY", cert: "CERT" } }));
    await redis.xadd(n.open, "*", ...encodeOpen(request("net/@marker2:x", "x2")));
    await eventually(async () => (await redis.xlen(n.open)) === 0, 10000, "both requests deleted once read");
    const keys = await redis.keys(`${p}:*`);
    if (keys.length > 0) await redis.del(...keys);
  });

  it("dials afresh, not resumes, when the new request asks for another local address", async () => {
    const p = `${prefix}-redial`;
    const n = streamNames(p);
    const sockets: { got: string[]; closed: boolean; from: string }[] = [];
    const server = createServer((socket) => {
      const s = { got: [] as string[], closed: false, from: socket.remoteAddress ?? "" };
      sockets.push(s);
      socket.on("data", (d) => s.got.push(...d.toString("utf8").split("\r\n").filter((l) => l !== "")));
      socket.on("close", () => (s.closed = true));
      socket.on("error", () => undefined);
      socket.write(":srv 001 alice :Welcome\r\n:srv 376 alice :End of MOTD\r\n");
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const address = server.address();
    if (address === null || typeof address === "string") throw new Error("no port");
    const port = address.port;
    const eight = new Connector({ redisUrl: testenv.redisUrl, prefix: p, owner: "eight", leaseMs: 1500, openTimeoutMs: 60000, dial: (r) => ({ endpoint: { host: "127.0.0.1", port, tls: false, family: undefined }, tlsConnect: undefined, localAddress: r.localAddress, decodeLine: (b) => b.toString("utf8"), idleTimeoutMs: 600000 }), keepAliveMs: 600000, log });
    connectors.push(eight);
    await eight.start();
    await redis.xadd(n.open, "*", ...encodeOpen({ ...request("net/@dave:x", "d1"), port }));
    await eventually(() => sockets.length === 1, 10000, "the first dial");
    await eventually(async () => (await redis.xrange(n.inbound, "-", "+")).some(([, f]) => f.includes("End of MOTD") || f.join(" ").includes("376")), 10000, "the registration heard");
    await redis.xadd(n.open, "*", ...encodeOpen({ ...request("net/@dave:x", "d2"), port, localAddress: "127.0.0.2" }));
    await eventually(() => sockets.length === 2, 10000, "a fresh dial from the new local address");
    assert.equal(sockets[1]?.from, "127.0.0.2");
    await eventually(() => sockets[0]?.closed, 10000, "the old connection quit");
    server.close();
    const keys = await redis.keys(`${p}:*`);
    if (keys.length > 0) await redis.del(...keys);
  });
});
