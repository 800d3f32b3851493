import { allowEveryone } from "../../src/access/accessPolicy";
import assert from "node:assert/strict";
import { connect, type Socket } from "node:net";
import { describe, it } from "node:test";
import { onCtcpRequest, replyGate, type CtcpContext } from "../../src/fromIrc/ctcpVersion";
import type { CtcpRequestEvent } from "../../src/irc/clientEvents";
import type { IrcConnection } from "../../src/irc/connection";
import { IdentServer } from "../../src/ident/identServer";
import { connected } from "../support/connectedClient";
import { ConnectScheduler } from "../../src/irc/connectScheduler";
import { systemClock } from "../../src/irc/pacedQueue";
import { PuppetRegistry } from "../../src/puppets/puppetRegistry";
import { openNedbStore } from "../../src/store/nedbStore";
import { FakeIrcServer } from "../support/fakeIrcServer";
import { fakeNetwork } from "../support/fakeNetwork";
import { silentLogger } from "../support/silentLogger";

/** Sends `lines` to the ident server and reads until it closes the socket, `waitMs` passed, or `answers` lines came. */
function ask(port: number, lines: string, waitMs = 3000, answers = Infinity): Promise<{ answer: string; closed: boolean }> {
  return new Promise((resolve) => {
    const socket: Socket = connect({ host: "127.0.0.1", port });
    let answer = "";
    socket.setEncoding("latin1");
    socket.on("data", (d: string) => {
      answer += d;
      if (answer.split("\r\n").length - 1 >= answers) {
        clearTimeout(timer);
        socket.destroy();
        resolve({ answer, closed: false });
      }
    });
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ answer, closed: false });
    }, waitMs);
    socket.on("close", () => {
      clearTimeout(timer);
      resolve({ answer, closed: true });
    });
    socket.on("error", () => undefined);
    socket.on("connect", () => socket.write(lines));
  });
}

async function identFor(connections: () => IrcConnection[], options: { timeoutMs?: number; maxConnections?: number; maxPerHost?: number } = {}): Promise<IdentServer> {
  const server = new IdentServer({
    address: "127.0.0.1",
    port: 0,
    ...options,
    connections: () => connections().map((c) => ({ pair: c.socketPair, username: c.ident })),
  });
  await server.start();
  return server;
}

