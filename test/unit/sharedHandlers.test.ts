import { test } from "node:test";
import assert from "node:assert/strict";
import { Client } from "irc-framework";
import { shareCommandHandlers, sharedHandlerTable } from "../../src/irc/sharedHandlers";

/** Feeds one server line to a client as its socket would (irc-framework's connection, untyped). */
function hear(client: Client, line: string): void {
  const connection = Reflect.get(client, "connection") as { addReadBuffer(line: string): void };
  connection.addReadBuffer(line);
}

test("the shared table has every command a client builds for itself, with the same code", () => {
  const own = new Client().command_handler.handlers;
  const shared = sharedHandlerTable();
  assert.deepEqual(Object.keys(shared).sort(), Object.keys(own).sort());
  for (const [command, handler] of Object.entries(own)) assert.equal(String(shared[command]), String(handler), command);
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
