import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseIrcLine } from "../../src/irc/ircLine";
import { ConnectAttempt } from "../../src/irc/connectAttempt";
import { parseSts, StsPolicies, stsInCapLine } from "../../src/irc/sts";
import type { StsPolicyRecord, StsPolicyStore } from "../../src/store/store";

class MemoryStsStore implements StsPolicyStore {
  readonly records = new Map<string, StsPolicyRecord>();
  writes = 0;
  all(network: string): Promise<StsPolicyRecord[]> {
    return Promise.resolve([...this.records.values()].filter((r) => r.network === network));
  }
  put(record: StsPolicyRecord): Promise<void> {
    this.writes++;
    this.records.set(`${record.network} ${record.host}`, record);
    return Promise.resolve();
  }
  remove(network: string, host: string): Promise<void> {
    this.writes++;
    this.records.delete(`${network} ${host}`);
    return Promise.resolve();
  }
}

const quiet = { info: () => undefined, warn: () => undefined };
const plain = { host: "irc.example.org", port: 6667, tls: false };
const secure = { host: "irc.example.org", port: 6697, tls: true };
const line = (text: string) => parseIrcLine(text) ?? assert.fail(text);

async function book(now: { t: number }, store = new MemoryStsStore()) {
  const sts = new StsPolicies("net", () => now.t);
  await sts.load(store, quiet);
  return { sts, store };
}

describe("IRCv3 sts values", () => {
  it("port and duration read; unknown keys and bad numbers ignored", () => {
    assert.deepEqual(parseSts("port=6697,duration=300"), { port: 6697, duration: 300 });
    assert.deepEqual(parseSts("duration=0,preload"), { port: undefined, duration: 0 });
    assert.deepEqual(parseSts("port=99999,duration=-5"), { port: undefined, duration: undefined });
    assert.deepEqual(parseSts(""), { port: undefined, duration: undefined });
  });

  it("found in CAP LS (also a continued one) and CAP NEW, not in other lines", () => {
    assert.equal(stsInCapLine(line(":s CAP * LS * :account-notify sts=duration=300,port=16697 znc.in/x")), "duration=300,port=16697");
    assert.equal(stsInCapLine(line(":s CAP nick NEW :sts=port=6697")), "port=6697");
    assert.equal(stsInCapLine(line(":s CAP * LS :multi-prefix sasl")), undefined);
    assert.equal(stsInCapLine(line(":s CAP * ACK :sts=port=1")), undefined);
    assert.equal(stsInCapLine(line(":a!b@c PRIVMSG #x :sts=port=1")), undefined);
  });
});

describe("STS policies", () => {
  it("a plaintext connection told a port upgrades; from then on plaintext endpoints of that host go to TLS (in memory only)", async () => {
    const now = { t: 1000 };
    const { sts, store } = await book(now);
    assert.deepEqual(sts.route(plain), { endpoint: plain, why: undefined });
    assert.equal(sts.heard(plain, "port=6697,duration=300"), 6697);
    const routed = sts.route(plain);
    assert.deepEqual(routed.endpoint, { ...plain, tls: true, port: 6697 });
    assert.match(routed.why ?? "", /asked for TLS only/);
    assert.deepEqual(sts.route({ ...plain, host: "other.example.org" }).endpoint.tls, false, "another host is not affected");
    assert.equal(store.writes, 0, "a duration heard in plaintext is not remembered");
    assert.equal(sts.heard(plain, "duration=300"), undefined, "no port: nothing to upgrade to");
  });

  it("a TLS connection's duration is remembered durably (host -> its port), and a new process loads it", async () => {
    const now = { t: 1000 };
    const { sts, store } = await book(now);
    assert.equal(sts.heard({ ...secure, host: "IRC.example.org" }, "port=7000,duration=300"), undefined, "a port heard over TLS is ignored");
    assert.deepEqual([...store.records.values()], [{ network: "net", host: "irc.example.org", port: 6697, expiresAt: 301000 }]);
    const again = await book(now, store);
    assert.equal(again.sts.size, 1);
    assert.deepEqual(again.sts.route(plain).endpoint, { ...plain, tls: true, port: 6697 });
    assert.match(again.sts.route(plain).why ?? "", /STS policy asks for TLS only \(port 6697, until 1970-01-01T00:05:01\.000Z\)/);
    const other = new StsPolicies("other", () => now.t);
    await other.load(store, quiet);
    assert.equal(other.size, 0, "policies are per network");
  });

  it("refreshes the expiry, but writes only when it moved by more than a tenth of the duration", async () => {
    const now = { t: 0 };
    const { sts, store } = await book(now);
    sts.heard(secure, "duration=1000");
    assert.equal(store.writes, 1);
    now.t = 50_000;
    sts.heard(secure, "duration=1000");
    assert.equal(store.writes, 1, "moved 50 s of 1000 s: not written");
    now.t = 100_001;
    sts.heard(secure, "duration=1000");
    assert.equal(store.writes, 2);
    assert.equal([...store.records.values()][0]?.expiresAt, 1_100_001);
    now.t = 1_100_000;
    assert.equal(sts.route(plain).endpoint.tls, true, "the in-memory expiry is the newest one");
  });

  it("duration=0 over TLS removes the policy and the upgrade; an expired policy is dropped", async () => {
    const now = { t: 0 };
    const { sts, store } = await book(now);
    sts.heard(plain, "port=6697");
    sts.heard(secure, "duration=10");
    assert.equal(store.records.size, 1);
    sts.heard(secure, "duration=0");
    assert.equal(store.records.size, 0);
    assert.equal(sts.route(plain).endpoint.tls, false);
    sts.heard(secure, "duration=10");
    now.t = 10_000;
    assert.equal(sts.route(plain).endpoint.tls, false, "expired");
    assert.equal(store.records.size, 0, "and removed from the store");
  });

  it("an expired record in the store is not loaded, and is removed", async () => {
    const store = new MemoryStsStore();
    await store.put({ network: "net", host: "irc.example.org", port: 6697, expiresAt: 500 });
    const { sts } = await book({ t: 1000 }, store);
    assert.equal(sts.size, 0);
    assert.equal(store.records.size, 0);
  });

  it("a TLS endpoint is never rerouted", async () => {
    const { sts } = await book({ t: 0 });
    sts.heard(secure, "duration=100");
    assert.deepEqual(sts.route({ ...secure, port: 7000 }), { endpoint: { ...secure, port: 7000 }, why: undefined });
  });
});

describe("a connection attempt hearing sts", () => {
  const server = (sts: StsPolicies) => ({ host: plain.host, port: plain.port, tls: false, bindAddress: undefined, sts });

  it("while registering: it upgrades now (the same attempt goes on with TLS)", async () => {
    const { sts } = await book({ t: 1000 });
    const attempt = ConnectAttempt.plan(server(sts));
    assert.equal(attempt.heard(line(":s CAP * LS :sts=port=6697"), false), true);
    assert.equal(attempt.upgrading, true);
  });

  it("once registered (CAP NEW): only the next connection uses TLS; this one is not cut short past the scheduler", async () => {
    const { sts } = await book({ t: 1000 });
    const attempt = ConnectAttempt.plan(server(sts));
    assert.equal(attempt.heard(line(":s CAP nick NEW :sts=port=6697"), true), false);
    assert.equal(attempt.upgrading, false, "its loss is handled as any other");
    assert.deepEqual(ConnectAttempt.plan(server(sts)).endpoint, { host: plain.host, port: 6697, tls: true }, "the next attempt goes to TLS");
  });
});
