import assert from "node:assert/strict";
import { test } from "node:test";
import { DispatchingClient, rawOf } from "../../src/irc/dispatchingClient";
import { connected } from "../support/connectedClient";

/** Feeds one server line to a client as its socket would (irc-framework's connection, untyped). */
function hear(client: DispatchingClient, line: string): void {
  const connection = Reflect.get(client, "connection") as { addReadBuffer(line: string): void };
  connection.addReadBuffer(line);
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
  const events = sunk.map(([event]) => event);
  for (const event of ["privmsg", "join", "raw", "nick in use"]) {
    assert.equal(events.filter((e) => e === event).length, event === "raw" ? 3 : 1, `${event}: once per line`);
    assert.equal(
      sunk.find(([e]) => e === event)?.[1],
      event === "raw" ? sunk.find(([e]) => e === "raw")?.[1] : listened.get(event),
      `${event}: the listener's own object`,
    );
  }
  assert.equal(rawOf(sunk.find(([e]) => e === "privmsg")?.[1]).message, "hello");
  // Each event reaches the sink right after the client's listeners of it, never before.
  for (const event of ["privmsg", "join", "nick in use"]) assert.ok(order.indexOf(`listener ${event}`) < order.indexOf(`sink ${event}`), event);
  // Events nobody listens to go to the sink too (irc-framework's "message" on every line, say).
  assert.ok(events.length > 6, `only ${events.join(", ")}`);
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
