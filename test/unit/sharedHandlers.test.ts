import { test } from "node:test";
import assert from "node:assert/strict";
import { Client, type ClientOptions } from "irc-framework";
import { shareCommandHandlers, sharedHandlerTable, wantsSasl } from "../../src/irc/sharedHandlers";

/** Feeds one server line to a client as its socket would (irc-framework's connection, untyped). */
function hear(client: Client, line: string): void {
  const connection = Reflect.get(client, "connection") as { addReadBuffer(line: string): void };
  connection.addReadBuffer(line);
}

test("the shared table has every command a client builds for itself, with the same code (001's and CAP's apart)", () => {
  const own = new Client().command_handler.handlers;
  const shared = sharedHandlerTable();
  assert.deepEqual(Object.keys(shared).sort(), Object.keys(own).sort());
  for (const [command, handler] of Object.entries(own)) {
    if (command === "RPL_WELCOME" || command === "CAP") assert.notEqual(String(shared[command]), String(handler), `${command} is the bridge's own`);
    else assert.equal(String(shared[command]), String(handler), command);
  }
});

/** A client whose writes are recorded (irc-framework's connection, untyped), server-time acknowledged. */
function recordingClient(shared: boolean): { client: Client; written: string[] } {
  const client = new Client({ ping_interval: 0, ping_timeout: 0 });
  if (shared) shareCommandHandlers(client);
  const written: string[] = [];
  Reflect.set(Reflect.get(client, "connection") as object, "write", (line: string) => void written.push(line));
  hear(client, ":server.test CAP * LS :server-time");
  hear(client, ":server.test CAP * ACK :server-time");
  return { client, written };
}

test("001 with server-time on: the registered event and the network's state as irc-framework gives them, and no PING", () => {
  const theirs = recordingClient(false);
  hear(theirs.client, ":server.test 001 bob :Welcome");
  assert.ok(theirs.written.some((line) => /^PING \d+$/.test(line)), `positive control: irc-framework's own 001 sends a PING: ${theirs.written.join(" | ")}`);
  const ours = recordingClient(true);
  const registered: { nick: string; tags: unknown }[] = [];
  ours.client.on("registered", (e: { nick: string; tags: unknown }) => registered.push(e));
  hear(ours.client, "@time=2026-12-05T00:00:00.000Z :server.test 001 bob :Welcome");
  assert.deepEqual(registered, [{ nick: "bob", tags: { time: "2026-12-05T00:00:00.000Z" } }]);
  assert.equal(ours.written.filter((line) => line.startsWith("PING")).length, 0, ours.written.join(" | "));
  assert.equal(ours.client.network.cap.negotiating, false);
  assert.equal(Reflect.get(ours.client.network, "server"), "server.test");
  assert.equal(ours.client.user.nick, "bob", "irc-framework's client learns its nick from 'registered' as before");
});

test("clients sharing the table each get their own events and state", () => {
  const a = new Client({ ping_interval: 0, ping_timeout: 0 });
  const b = new Client({ ping_interval: 0, ping_timeout: 0 });
  shareCommandHandlers(a);
  shareCommandHandlers(b);
  assert.equal(a.command_handler.handlers, b.command_handler.handlers);
  const heard: string[] = [];
  a.on("privmsg", (e: { message: string }) => heard.push(`a:${e.message}`));
  b.on("privmsg", (e: { message: string }) => heard.push(`b:${e.message}`));
  b.on("registered", (e: { nick: string }) => heard.push(`b registered as ${e.nick}`));
  hear(b, ":alice!a@h PRIVMSG #chan :hello");
  hear(a, ":alice!a@h PRIVMSG #chan :hi");
  hear(b, ":server.test 001 bob :Welcome");
  // A generic numeric (a closure per numeric in irc-framework's own table).
  b.on("wallops", (e: { message: string }) => heard.push(`b wallops ${e.message}`));
  hear(b, ":server.test WALLOPS :maintenance");
  assert.deepEqual(heard, ["b:hello", "a:hi", "b registered as bob", "b wallops maintenance"]);
});

/** A client (shared table or irc-framework's own) whose writes are recorded, with login options. */
function capClient(shared: boolean, options: Partial<ClientOptions> = {}): { client: Client; written: string[]; failed: string[] } {
  const client = new Client({ ping_interval: 0, ping_timeout: 0, account: { account: "", password: "" }, ...options });
  if (shared) shareCommandHandlers(client);
  const written: string[] = [];
  Reflect.set(Reflect.get(client, "connection") as object, "write", (line: string) => void written.push(line));
  const failed: string[] = [];
  client.on("sasl failed", (e: { reason: string }) => failed.push(e.reason));
  return { client, written, failed };
}

test("CAP without SASL: CAP END right behind CAP REQ, after the last LS line only; the ACK then ends nothing more", () => {
  const theirs = capClient(false);
  hear(theirs.client, ":server.test CAP * LS * :multi-prefix");
  hear(theirs.client, ":server.test CAP * LS :server-time sasl=PLAIN");
  assert.deepEqual(theirs.written, ["CAP REQ :multi-prefix server-time"], "positive control: irc-framework waits for the ACK");
  const ours = capClient(true);
  hear(ours.client, ":server.test CAP * LS * :multi-prefix");
  assert.deepEqual(ours.written, [], "nothing before the last LS line");
  hear(ours.client, ":server.test CAP * LS :server-time sasl=PLAIN");
  assert.deepEqual(ours.written, ["CAP REQ :multi-prefix server-time", "CAP END"]);
  assert.equal(ours.client.network.cap.negotiating, false);
  hear(ours.client, ":server.test CAP * ACK :multi-prefix server-time");
  assert.deepEqual(ours.written, ["CAP REQ :multi-prefix server-time", "CAP END"], "no second CAP END at the ACK");
  assert.ok(ours.client.network.cap.isEnabled("server-time") && ours.client.network.cap.isEnabled("multi-prefix"), "the ACK is still recorded");
  hear(ours.client, ":server.test 001 bob :Welcome");
  assert.equal(ours.client.user.nick, "bob");
});

