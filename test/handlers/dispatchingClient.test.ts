import assert from "node:assert/strict";
import { test } from "node:test";
import { EventEmitter } from "node:events";
import { Client, type ClientOptions } from "irc-framework";
import { DispatchingClient, rawOf } from "../../src/irc/dispatchingClient";
import { checkFramework } from "../../src/irc/leanStructure";
import { shareCommandHandlers } from "../../src/irc/sharedHandlers";
import { connected } from "../support/connectedClient";
import { hasFastProperties } from "../support/gc";

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

test("a registered connection adds no listener to its client: it has as many as a bare one (none)", async () => {
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
  ":srv 306 robert :You have been marked as being away",
  ":srv 352 robert #chan ~rob cloak.example srv robert H :0 Robert",
  ":srv 352 robert #chan ~a h srv alice H@ :0 Alice",
  ":srv 315 robert #chan :End of WHO list",
  ":srv 396 robert shown.example :is now your displayed host",
  ":srv 305 robert :You are no longer marked as being away",
  ":srv 306 robert :You have been marked as being away",
  ":robert!~b@h NICK :0ABCDEF",
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
  // Its away flag, user name and host (WHO, 396), as irc-framework's own listeners keep them; no nick starting with a digit.
  const user = (c: Client) => ({ nick: c.user.nick, username: c.user.username, host: c.user.host, away: c.user.away });
  assert.deepEqual(user(ours), user(theirs));
  assert.deepEqual(user(ours), { nick: "robert", username: "~rob", host: "shown.example", away: true });
  // The registration is marked on the connection, and "connected" told after "registered".
  assert.equal(typeof Reflect.get(ours.connection, "registered"), "number");
  assert.ok(events(sunk).indexOf("connected") > events(sunk).indexOf("registered"));
});

function events(heard: readonly [string, unknown][]): string[] {
  return heard.map(([event]) => event);
}

/** A client's CAP negotiation state, as plain values. */
function capState(c: Client): unknown {
  const { negotiating, requested, enabled, available } = c.network.cap;
  return { negotiating, requested: [...requested], enabled: [...enabled], available: [...available] };
}

/** A transport that records what is written and lets the test open, feed and close it. */
class ScriptedTransport extends EventEmitter {
  static last: ScriptedTransport | undefined;
  readonly written: string[] = [];
  constructor() {
    super();
    ScriptedTransport.last = this;
  }
  connect(): void {}
  setEncoding(): boolean {
    return true;
  }
  writeLine(line: string): void {
    this.written.push(line);
  }
  disposeSocket(): void {}
  close(): void {}
  isConnected(): boolean {
    return true;
  }
}

test("a connection opened, registered, closed and opened again: the same events, lines written and caps as irc-framework's own client", () => {
  const run = (c: Client, record: () => [string, unknown][]) => {
    const options: Partial<ClientOptions> = { ping_interval: 0, ping_timeout: 0, auto_reconnect: false, nick: "bob", username: "b", gecos: "Bob", transport: ScriptedTransport };
    const written: string[] = [];
    const caps: unknown[] = [];
    for (let round = 0; round < 2; round++) {
      c.connect(options);
      const transport = ScriptedTransport.last;
      assert.ok(transport !== undefined);
      caps.push(capState(c));
      transport.emit("extra", "raw socket connected", { socket: round });
      transport.emit("open");
      for (const line of SCRIPT.slice(0, 6)) transport.emit("line", line);
      caps.push(capState(c));
      transport.emit("close", round === 0 ? new Error("reset") : undefined);
      written.push(...transport.written);
    }
    return { events: record().map(([event, arg]) => [event, comparable(arg)]), written, caps };
  };
  const theirs = new RecordingClient();
  shareCommandHandlers(theirs);
  const ours = new DispatchingClient();
  shareCommandHandlers(ours);
  const sunk: [string, unknown][] = [];
  ours.sink = (event, arg) => sunk.push([event, arg]);
  const expected = run(theirs, () => theirs.heard.filter(([event]) => event !== "message"));
  const got = run(ours, () => sunk);
  // Positive controls: irc-framework's client registered (CAP LS, NICK, USER) and told the socket's events.
  assert.ok(expected.written.includes("CAP LS 302") && expected.written.includes("NICK bob"), expected.written.join(" | "));
  for (const event of ["connecting", "raw socket connected", "socket connected", "registered", "connected", "socket close", "close"]) {
    assert.ok(events(theirs.heard).includes(event), event);
  }
  assert.deepEqual(got.written, expected.written);
  assert.deepEqual(got.events, expected.events);
  // Each new connection starts its CAP negotiation afresh (the caps of the first are gone at the second's start).
  assert.deepEqual(got.caps, expected.caps);
  assert.deepEqual(got.caps[2], got.caps[0]);
});

