import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { InboundOrder, type RemoteEnd } from "../../src/pool/inboundOrder";
import { decodeIn, decodeOut, encodeIn, encodeOut, type InEntry, type OutEntry } from "../../src/pool/protocol";

describe("the connection process's stream entries", () => {
  it("read back as written", () => {
    const outs: OutEntry[] = [
      { t: "line", connection: "net/@a:x", session: "s1", line: "PRIVMSG #a :hi :)" },
      { t: "close", connection: "net/@a:x", session: "s1", force: true },
      { t: "open", connection: "net/bot", session: "s2", network: "net", host: "irc.example", port: 6697, tls: true, family: 6, localAddress: "::1", certificate: { key: "K", cert: "C" }, at: 5 },
      { t: "open", connection: "net/bot", session: "s2", network: "net", host: "irc.example", port: 6667, tls: false, family: undefined, localAddress: undefined, certificate: undefined, at: 5 },
    ];
    for (const e of outs) assert.deepEqual(decodeOut(encodeOut(e)), e);
    const ins: InEntry[] = [
      { t: "open", connection: "c", session: "s", owner: "one", resumed: true },
      { t: "line", connection: "c", session: "s", line: ":a PRIVMSG b :c" },
      { t: "line", connection: "c", session: "s", line: ":srv 001 a :hi", replay: true },
      { t: "resumed", connection: "c", session: "s" },
      { t: "close", connection: "c", session: "s", reason: "Connection reset" },
      { t: "close", connection: "c", session: "s", reason: undefined },
    ];
    for (const e of ins) assert.deepEqual(decodeIn(encodeIn(e)), e);
  });

  it("an entry this version cannot read is undefined, not an error", () => {
    assert.equal(decodeIn(["t", "future", "c", "c", "s", "s"]), undefined);
    assert.equal(decodeOut(["t", "line", "c", "c"]), undefined);
    assert.equal(decodeOut(["t", "open", "c", "c", "s", "s", "n", "net", "h", "host", "p", "x"]), undefined);
  });
});

function end(connection: string, session: string): RemoteEnd & { readonly got: string[] } {
  const got: string[] = [];
  return { connection, session, got, deliver: (e) => got.push(e.t === "line" ? e.line : e.t) };
}

describe("the order of the bridge's inbound entries", () => {
  const line = (session: string, text: string): InEntry => ({ t: "line", connection: "c", session, line: text });

  it("holds an earlier session's lines until the new session resumed, then gives them first, in order", () => {
    const done: string[] = [];
    const order = new InboundOrder((ids) => done.push(...ids));
    assert.equal(order.handle("1", line("old", "b1")), false, "no transport yet: held");
    const e = end("c", "new");
    order.attach(e);
    assert.equal(order.handle("2", line("old", "b2")), false);
    assert.equal(order.handle("3", { t: "open", connection: "c", session: "new", owner: "o", resumed: true }), true);
    assert.equal(order.handle("4", line("new", ":srv 001 alice :hi")), true);
    assert.equal(order.handle("5", line("old", "b3")), false, "a live line while resuming waits with the backlog");
    assert.equal(order.handle("6", { t: "resumed", connection: "c", session: "new" }), true);
    assert.equal(order.handle("7", line("new", "live")), true);
    assert.deepEqual(e.got, ["open", ":srv 001 alice :hi", "resumed", "b1", "b2", "b3", "live"]);
    assert.deepEqual(done, ["1", "2", "5"], "held entries are done once delivered");
  });

  it("drops an earlier session's backlog when the connection was opened afresh", () => {
    const done: string[] = [];
    const order = new InboundOrder((ids) => done.push(...ids));
    order.handle("1", line("old", "stale"));
    const e = end("c", "new");
    order.attach(e);
    order.handle("2", { t: "open", connection: "c", session: "new", owner: "o", resumed: false });
    order.handle("3", { t: "resumed", connection: "c", session: "new" });
    assert.deepEqual(e.got, ["open", "resumed"]);
    assert.deepEqual(done, ["1"]);
  });

  it("discards the replayed registration of a session stopped mid-resume, and acknowledges it", () => {
    const done: string[] = [];
    const order = new InboundOrder((ids) => done.push(...ids));
    const replay = (session: string, text: string): InEntry => ({ t: "line", connection: "c", session, line: text, replay: true });
    // Left by a bridge stopped while its session s2 resumed (after s1's backlog line b1).
    order.handle("1", line("s1", "b1"));
    order.handle("2", { t: "open", connection: "c", session: "s2", owner: "o", resumed: true });
    order.handle("3", replay("s2", ":srv 001 alice :hi"));
    order.handle("4", replay("s2", ":srv 376 alice :End"));
    const e = end("c", "s3");
    order.attach(e);
    order.handle("5", { t: "open", connection: "c", session: "s3", owner: "o", resumed: true });
    order.handle("6", replay("s3", ":srv 001 alice :hi"));
    order.handle("7", { t: "resumed", connection: "c", session: "s3" });
    assert.equal(order.handle("8", replay("s2", ":srv 005 alice :late")), true, "another session's entry once this one is settled: done");
    order.handle("9", line("s3", "live"));
    assert.deepEqual(e.got, ["open", ":srv 001 alice :hi", "resumed", "b1", "live"], "one 001: the earlier session's replay is not given");
    assert.deepEqual(done.sort(), ["1", "2", "3", "4"].sort(), "the held entries are all done");
  });

  it("delivers nothing after the session's close, and hands orphaned backlogs over", () => {
    const order = new InboundOrder(() => undefined);
    const e = end("c", "s");
    order.attach(e);
    order.handle("1", { t: "close", connection: "c", session: "s", reason: "gone" });
    assert.equal(order.handle("2", line("s", "late")), false);
    assert.deepEqual(e.got, ["close"]);
    const orphans = order.dropOrphans();
    assert.deepEqual([...orphans.keys()], ["c"]);
    assert.equal(order.dropOrphans().size, 0);
  });
});
