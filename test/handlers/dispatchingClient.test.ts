import assert from "node:assert/strict";
import { test } from "node:test";
import { Client } from "irc-framework";
import { DispatchingClient, rawOf } from "../../src/irc/dispatchingClient";
import { shareCommandHandlers } from "../../src/irc/sharedHandlers";
import { connected } from "../support/connectedClient";

/** Feeds one server line to a client as its socket would (irc-framework's connection, untyped). */
function hear(client: Client, line: string): void {
  client.connection.addReadBuffer(line);
}

test("the sink gets every event the client emits, once, after the client's listeners, with the same argument", () => {
  const client = new DispatchingClient({ ping_interval: 0, ping_timeout: 0 });
  const order: string[] = [];
  const listened = new Map<string, unknown>();
  for (const event of ["privmsg", "join", "raw", "nick in use"]) {
    client.on(event, (e: unknown) => {
      order.push(`listener ${event}`);
      listened.set(event, e);
    });
  }
  const sunk: [string, unknown][] = [];
  client.sink = (event, arg) => {
    order.push(`sink ${event}`);
    sunk.push([event, arg]);
  };
  hear(client, ":alice!a@h PRIVMSG #chan :hello");
  hear(client, ":bob!b@h JOIN #chan");
  hear(client, ":srv 433 * taken :Nickname is already in use");
  hear(client, ":srv WALLOPS :maintenance");
  const events = sunk.map(([event]) => event);
  for (const event of ["privmsg", "join", "raw", "nick in use"]) {
    assert.equal(events.filter((e) => e === event).length, event === "raw" ? 4 : 1, `${event}: once per line`);
    assert.equal(
      sunk.find(([e]) => e === event)?.[1],
      event === "raw" ? sunk.find(([e]) => e === "raw")?.[1] : listened.get(event),
      `${event}: the listener's own object`,
    );
  }
  assert.equal(rawOf(sunk.find(([e]) => e === "privmsg")?.[1]).message, "hello");
  // Each event reaches the sink right after the client's listeners of it, never before.
  for (const event of ["privmsg", "join", "nick in use"]) assert.ok(order.indexOf(`listener ${event}`) < order.indexOf(`sink ${event}`), event);
  // Events nobody listens to go to the sink too.
  assert.deepEqual(
    sunk.filter(([e]) => e === "wallops").map(([, arg]) => rawOf(arg).message),
    ["maintenance"],
  );
});

test("without a sink nothing is handed on, and the client's listeners still hear it", () => {
  const client = new DispatchingClient({ ping_interval: 0, ping_timeout: 0 });
  const sunk: string[] = [];
  const heard: string[] = [];
  client.on("privmsg", (e: { message: string }) => heard.push(e.message));
  client.sink = (event) => sunk.push(event);
  hear(client, ":alice!a@h PRIVMSG #chan :one");
  assert.ok(sunk.includes("privmsg"), "positive control: with the sink set");
  sunk.length = 0;
  client.sink = undefined;
  hear(client, ":alice!a@h PRIVMSG #chan :two");
  assert.deepEqual(sunk, []);
  assert.deepEqual(heard, ["one", "two"]);
});

test("rawOf: an event object as it is (not copied), an empty one for anything else", () => {
  const e = { nick: "alice" };
  assert.equal(rawOf(e), e);
  assert.deepEqual(rawOf(undefined), {});
  assert.deepEqual(rawOf("text"), {});
  assert.deepEqual(rawOf(null), {});
});

test("a registered connection adds no listener to its client: the client has only irc-framework's own", async () => {
  const { connection, done } = await connected([]);
  try {
    const client: unknown = Reflect.get(connection, "client");
    assert.ok(client instanceof DispatchingClient, "the connection's client");
    assert.ok(client.sink !== undefined, "positive control: the connection hears it through its sink");
    const bare = new DispatchingClient({ ping_interval: 0, ping_timeout: 0 });
    const counts = (c: DispatchingClient) => Object.fromEntries(c.eventNames().map((name) => [String(name), c.listenerCount(name)]));
    assert.deepEqual(counts(client), counts(bare));
  } finally {
    await done();
  }
});

/** irc-framework's own client, every event it emits recorded (the dispatch the bridge's shortens). */
class RecordingClient extends Client {
  readonly heard: [string, unknown][] = [];
  override emit(event: string | symbol, ...args: unknown[]): boolean {
    if (typeof event === "string") this.heard.push([event, args[0]]);
    return super.emit(event, ...args);
  }
}

/** Lines of a registration, a join, messages of each kind, our own nick and modes changing, a batch, refusals. */
const SCRIPT = [
  ":srv CAP * LS :batch echo-message extended-join message-tags multi-prefix server-time sasl=PLAIN",
  ":srv CAP * ACK :batch echo-message extended-join message-tags multi-prefix server-time",
  "@time=2026-12-05T10:00:00.000Z :srv 001 bob :Welcome bob",
  ":srv 005 bob CASEMAPPING=ascii CHANMODES=Ibe,k,fl,CEMRUimnstu PREFIX=(qaohv)~&@%+ NICKLEN=32 :are supported",
  ":srv 221 bob +i",
  "@time=2026-12-05T10:00:01.000Z;msgid=j1 :bob!~b@h JOIN #chan * Bob",
  ":srv 353 bob = #chan :bob @alice carol",
  ":srv 366 bob #chan :End of NAMES list",
  ":srv 324 bob #chan +nt",
  "@msgid=m1 :alice!~a@h PRIVMSG #chan :hello",
  "@msgid=m2 :alice!~a@h NOTICE #chan :a notice",
  "@msgid=m3 :alice!~a@h PRIVMSG #chan :\x01ACTION waves\x01",
  ":alice!~a@h PRIVMSG bob :\x01VERSION\x01",
  ":alice!~a@h MODE #chan +v carol",
  ":bob MODE bob +w",
  ":bob!~b@h NICK :robert",
  ":srv BATCH +b1 netsplit a.srv b.srv",
  "@batch=b1 :carol!~c@h QUIT :a.srv b.srv",
  ":srv BATCH -b1",
  ":srv 404 robert #other :Cannot send to channel",
  ":srv 433 robert taken :Nickname is already in use",
  ":srv FOOBAR something new",
];