test("the client has none of irc-framework's own listeners: the steps are shared, and listeners added later still run", () => {
  const client = new DispatchingClient({ ping_interval: 0, ping_timeout: 0 });
  shareCommandHandlers(client);
  assert.deepEqual(client.eventNames(), []);
  assert.deepEqual(client.command_handler.eventNames(), []);
  assert.deepEqual(client.connection.eventNames(), []);
  const later: string[] = [];
  client.on("registered", () => later.push("client"));
  Reflect.apply(Reflect.get(client.connection, "on") as (e: string, f: () => void) => unknown, client.connection, ["socket close", () => later.push("connection")]);
  hear(client, ":srv 001 bob :Welcome");
  client.connection.emit("socket close");
  assert.deepEqual(later, ["client", "connection"]);
  assert.equal(client.user.nick, "bob");
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

test("a client built otherwise than irc-framework 4.14 builds it is refused, naming what differs", (t) => {
  assert.doesNotThrow(() => checkFramework(new Client()), "positive control: irc-framework 4.14's own client");
  const proxy: unknown = Reflect.get(Client.prototype, "proxyIrcEvents");
  assert.equal(typeof proxy, "function", "irc-framework's client proxies its command handler's events");
  // A later version adding a second listener of "all", say.
  Reflect.set(Client.prototype, "proxyIrcEvents", function (this: Client) {
    if (typeof proxy === "function") Reflect.apply(proxy, this, []);
    const on: unknown = Reflect.get(this.command_handler, "on");
    if (typeof on === "function") Reflect.apply(on, this.command_handler, ["all", () => undefined]);
  });
  t.after(() => Reflect.set(Client.prototype, "proxyIrcEvents", proxy));
  assert.throws(() => checkFramework(new Client()), /not built as this bridge expects .*its command handler listens to all: 2, .* where all: 1, /);
});

test("a client with another part than irc-framework 4.14's is refused", () => {
  const template = new Client();
  Reflect.set(template, "channel_cache", {});
  assert.throws(() => checkFramework(template), /its parts are .*channel_cache/);
});

test("the bridge's clients share one hidden class: none is turned into a dictionary by a getter of its own", () => {
  const clients = [new DispatchingClient(), new DispatchingClient(), new DispatchingClient()];
  assert.deepEqual([new Client(), new Client(), new Client()].map(hasFastProperties).slice(1), [false, false], "positive control: irc-framework's own clients after the first are dictionaries");
  assert.deepEqual(clients.map(hasFastProperties), [true, true, true]);
  // irc-framework's own client defines `connected` on each client; the bridge's reads it through its prototype.
  assert.deepEqual(clients.map((c) => Object.getOwnPropertyNames(c).includes("connected")), [false, false, false]);
  assert.ok(Object.getOwnPropertyNames(new Client()).includes("connected"), "positive control: irc-framework's own client has it");
  Reflect.set(clients[0]?.connection ?? {}, "connected", true);
  assert.deepEqual(clients.map((c) => c.connected), [true, false, false]);
});

test("middleware is refused: the shortened dispatch would pass it by", () => {
  const client = new DispatchingClient({ ping_interval: 0, ping_timeout: 0 });
  assert.throws(() => client.use(() => undefined), /takes no middleware/);
});

test("irc-framework's own step for an event runs before the client's listeners of it: a listener of 'away' reads the flag set", () => {
  const read = (c: Client): boolean[] => {
    shareCommandHandlers(c);
    hear(c, ":srv 001 bob :Welcome");
    const seen: boolean[] = [];
    c.on("away", () => seen.push(c.user.away));
    c.on("back", () => seen.push(c.user.away));
    hear(c, ":srv 306 bob :You have been marked as being away");
    hear(c, ":srv 305 bob :You are no longer marked as being away");
    return seen;
  };
  const theirs = read(new Client({ ping_interval: 0, ping_timeout: 0 }));
  assert.deepEqual(theirs, [true, false], "positive control: irc-framework's own client");
  assert.deepEqual(read(new DispatchingClient({ ping_interval: 0, ping_timeout: 0 })), theirs);
});

test("with irc-framework's own keepalive on (ping_interval, ping_timeout), its timers are started as by its own client", () => {
  const run = (c: Client) => {
    shareCommandHandlers(c);
    const options: Partial<ClientOptions> = { ping_interval: 30, ping_timeout: 120, auto_reconnect: false, nick: "bob", username: "b", gecos: "Bob", transport: ScriptedTransport };
    c.connect(options);
    const transport = ScriptedTransport.last;
    assert.ok(transport !== undefined);
    transport.emit("open");
    const timersAtOpen = (Reflect.get(c.connection, "_timers") as unknown[]).length;
    const ownTimeout = Object.getOwnPropertyNames(c).includes("resetPingTimeoutTimer");
    // Counted as added at the welcome: irc-framework's own client also has its proxy of the event.
    const closeBefore = c.connection.listenerCount("socket close");
    transport.emit("line", ":srv 001 bob :Welcome");
    const pongListeners = c.command_handler.listenerCount("pong");
    const closeListeners = c.connection.listenerCount("socket close") - closeBefore;
    const timersAtWelcome = (Reflect.get(c.connection, "_timers") as unknown[]).length;
    transport.emit("close", false);
    const afterClose = c.command_handler.listenerCount("pong");
    return { timersAtOpen, ownTimeout, pongListeners, closeListeners, timersAtWelcome, afterClose };
  };
  const theirs = run(new Client());
  assert.deepEqual(theirs, { timersAtOpen: 1, ownTimeout: true, pongListeners: 1, closeListeners: 1, timersAtWelcome: 2, afterClose: 0 }, "positive control: irc-framework's own client");
  assert.deepEqual(run(new DispatchingClient()), theirs);
});
