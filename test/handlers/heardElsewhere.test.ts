/**
 * A connection skips, before irc-framework reads them, the copies of channel lines the broker already
 * holds from another connection (irc/heardElsewhere.ts), and dispatches every other line as before.
 * A real IrcConnection (irc-framework underneath, the bridge's transport) with a scripted server.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { MessageEvent } from "../../src/irc/events";
import { DispatchingClient } from "../../src/irc/dispatchingClient";
import { BridgeTransport } from "../../src/irc/transport";
import { connected } from "../support/connectedClient";
import { until } from "../support/until";

const CAPS = ["message-tags", "server-time", "echo-message"];

describe("IrcConnection skips copies another connection heard (a scripted server)", () => {
  it("a known msgid is never dispatched; unknown msgids, our echoes, CTCPs and batched lines are, in order", async () => {
    const known = new Set(["k1", "k2", "k3", "k4"]);
    const asked: string[] = [];
    const { server, connection, done } = await connected(CAPS, {
      heardElsewhere: (channel, msgid) => {
        asked.push(`${channel} ${msgid}`);
        return known.has(msgid);
      },
    });
    try {
      const heard: MessageEvent[] = [];
      const joins: string[] = [];
      connection.on("message", (e) => heard.push(e));
      connection.on("join", (e) => joins.push(e.nick));
      server.onLine = (line, send) => {
        if (line !== "TOPIC #chan") return;
        send("@msgid=k1 :bob!b@h PRIVMSG #chan :skipped 1");
        send("@msgid=n1 :bob!b@h PRIVMSG #chan :new 1");
        send("@msgid=k2 :carol!c@h JOIN #chan");
        send("@msgid=k3 :alice!a@h PRIVMSG #chan :our echo");
        send("@msgid=k4 :bob!b@h PRIVMSG #chan :\u0001ACTION waves\u0001");
        send("@msgid=k1 :bob!b@h PRIVMSG alice :to us");
        send("@msgid=n2 :dave!d@h JOIN #chan");
        send("@msgid=n3 :bob!b@h PRIVMSG #chan :marker");
      };
      assert.ok(connection.send("TOPIC", ["#chan"]));
      // Positive control: the marker, sent last, has arrived; only then is the absence of the skipped lines asserted.
      await until(() => heard.some((e) => e.text === "marker"), "the marker line arrives");
      assert.deepEqual(
        heard.map((e) => e.text),
        ["new 1", "our echo", "waves", "to us", "marker"],
      );
      assert.deepEqual(joins, ["dave"], "carol's JOIN (known) was skipped, dave's (new) dispatched");
      assert.ok(asked.includes("#chan k1") && asked.includes("#chan k2"), "the broker was asked about the skippable lines");
      assert.ok(!asked.some((a) => a.endsWith(" k3") || a.endsWith(" k4")), "our echo and a CTCP are not even asked about");
    } finally {
      await done();
    }
  });

  it("without the broker's question every line is dispatched", async () => {
    const { server, connection, done } = await connected(CAPS);
    try {
      const heard: string[] = [];
      connection.on("message", (e) => heard.push(e.text));
      server.onLine = (line, send) => {
        if (line !== "TOPIC #chan") return;
        send("@msgid=k1 :bob!b@h PRIVMSG #chan :one");
        send("@msgid=k1 :bob!b@h PRIVMSG #chan :two");
      };
      assert.ok(connection.send("TOPIC", ["#chan"]));
      await until(() => heard.length === 2, "both lines arrive");
      assert.deepEqual(heard, ["one", "two"]);
    } finally {
      await done();
    }
  });
  it("a closed connection reads nothing more: what its socket still brings is skipped, not handed to irc-framework", async () => {
    const { server, connection, done } = await connected(CAPS);
    try {
      const client: unknown = Reflect.get(connection, "client");
      assert.ok(client instanceof DispatchingClient);
      const transport: unknown = Reflect.get(client.connection, "transport");
      assert.ok(transport instanceof BridgeTransport);
      // What the transport read (its skip check sees every line) and what it handed on.
      const options = Reflect.get(transport, "options") as { ircbridge: { skipLine?: (line: string) => boolean } };
      const skip = options.ircbridge.skipLine ?? assert.fail("the transport has a skip check");
      const read: string[] = [];
      options.ircbridge.skipLine = (line) => (read.push(line), skip(line));
      const handed: string[] = [];
      transport.on("line", (line: string) => handed.push(line));
      const ended = new Promise<void>((resolve) => transport.once("close", () => resolve()));
      server.onLine = (line, send, socket) => {
        if (line === "TOPIC #chan") send(":srv NOTICE alice :before");
        // Until the server closes the socket it still sends: a line after our QUIT, then its FIN.
        if (line.startsWith("QUIT")) {
          send(":srv NOTICE alice :after");
          socket.end();
        }
      };
      assert.ok(connection.send("TOPIC", ["#chan"]));
      await until(() => handed.some((l) => l.endsWith(":before")), "positive control: a line of the open connection is handed on");
      connection.close("leaving");
      await ended;
      assert.ok(read.some((l) => l.endsWith(":after")), "the transport read the line after the QUIT");
      assert.deepEqual(handed.filter((l) => l.endsWith(":after")), []);
    } finally {
      await done();
    }
  });
});
