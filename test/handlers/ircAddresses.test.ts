/**
 * A real IrcConnection (irc-framework over the bridge's transport) against local servers: several
 * addresses per network (endpoints.ts) and line decoding (decodeLine.ts), as the connect scheduler
 * and the rest of the bridge see them.
 */
import assert from "node:assert/strict";
import { createServer, type AddressInfo, type Server, type Socket } from "node:net";
import { describe, it } from "node:test";
import { IrcConnection, type ConnectGate } from "../../src/irc/connection";
import type { ConnectOutcome } from "../../src/irc/connectScheduler";
import type { MessageEvent } from "../../src/irc/events";
import { LastGoodAddress } from "../../src/irc/endpoints";
import type { ServerSettings } from "../../src/irc/serverSettings";
import { localConnection } from "../support/connectedClient";
import { FakeIrcServer } from "../support/fakeIrcServer";
import { closedPort } from "../support/closedPort";

/** A gate that lets every request go at once and records each outcome. */
function recordingGate(): ConnectGate & { readonly outcomes: ConnectOutcome["kind"][] } {
  const outcomes: ConnectOutcome["kind"][] = [];
  return {
    outcomes,
    request: (_id, request) => setImmediate(() => request.go()),
    cancel: () => undefined,
    report: (_id, outcome) => outcomes.push(outcome.kind),
    holdReason: undefined,
  };
}

/** A TCP listener that accepts and hangs up at once (a server that is there but will not talk), counting sockets. */
async function hangUpServer(): Promise<{ port: number; accepted: () => number; close: () => Promise<void> }> {
  let accepted = 0;
  const server: Server = createServer((socket) => {
    accepted++;
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { port: (server.address() as AddressInfo).port, accepted: () => accepted, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

function connection(server: ServerSettings, gate: ConnectGate): IrcConnection {
  return localConnection(server.port, "alice", { server, reconnect: { minMs: 0, maxMs: 0 }, gate });
}

/** The next "registered" from now on. */
function registered(c: IrcConnection): Promise<void> {
  return new Promise<void>((resolve) => {
    const listener = () => {
      c.off("registered", listener);
      resolve();
    };
    c.on("registered", listener);
  });
}

describe("IrcConnection with several addresses", { timeout: 15000 }, () => {
  it("the first address refuses: it registers on the second, telling the scheduler only that one address failed", async () => {
    const irc = new FakeIrcServer([]);
    const ircPort = await irc.listen();
    const gate = recordingGate();
    const lastGood = new LastGoodAddress();
    const c = connection({ host: "127.0.0.1", port: await closedPort(), tls: false, bindAddress: undefined, additionalAddresses: [{ host: "127.0.0.1", port: ircPort, tls: false }], lastGood }, gate);
    try {
      const up = registered(c);
      c.start({ nick: "alice", username: "alice" });
      await up;
      assert.deepEqual(gate.outcomes, ["addressFailed", "registered"], "never 'unreachable' for the network: its second address works");
      assert.equal(lastGood.current, `127.0.0.1:${ircPort}`);
    } finally {
      c.close("test over");
      await irc.close();
    }
  });

  it("once registered it stays with the address that worked: a reconnect dials it again, not the first", async () => {
    const first = await hangUpServer();
    const irc = new FakeIrcServer([]);
    const ircPort = await irc.listen();
    const gate = recordingGate();
    const c = connection({ host: "127.0.0.1", port: first.port, tls: false, bindAddress: undefined, additionalAddresses: [{ host: "127.0.0.1", port: ircPort, tls: false }], lastGood: new LastGoodAddress() }, gate);
    try {
      let up = registered(c);
      c.start({ nick: "alice", username: "alice" });
      await up;
      assert.equal(first.accepted(), 1, "the first address was tried first");
      up = registered(c);
      irc.dropAll();
      await up;
      assert.equal(first.accepted(), 1, "the reconnect went straight to the address that worked");
      assert.deepEqual(gate.outcomes, ["addressFailed", "registered", "registered"]);
    } finally {
      c.close("test over");
      await irc.close();
      await first.close();
    }
  });

  it("every address fails: the network is unreachable for the scheduler, once per round", async () => {
    const gate = recordingGate();
    const c = connection({ host: "127.0.0.1", port: await closedPort(), tls: false, bindAddress: undefined, additionalAddresses: [{ host: "127.0.0.1", port: await closedPort(), tls: false }] }, gate);
    try {
      c.start({ nick: "alice", username: "alice" });
      while (gate.outcomes.length < 4) await new Promise((r) => setTimeout(r, 10));
      assert.deepEqual(gate.outcomes.slice(0, 4), ["addressFailed", "unreachable", "addressFailed", "unreachable"]);
    } finally {
      c.close("test over");
    }
  });
});

describe("IrcConnection text encodings", { timeout: 15000 }, () => {
  it("a Latin-1 line reads with the network's fallback, a UTF-8 line next to it as UTF-8; what it sends is UTF-8", async () => {
    const irc = new FakeIrcServer([]);
    const port = await irc.listen();
    const c = connection({ host: "127.0.0.1", port, tls: false, bindAddress: undefined, encodingFallback: "windows-1252" }, recordingGate());
    try {
      const up = registered(c);
      c.start({ nick: "alice", username: "alice" });
      await up;
      const texts: string[] = [];
      const two = new Promise<void>((resolve) =>
        c.on("message", (e: MessageEvent) => {
          texts.push(e.text);
          if (texts.length === 2) resolve();
        }),
      );
      irc.onLine = (line, _send, socket: Socket) => {
        if (!line.startsWith("PRIVMSG #chan :")) return;
        socket.write(Buffer.concat([Buffer.from(":bob!b@h PRIVMSG #chan :caf"), Buffer.from([0xe9, 0x20, 0x80, 0x0d, 0x0a])]));
        socket.write(Buffer.from(":bob!b@h PRIVMSG #chan :naïve ☕\r\n", "utf8"));
      };
      await c.say("privmsg", "#chan", "déjà ☕ 日本");
      await two;
      assert.deepEqual(texts, ["café €", "naïve ☕"]);
      assert.ok(irc.received.includes("PRIVMSG #chan :déjà ☕ 日本"), `sent as UTF-8: ${irc.received.join(" | ")}`);
    } finally {
      c.close("test over");
      await irc.close();
    }
  });
});
