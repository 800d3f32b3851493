/**
 * The bridge's link to the connection processes (src/pool/bridgeLink.ts) on the test environment's
 * real Redis, with the connection process played by hand (its entries written with XADD): what
 * arrives while the bridge is down is delivered to the next run after the resumed registration,
 * once, in order, and acknowledged; a connection process whose lease ends is reported closed.
 * Each run uses a prefix of its own; the shared Redis is never flushed.
 */
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import winston from "winston";
import { testenv } from "../../scripts/lib/testenv";
import { BridgeLink, type RemoteEnd } from "../../src/pool/bridgeLink";
import { encodeIn, streamNames, type InEntry } from "../../src/pool/protocol";
import { eventually } from "./support/matrixClient";

const log = winston.createLogger({ silent: true });

function end(connection: string, session: string): RemoteEnd & { readonly got: string[] } {
  const got: string[] = [];
  return { connection, session, got, deliver: (e) => got.push(e.t === "line" ? e.line : e.t === "close" ? `close ${e.reason ?? ""}` : e.t) };
}

const dial = { network: "net", host: "127.0.0.1", port: 1, tls: false, family: undefined, localAddress: undefined, certificate: undefined };

describe("the bridge's link to the connection processes, on Redis", () => {
  const prefix = `e2e-streams-${randomBytes(4).toString("hex")}`;
  const names = streamNames(prefix);
  const redis = new Redis(testenv.redisUrl);
  const links: BridgeLink[] = [];
  const link = () => {
    const l = new BridgeLink({ redisUrl: testenv.redisUrl, prefix, openTimeoutMs: 60000, leaseMs: 1000, log });
    links.push(l);
    return l;
  };
  const connector = (e: InEntry) => redis.xadd(names.inbound, "*", ...encodeIn(e));

  after(async () => {
    for (const l of links) await l.stop();
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  });

  it("delivers what arrived while the bridge was down after the next run's resumed registration, once, in order", async () => {
    await redis.set(names.alive("one"), "1", "PX", 60000);
    const first = link();
    await first.start();
    const a = end("net/@alice:x", "s1");
    first.open(a, dial);
    await connector({ t: "open", connection: a.connection, session: "s1", owner: "one", resumed: false });
    await connector({ t: "line", connection: a.connection, session: "s1", line: "live-1" });
    await eventually(() => a.got.includes("live-1"), 10000, "a live line");
    first.detach();
    await first.stop();
    for (const line of ["down-1", "down-2", "down-3"]) await connector({ t: "line", connection: a.connection, session: "s1", line });

    const second = link();
    await second.start();
    const b = end(a.connection, "s2");
    second.open(b, dial);
    await connector({ t: "open", connection: b.connection, session: "s2", owner: "one", resumed: true });
    await connector({ t: "line", connection: b.connection, session: "s2", line: ":srv 001 alice :Welcome" });
    await connector({ t: "line", connection: b.connection, session: "s1", line: "down-4" });
    await connector({ t: "resumed", connection: b.connection, session: "s2" });
    await connector({ t: "line", connection: b.connection, session: "s2", line: "live-2" });
    await eventually(() => b.got.includes("live-2"), 10000, "the line after the restart");
    assert.deepEqual(a.got, ["open", "live-1"]);
    assert.deepEqual(b.got, ["open", ":srv 001 alice :Welcome", "resumed", "down-1", "down-2", "down-3", "down-4", "live-2"]);
    const pending = await eventually(async () => {
      const summary = (await redis.xpending(names.inbound, "bridge"));
      return summary[0] === 0 ? summary : undefined;
    }, 10000, "every entry acknowledged");
    assert.equal(pending[0], 0);
  });

  it("reports the connections of a connection process whose lease ended as closed", async () => {
    const l = link();
    await l.start();
    await redis.set(names.alive("ghost"), "1", "PX", 1500);
    // A registration line the dead process never read: it carries a password.
    await redis.xadd(names.out("ghost"), "*", "t", "line", "c", "net/@carol:x", "s", "s8", "l", "PASS :hunter2");
    const c = end("net/@carol:x", "s9");
    l.open(c, dial);
    await connector({ t: "open", connection: c.connection, session: "s9", owner: "ghost", resumed: false });
    // Control: a connection of a process whose lease lives.
    await redis.set(names.alive("living"), "1", "PX", 60000);
    const d = end("net/@dan:x", "s7");
    l.open(d, dial);
    await connector({ t: "open", connection: d.connection, session: "s7", owner: "living", resumed: false });
    // A second dead process, asked about after the living one in every sweep.
    await redis.set(names.alive("ghost2"), "1", "PX", 4000);
    const e = end("net/@erin:x", "s6");
    l.open(e, dial);
    await connector({ t: "open", connection: e.connection, session: "s6", owner: "ghost2", resumed: false });
    await eventually(() => d.got.includes("open"), 10000, "the living process's connection open");
    await eventually(() => c.got.includes("open"), 10000, "the connection open");
    const closed = await eventually(() => c.got.find((g) => g.startsWith("close")), 10000, "the connection reported closed");
    assert.match(closed, /the connection process ghost stopped/);
    // Positive control: the second process's connection closed. A sweep asks about the processes in
    // the order their connections came (ghost, living, ghost2), so the sweep that closed it had asked
    // about the living lease first, after that lease was set: had it closed anything, it would be seen.
    await eventually(() => e.got.find((g) => g.startsWith("close")), 10000, "the second dead process's connection reported closed");
    assert.deepEqual(d.got, ["open"], "a connection whose process's lease lives is not closed");
    const told = await eventually(async () => {
      const entries = await redis.xrange(names.out("ghost"), "-", "+");
      return entries.find(([, f]) => f.includes("close") && f.includes(c.connection));
    }, 10000, "a close written to the process judged dead");
    assert.ok(told[1].includes("s9"));
    const left = await redis.xrange(names.out("ghost"), "-", "+");
    assert.equal(left.filter(([, f]) => f.join(" ").includes("hunter2")).length, 0, "the dead process's unread lines are deleted");
  });

  it("after the orphan window, quits the connections recorded in Redis that no user took up again, even quiet ones", async () => {
    await redis.set(names.alive("quiet"), "1", "PX", 60000);
    await redis.hset(names.owners, "net/@quiet:x", "quiet");
    const l = new BridgeLink({ redisUrl: testenv.redisUrl, prefix, openTimeoutMs: 60000, leaseMs: 1000, log, orphanMs: 1500 });
    links.push(l);
    await l.start();
    const told = await eventually(async () => {
      const entries = await redis.xrange(names.out("quiet"), "-", "+");
      return entries.find(([, f]) => f[1] === "close" && f.includes("net/@quiet:x"));
    }, 10000, "a close for the quiet connection nobody took up");
    assert.ok(told);
    const quit = (await redis.xrange(names.out("quiet"), "-", "+")).find(([, f]) => f[1] === "line" && f.includes("net/@quiet:x"));
    assert.match(quit?.[1].join(" ") ?? "", /QUIT/);
  });
});
