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

/** Lets every connection attempt go at once (reconnects too), counting them. */
export function everyAttemptGate(): ConnectGate & { readonly attempts: () => number } {
  let attempts = 0;
  return {
    request: (_id, request) => void setImmediate(() => (attempts++, request.go())),
    cancel: () => undefined,
    report: () => undefined,
    holdReason: undefined,
    attempts: () => attempts,
  };
}

/** A real IrcConnection (irc-framework underneath) to a local test server, not started. */
export function localConnection(port: number, nick: string, options: Partial<ConnectionOptions> = {}): IrcConnection {
  return new IrcConnection({
    id: `test/${nick}`,
    server: { host: "127.0.0.1", port, tls: false, bindAddress: undefined },
    realname: `@${nick}:example.org`,
    pacing: { burstLines: 100, lineIntervalMs: 0, maxQueuedLines: 100 },
    keepalive: { pingIntervalS: 3600, pingTimeoutS: 3600 },
    reconnect: { minMs: 60000, maxMs: 60000 },
    gate: onceGate(),
    priority: () => 0,
    ...options,
  });
}

/** A real IrcConnection to a local test server, registered as `nick`. */
export async function registeredConnection(port: number, nick: string, options: Partial<ConnectionOptions> = {}): Promise<IrcConnection> {
  const connection = localConnection(port, nick, options);
  const registered = new Promise<void>((resolve) => connection.on("registered", () => resolve()));
  connection.start({ nick, username: nick });
  await registered;
  return connection;
}

/** A real IrcConnection registered as "alice" with a scripted local server. */
export async function connected(caps: readonly string[], options: Partial<ConnectionOptions> = {}) {
  const server = new FakeIrcServer(caps);
  const port = await server.listen();
  const connection = await registeredConnection(port, "alice", options);
  const done = async () => {
    connection.close("test over");
    await server.close();
  };
  return { server, connection, done };
}