describe("the ident server names each connection's own username", () => {
  it("answers a query with the real port pair of a live connection, NO-USER otherwise", async () => {
    const { connection, done } = await connected([]);
    const ident = await identFor(() => [connection]);
    try {
      const pair = connection.socketPair;
      assert.ok(pair !== undefined, "the connection knows both ends of its socket");
      assert.equal(pair.remoteAddress, "127.0.0.1");
      const found = await ask(ident.port, `${pair.localPort} , ${pair.remotePort}\r\n`, 3000, 1);
      assert.equal(found.answer, `${pair.localPort} , ${pair.remotePort} : USERID : UNIX : alice\r\n`);
      const wrongPort = await ask(ident.port, `${pair.localPort}, ${pair.remotePort + 1}\r\n`, 3000, 1);
      assert.equal(wrongPort.answer, `${pair.localPort} , ${pair.remotePort + 1} : ERROR : NO-USER\r\n`);
      // Several queries on one socket, LF endings accepted.
      const two = await ask(ident.port, `${pair.localPort},${pair.remotePort}\n1,2\n`, 3000, 2);
      assert.equal(two.answer, `${pair.localPort} , ${pair.remotePort} : USERID : UNIX : alice\r\n1 , 2 : ERROR : NO-USER\r\n`);
      connection.close("test over");
      assert.equal(connection.socketPair, undefined, "a closed connection has no socket pair");
      const gone = await ask(ident.port, `${pair.localPort} , ${pair.remotePort}\r\n`, 3000, 1);
      assert.equal(gone.answer, `${pair.localPort} , ${pair.remotePort} : ERROR : NO-USER\r\n`);
    } finally {
      await ident.stop();
      await done();
    }
  });

  it("closes on a query it cannot read, a line too long, or silence", async () => {
    const ident = await identFor(() => [], { timeoutMs: 300 });
    try {
      assert.deepEqual(await ask(ident.port, "GET / HTTP/1.0\r\n"), { answer: "", closed: true });
      assert.deepEqual(await ask(ident.port, "0 , 6667\r\n"), { answer: "0 , 6667 : ERROR : INVALID-PORT\r\n", closed: true });
      const t0 = Date.now();
      assert.deepEqual(await ask(ident.port, ""), { answer: "", closed: true });
      assert.ok(Date.now() - t0 >= 250, "closed by the idle timeout");
      // Positive control: the server still answers.
      assert.deepEqual(await ask(ident.port, "1, 2\r\n", 2000, 1), { answer: "1 , 2 : ERROR : NO-USER\r\n", closed: false });
    } finally {
      await ident.stop();
    }
  });

  it("closes at once on a line longer than a query can be", async () => {
    const ident = await identFor(() => [], { timeoutMs: 10000 });
    try {
      assert.deepEqual(await ask(ident.port, "1".repeat(200), 2000), { answer: "", closed: true });
      assert.deepEqual(await ask(ident.port, `${" ".repeat(100)}1, 2\r\n`, 2000), { answer: "", closed: true });
    } finally {
      await ident.stop();
    }
  });

  it("holds at most maxConnections sockets; more are closed at once", async () => {
    const ident = await identFor(() => [], { maxConnections: 2, timeoutMs: 5000 });
    const held: Socket[] = [];
    try {
      for (let i = 0; i < 2; i++) {
        const s = connect({ host: "127.0.0.1", port: ident.port });
        s.on("error", () => undefined);
        s.setEncoding("latin1");
        // Answered, so the server holds it (an answered socket stays open for more queries).
        const answered = new Promise((resolve) => s.once("data", resolve));
        s.on("connect", () => s.write("1, 2\r\n"));
        assert.equal(await answered, "1 , 2 : ERROR : NO-USER\r\n");
        held.push(s);
      }
      const third = await ask(ident.port, "1, 2\r\n", 2000);
      assert.deepEqual(third, { answer: "", closed: true });
      held.forEach((s) => s.destroy());
      // Room again once the server has seen them leave: asked until answered (a full server closes at once).
      const deadline = Date.now() + 2000;
      let again = await ask(ident.port, "1, 2\r\n", 2000, 1);
      while (again.closed && again.answer === "" && Date.now() < deadline) again = await ask(ident.port, "1, 2\r\n", 2000, 1);
      assert.deepEqual(again, { answer: "1 , 2 : ERROR : NO-USER\r\n", closed: false }, "room again once they left");
    } finally {
      held.forEach((s) => s.destroy());
      await ident.stop();
    }
  });
});

