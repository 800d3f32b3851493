/**
 * The connection process, end to end in one process: a real IrcConnection (irc-framework) whose
 * transport goes through the link (pool/remoteTransport.ts) to a real held connection
 * (pool/heldConnection.ts) on a scripted IRC server; the bridge stops and a new IrcConnection takes
 * the registered connection over (pool/resume.ts) while the server sees nothing of it.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Socket } from "node:net";
import type { IrcConnection } from "../../src/irc/connection";
import type { MessageEvent } from "../../src/irc/events";
import { localConnection } from "../support/connectedClient";
import { FakeIrcServer } from "../support/fakeIrcServer";
import { MemoryPool } from "../support/memoryPool";
import { until } from "../support/until";

describe("a bridge restart with the connection process", () => {
  const server = new FakeIrcServer(["multi-prefix", "server-time"]);
  let pool: MemoryPool;
  let socket: Socket | undefined;
  const connections: IrcConnection[] = [];
  const through = (port: number) => ({ host: "127.0.0.1", port, tls: false, bindAddress: undefined, connectionProcess: { link: pool, network: "test" } });

  before(async () => {
    const port = await server.listen();
    pool = new MemoryPool(port);
    server.onLine = (line, send, s) => {
      socket = s;
      const join = /^JOIN (\S+)/.exec(line);
      if (join !== null) send(`:${server.nicks.get(s) ?? "*"}!alice@host JOIN ${join[1] ?? ""}`);
    };
    const first = localConnection(port, "alice", { server: through(port) });
    connections.push(first);
    const registered = new Promise<void>((resolve) => first.on("registered", () => resolve()));
    first.start({ nick: "alice", username: "alice" });
    await registered;
    first.join("#chan");
    await until(() => [...pool.held.values()].some((h) => h.record.isIn("#chan")), "the first run's JOIN echo");
  });

  after(async () => {
    for (const c of connections) c.close("test over");
    await server.close();
  });

  it("answers the new client's registration locally, rejoins nothing, and gives the backlog after it, in order", async () => {
    // The bridge stops: its client is closed, but nothing reaches the connector any more (no QUIT).
    pool.stop();
    connections[0]?.close("bridge shutting down");
    for (let k = 0; k < 3; k++) socket?.write(`:bob!b@h PRIVMSG #chan :during-${k}\r\n`);
    await until(() => pool.unacked.length === 3, "the backlog in the stream");
    const heardBefore = server.received.length;

    pool.start();
    const second = localConnection(0, "alice", { server: through(0) });
    connections.push(second);
    const events: string[] = [];
    second.on("registered", (nick) => events.push(`registered ${nick}`));
    second.on("join", (e) => events.push(`join ${e.channel}`));
    second.on("message", (e: MessageEvent) => events.push(`message ${e.text}`));
    second.start({ nick: "alice", username: "alice" });
    await until(() => events.filter((e) => e.startsWith("message")).length === 3, "the backlog delivered");
    assert.deepEqual(events, ["registered alice", "join #chan", "message during-0", "message during-1", "message during-2"]);
    assert.deepEqual(pool.unacked, [], "every line is acknowledged once handled");
    assert.ok(second.isRegistered);

    // The bridge joins its channels again: the connector answers that JOIN with nothing, as a server would.
    second.join("#chan");
    assert.deepEqual(second.channelNames, ["#chan"]);
    void second.send("PRIVMSG", ["#chan", "marker"]);
    await until(() => server.received.includes("PRIVMSG #chan marker"), "the marker on the server");
    const heard = server.received.slice(heardBefore);
    const registration = heard.filter((l) => /^(CAP|NICK|USER|PASS|QUIT|JOIN|AUTHENTICATE)\b/.test(l));
    assert.deepEqual(registration, [], `the server saw no second registration and no QUIT or JOIN: ${heard.join(" | ")}`);
    assert.ok(heard.includes("NAMES #chan") && heard.includes("TOPIC #chan"), "the members and topic are asked of the server instead");
  });

  it("a close the user asked for (!quit, idle, unlink) still quits on IRC and ends the held connection", async () => {
    const current = connections[connections.length - 1] ?? assert.fail("no connection");
    current.close("quit at the user's request");
    await until(() => server.received.includes("QUIT :quit at the user's request"), "the QUIT on the server");
    await until(() => pool.held.size === 0, "the held connection gone");
  });
});
