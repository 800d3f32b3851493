import { test } from "node:test";
import assert from "node:assert/strict";
import { Client } from "irc-framework";
import { shareCommandHandlers, sharedHandlerTable } from "../../src/irc/sharedHandlers";

/** Feeds one server line to a client as its socket would (irc-framework's connection, untyped). */
function hear(client: Client, line: string): void {
  const connection = Reflect.get(client, "connection") as { addReadBuffer(line: string): void };
  connection.addReadBuffer(line);
}

test("the shared table has every command a client builds for itself, with the same code (001's apart)", () => {
  const own = new Client().command_handler.handlers;
  const shared = sharedHandlerTable();
  assert.deepEqual(Object.keys(shared).sort(), Object.keys(own).sort());
  for (const [command, handler] of Object.entries(own)) {
    if (command === "RPL_WELCOME") assert.notEqual(String(shared[command]), String(handler), "001 is the bridge's own");
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