describe("CTCP VERSION to a puppet", () => {
  const scene = (gate: () => boolean = () => true) => {
    const replies: [string, string][] = [];
    const ctx: CtcpContext = { version: "matrix-irc-puppet-bridge 1.0, bridging Matrix users of example.org", reply: (nick, text) => replies.push([nick, text]), mayReply: gate };
    return { replies, ctx };
  };
  const ev = (type: string, from = "bob"): CtcpRequestEvent => ({ from, target: "alice", type });

  it("is answered with the bridge, its version and the homeserver; other CTCPs are not", () => {
    const { replies, ctx } = scene();
    onCtcpRequest(ev("PING"), ctx);
    onCtcpRequest(ev("CLIENTINFO"), ctx);
    onCtcpRequest(ev("VERSION"), ctx);
    assert.deepEqual(replies, [["bob", "\u0001VERSION matrix-irc-puppet-bridge 1.0, bridging Matrix users of example.org\u0001"]]);
  });

  it("is answered once per interval per connection, and never to a sender that is not a nick", () => {
    let now = 0;
    const { replies, ctx } = scene(replyGate(() => now, 5000));
    onCtcpRequest(ev("VERSION", "#chan"), ctx);
    onCtcpRequest(ev("VERSION", "a,b"), ctx);
    onCtcpRequest(ev("VERSION"), ctx);
    onCtcpRequest(ev("VERSION", "carol"), ctx);
    now = 4999;
    onCtcpRequest(ev("VERSION", "dave"), ctx);
    now = 5000;
    onCtcpRequest(ev("VERSION", "erin"), ctx);
    assert.deepEqual(replies.map(([nick]) => nick), ["bob", "erin"]);
  });

  it("reaches the handler from a real connection (irc-framework does not answer it itself)", async () => {
    const { server, connection, done } = await connected([]);
    try {
      server.onLine = (line, send) => {
        if (line === "VERSION") send(":bob!b@h PRIVMSG alice :\u0001VERSION\u0001");
      };
      const heard = new Promise<CtcpRequestEvent>((resolve) => connection.on("ctcpRequest", resolve));
      void connection.send("VERSION", []);
      assert.deepEqual(await heard, { from: "bob", target: "alice", type: "VERSION" });
      const { ctx } = scene();
      onCtcpRequest(await heard, { ...ctx, reply: (nick, text) => void connection.send("NOTICE", [nick, text]) });
      for (let i = 0; i < 100 && !server.received.some((l) => l.startsWith("NOTICE")); i++) await new Promise((resolve) => setTimeout(resolve, 20));
      const notices = server.received.filter((l) => l.startsWith("NOTICE"));
      assert.deepEqual(notices, ["NOTICE bob :\u0001VERSION matrix-irc-puppet-bridge 1.0, bridging Matrix users of example.org\u0001"]);
    } finally {
      await done();
    }
  });

  it("a connection with WEBIRC sends it first, before registering", async () => {
    const { server, done } = await connected([], { webirc: { password: "pw", username: "matrix-irc-puppet-bridge", hostname: "matrix.example.org", address: "2001:db8::5" } });
    try {
      assert.match(server.received[0] ?? "", /^WEBIRC pw matrix-irc-puppet-bridge matrix\.example\.org 2001:db8::5\b/);
    } finally {
      await done();
    }
  });
});

describe("a user's connection opens with the network's face", () => {
  it("WEBIRC first with the configured address, then the realname from the template", async () => {
    const server = new FakeIrcServer([]);
    const port = await server.listen();
    const network = fakeNetwork(`, port: ${port}, tls: false, realnameTemplate: "{localpart} via Matrix\\r\\nQUIT", webirc: { password: pw, address: 192.0.2.9 }`, "127.0.0.1");
    const registry = new PuppetRegistry({
      network,
      access: allowEveryone,
      store: (await openNedbStore(undefined)).puppets,
      identity: () => Promise.resolve({ nick: "alice", username: "alice" }),
      attach: () => undefined,
      clock: systemClock,
      log: silentLogger(),
      gate: new ConnectScheduler(network.connect, { onTrip: () => undefined, onRecovered: () => undefined }, systemClock),
      dropped: () => undefined,
    });
    try {
      const ensured = registry.ensure("@alice:example.org");
      assert.ok(ensured.ok);
      for (let i = 0; i < 250 && !server.received.some((l) => l.startsWith("USER")); i++) await new Promise((resolve) => setTimeout(resolve, 20));
      assert.match(server.received[0] ?? "", /^WEBIRC pw matrix-irc-puppet-bridge 192\.0\.2\.9 192\.0\.2\.9\b/);
      assert.ok(server.received.includes("USER alice 0 * :alice via Matrix QUIT"), server.received.join("\n"));
    } finally {
      void registry.closeAll("test over");
      await server.close();
    }
  });
});