test("CAP without SASL: a NAK is recorded and ends nothing more; an LS with nothing wanted is irc-framework's own CAP END, once", () => {
  const nak = capClient(true);
  hear(nak.client, ":server.test CAP * LS :server-time");
  hear(nak.client, ":server.test CAP * NAK :server-time");
  assert.deepEqual(nak.written, ["CAP REQ :server-time", "CAP END"]);
  assert.equal(nak.client.network.cap.isEnabled("server-time"), false);
  const none = capClient(true);
  hear(none.client, ":server.test CAP * LS :example.org/unknown");
  assert.deepEqual(none.written, ["CAP END"]);
});

test("CAP with SASL: irc-framework's exchange unchanged (PLAIN with an account, EXTERNAL, and EXTERNAL on a server without sasl)", () => {
  for (const shared of [false, true]) {
    const plain = capClient(shared, { account: { account: "alice", password: "secret" } });
    hear(plain.client, ":server.test CAP * LS :server-time sasl=PLAIN,EXTERNAL");
    assert.deepEqual(plain.written, ["CAP REQ :server-time sasl"], `shared ${shared}`);
    hear(plain.client, ":server.test CAP * ACK :server-time sasl");
    assert.deepEqual(plain.written, ["CAP REQ :server-time sasl", "AUTHENTICATE PLAIN"], `shared ${shared}`);
    assert.equal(plain.client.network.cap.negotiating, true, "CAP END waits for the login");
    const external = capClient(shared, { sasl_mechanism: "EXTERNAL" });
    hear(external.client, ":server.test CAP * LS :server-time sasl=EXTERNAL");
    hear(external.client, ":server.test CAP * ACK :server-time sasl");
    assert.deepEqual(external.written, ["CAP REQ :server-time sasl", "AUTHENTICATE EXTERNAL"], `shared ${shared}`);
    const missing = capClient(shared, { sasl_mechanism: "EXTERNAL" });
    hear(missing.client, ":server.test CAP * LS :server-time");
    assert.deepEqual(missing.written, ["CAP REQ :server-time"], `shared ${shared}: no CAP END before the ACK`);
    hear(missing.client, ":server.test CAP * ACK :server-time");
    assert.deepEqual(missing.failed, ["capability_missing"], `shared ${shared}: the missing sasl cap is still told`);
    assert.deepEqual(missing.written, ["CAP REQ :server-time", "CAP END"], `shared ${shared}`);
  }
});

test("CAP with SASL: a login wanted on a server without sasl is told after the ACK; sasl asked for by hand keeps CAP END back", () => {
  for (const shared of [false, true]) {
    const missing = capClient(shared, { account: { account: "alice", password: "secret" } });
    hear(missing.client, ":server.test CAP * LS :server-time");
    assert.deepEqual(missing.written, ["CAP REQ :server-time"], `shared ${shared}: no CAP END before the ACK`);
    hear(missing.client, ":server.test CAP * ACK :server-time");
    assert.deepEqual(missing.failed, ["capability_missing"], `shared ${shared}`);
    assert.deepEqual(missing.written, ["CAP REQ :server-time", "CAP END"], `shared ${shared}`);
    // The sasl cap asked for with no login in the options (what irc-framework's requestCap hands its command handler at connect).
    const asked = capClient(shared);
    const requestExtraCaps: unknown = Reflect.get(asked.client.command_handler, "requestExtraCaps");
    assert.equal(typeof requestExtraCaps, "function");
    if (typeof requestExtraCaps === "function") Reflect.apply(requestExtraCaps, asked.client.command_handler, [["sasl"]]);
    hear(asked.client, ":server.test CAP * LS :server-time sasl=PLAIN");
    assert.deepEqual(asked.written, ["CAP REQ :server-time sasl"], `shared ${shared}: CAP END waits while sasl is asked for`);
  }
});

test("CAP after registration: CAP NEW asks for what it wants and ends nothing", () => {
  const ours = capClient(true);
  hear(ours.client, ":server.test CAP * LS :server-time");
  hear(ours.client, ":server.test CAP * ACK :server-time");
  hear(ours.client, ":server.test 001 bob :Welcome");
  hear(ours.client, ":server.test CAP bob NEW :away-notify");
  assert.deepEqual(ours.written, ["CAP REQ :server-time", "CAP END", "CAP REQ :away-notify"]);
  hear(ours.client, ":server.test CAP bob ACK :away-notify");
  assert.deepEqual(ours.written, ["CAP REQ :server-time", "CAP END", "CAP REQ :away-notify"]);
  assert.ok(ours.client.network.cap.isEnabled("away-notify"));
});

test("wantsSasl reads the options as irc-framework does", () => {
  assert.equal(wantsSasl({ account: { account: "", password: "" } }), false);
  assert.equal(wantsSasl({ account: { account: "", password: "" }, password: "serverpass" }), false, "an account object, even empty, keeps the server password out of SASL");
  assert.equal(wantsSasl({ account: { account: "alice" } }), true);
  assert.equal(wantsSasl({ password: "serverpass" }), true, "no account object: irc-framework tries the server password");
  assert.equal(wantsSasl({}), false);
  assert.equal(wantsSasl({ account: { account: "" }, sasl_mechanism: "EXTERNAL" }), true);
});
