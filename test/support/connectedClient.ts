import { IrcConnection, type ConnectGate, type ConnectionOptions } from "../../src/irc/connection";
import { FakeIrcServer } from "./fakeIrcServer";

/** Lets the first connection attempt go at once and holds every later one (no reconnects here). */
export function onceGate(): ConnectGate {
  let used = false;
  return {
    request: (_id, request) => {
      if (used) return;
      used = true;
      setImmediate(() => request.go());
    },
    cancel: () => undefined,
    report: () => undefined,
    holdReason: undefined,
  };
}

/** A real IrcConnection (irc-framework underneath) registered as "alice" with a scripted local server. */
export async function connected(caps: readonly string[], options: Partial<ConnectionOptions> = {}) {
  const server = new FakeIrcServer(caps);
  const port = await server.listen();
  const connection = new IrcConnection({
    id: "test/alice",
    server: { host: "127.0.0.1", port, tls: false, bindAddress: undefined },
    realname: "@alice:example.org",
    pacing: { burstLines: 10, lineIntervalMs: 0, maxQueuedLines: 100 },
    keepalive: { pingIntervalS: 30, pingTimeoutS: 90 },
    reconnect: { minMs: 60000, maxMs: 60000 },
    gate: onceGate(),
    priority: () => 0,
    ...options,
  });
  const registered = new Promise<void>((resolve) => connection.on("registered", () => resolve()));
  connection.start({ nick: "alice", username: "alice" });
  await registered;
  const done = async () => {
    connection.close("test over");
    await server.close();
  };
  return { server, connection, done };
}