/** An event's argument as a plain value: without irc-framework's `reply` helper, which the bridge's client does not add. */
function comparable(arg: unknown): unknown {
  if (typeof arg !== "object" || arg === null) return arg;
  const { reply: _reply, ...rest } = rawOf(arg);
  return rest;
}

test("the shortened dispatch gives the events irc-framework's own gives, in the same order, less its 'message' copies", () => {
  const theirs = new RecordingClient({ ping_interval: 0, ping_timeout: 0 });
  shareCommandHandlers(theirs);
  const ours = new DispatchingClient({ ping_interval: 0, ping_timeout: 0 });
  shareCommandHandlers(ours);
  const sunk: [string, unknown][] = [];
  ours.sink = (event, arg) => sunk.push([event, arg]);
  for (const line of SCRIPT) {
    hear(theirs, line);
    hear(ours, line);
  }
  // A line written: the connection tells it as "raw" too (from_server false), once connected.
  for (const c of [theirs, ours]) {
    Reflect.set(c.connection, "connected", true);
    Reflect.set(c.connection, "transport", { writeLine: () => undefined });
    c.raw("PRIVMSG #chan :hi");
  }
  assert.ok(
    theirs.heard.some(([event, arg]) => event === "raw" && rawOf(arg).from_server === false),
    "positive control: irc-framework tells a line written as raw",
  );
  // Positive controls: irc-framework's own dispatch does copy messages into "message" events and adds `reply`.
  const copies = theirs.heard.filter(([event]) => event === "message");
  assert.deepEqual(copies.map(([, arg]) => rawOf(arg).type), ["privmsg", "notice", "action"]);
  assert.equal(typeof rawOf(theirs.heard.find(([event]) => event === "privmsg")?.[1]).reply, "function");
  const expected = theirs.heard.filter(([event]) => event !== "message").map(([event, arg]) => [event, comparable(arg)]);
  assert.ok(expected.length >= 2 * SCRIPT.length, `a script that gives events: ${expected.map(([e]) => e).join(", ")}`);
  assert.deepEqual(
    sunk.map(([event, arg]) => [event, comparable(arg)]),
    expected,
  );
  assert.equal(sunk.filter(([event]) => event === "message").length, 0);
  // irc-framework's own state follows as before: its nick, its modes.
  assert.equal(ours.user.nick, "robert");
  assert.equal(ours.user.nick, theirs.user.nick);
  const modes = (c: Client): string[] => {
    const set: unknown = Reflect.get(c.user, "modes");
    return set instanceof Set ? [...set].map(String) : [];
  };
  assert.deepEqual(modes(ours), modes(theirs));
  assert.ok(modes(ours).includes("w"), `irc-framework kept our user mode +w: ${modes(ours).join("")}`);
});

test("the client's nick changes after the sink heard the NICK, as with irc-framework's own dispatch", () => {
  const client = new DispatchingClient({ ping_interval: 0, ping_timeout: 0 });
  shareCommandHandlers(client);
  hear(client, ":srv 001 bob :Welcome");
  const seen: string[] = [];
  client.sink = (event) => {
    if (event === "nick") seen.push(client.user.nick);
  };
  hear(client, ":bob!~b@h NICK :robert");
  assert.deepEqual(seen, ["bob"]);
  assert.equal(client.user.nick, "robert");
});

test("each event restarts the client's ping timeout, as irc-framework's 'all' listener did", () => {
  const client = new DispatchingClient({ ping_interval: 0, ping_timeout: 0 });
  shareCommandHandlers(client);
  let resets = 0;
  // What irc-framework installs once connected when ping_timeout is set (client.startPingTimeoutTimer).
  Reflect.set(client, "resetPingTimeoutTimer", () => resets++);
  hear(client, ":alice!a@h PRIVMSG #chan :hello");
  hear(client, ":bob!b@h JOIN #chan");
  assert.equal(resets, 2);
});

test("a client built otherwise than irc-framework 4.14 builds it is refused, not shortened", (t) => {
  const proxy: unknown = Reflect.get(Client.prototype, "proxyIrcEvents");
  assert.equal(typeof proxy, "function", "irc-framework's client proxies its command handler's events");
  // A later version adding a second listener of "all", say.
  Reflect.set(Client.prototype, "proxyIrcEvents", function (this: Client) {
    if (typeof proxy === "function") Reflect.apply(proxy, this, []);
    const on: unknown = Reflect.get(this.command_handler, "on");
    if (typeof on === "function") Reflect.apply(on, this.command_handler, ["all", () => undefined]);
  });
  t.after(() => Reflect.set(Client.prototype, "proxyIrcEvents", proxy));
  assert.throws(() => new DispatchingClient({ ping_interval: 0, ping_timeout: 0 }), /not built as this bridge expects .*2, 1, 1/);
});

test("middleware is refused: the shortened dispatch would pass it by", () => {
  const client = new DispatchingClient({ ping_interval: 0, ping_timeout: 0 });
  assert.throws(() => client.use(() => undefined), /takes no middleware/);
});
