import assert from "node:assert/strict";
import { test } from "node:test";
import { Client } from "irc-framework";
import { DispatchingClient } from "../../src/irc/dispatchingClient";
import { check } from "../../src/irc/sharedMethods";
import { shareCommandHandlers } from "../../src/irc/sharedHandlers";

/** Feeds one server line to a client as its socket would. */
function hear(client: Client, line: string): void {
  client.connection.addReadBuffer(line);
}

const LINES = [
  ":srv CAP * LS :batch message-tags server-time multi-prefix",
  ":srv CAP * ACK :batch message-tags server-time multi-prefix",
  ":srv 001 bob :Welcome",
  ":srv 005 bob CHANTYPES=#& STATUSMSG=@+ CLIENTTAGDENY=*,-typing PREFIX=(ov)@+ :are supported",
];

function ownFunctions(v: object): string[] {
  return Object.entries(v)
    .filter(([, value]) => typeof value === "function")
    .map(([key]) => key);
}

/** Calls a method the way irc-framework does: on its object. */
function call(target: unknown, name: string, ...args: unknown[]): unknown {
  assert.ok(typeof target === "object" && target !== null);
  const f: unknown = Reflect.get(target, name);
  if (typeof f !== "function") throw new Error(`no method ${name}`);
  return Reflect.apply(f, target, args);
}

test("the shared methods answer as irc-framework's own closures, over each client's own data", () => {
  const theirs = new Client({ ping_interval: 0, ping_timeout: 0 });
  shareCommandHandlers(theirs);
  const ours = new DispatchingClient({ ping_interval: 0, ping_timeout: 0 });
  shareCommandHandlers(ours);
  for (const line of LINES) {
    hear(theirs, line);
    hear(ours, line);
  }
  // Positive control: irc-framework's own objects hold their methods as closures.
  assert.ok(ownFunctions(theirs.network).includes("supports") && ownFunctions(theirs.network.cap).includes("isEnabled"));
  assert.deepEqual(ownFunctions(ours.network), []);
  assert.deepEqual(ownFunctions(ours.network.cap), []);
  const token: unknown = Reflect.get(ours, "whox_token");
  assert.ok(typeof token === "object" && token !== null);
  assert.deepEqual(ownFunctions(token), []);
  assert.equal(Reflect.get(ours.command_handler, "network"), ours.network, "the command handler holds the same NetworkInfo");
  const answers = (c: Client) => {
    const n = c.network;
    return {
      prefix: call(n, "supports", "prefix"),
      channel: ["#a", "&b", "c", ""].map((name) => call(n, "isChannelName", name)),
      group: ["@#chan", "#chan"].map((target) => call(n, "extractTargetGroup", target)),
      tags: ["typing", "react"].map((tag) => call(n, "supportsTag", tag)),
      caps: ["server-time", "sasl"].map((cap) => call(n.cap, "isEnabled", cap)),
    };
  };
  assert.deepEqual(answers(ours), answers(theirs));
  assert.deepEqual(answers(ours).channel, [true, true, false, false]);
  assert.deepEqual(answers(ours).caps, [true, false]);
  assert.deepEqual(answers(ours).group, [{ target: "#chan", target_group: "@" }, null]);
  // The server-time offsets: each client's own.
  call(ours.network, "addServerTimeOffset", Date.now() + 60_000);
  call(theirs.network, "addServerTimeOffset", Date.now() + 60_000);
  const offset = (c: Client) => Number(call(c.network, "getServerTimeOffset"));
  assert.ok(offset(ours) > 59_000 && Math.abs(offset(ours) - offset(theirs)) < 1000, `${offset(ours)} / ${offset(theirs)}`);
  assert.ok(Math.abs(Number(call(ours.network, "timeToLocal", 100_000)) - Number(call(theirs.network, "timeToLocal", 100_000))) < 1000);
  const other = new DispatchingClient({ ping_interval: 0, ping_timeout: 0 });
  assert.equal(offset(other), 0, "another client's offsets are its own");
});

test("the WHOX token counts each client's own requests, 1 to 999, as irc-framework's", () => {
  const theirs = new Client({ ping_interval: 0, ping_timeout: 0 });
  const ours = new DispatchingClient({ ping_interval: 0, ping_timeout: 0 });
  const other = new DispatchingClient({ ping_interval: 0, ping_timeout: 0 });
  const tokens = (c: Client): unknown => Reflect.get(c, "whox_token");
  const run = (c: Client) => {
    const t = tokens(c);
    const given = Array.from({ length: 1001 }, () => Number(call(t, "next")));
    return { given: [given[0], given[1], given[998], given[999], given[1000]], valid: [call(t, "validate", 500), call(t, "validate", 500), call(t, "validate", 5000)] };
  };
  const expected = run(theirs);
  assert.deepEqual(expected.given, [1, 2, 999, 1, 2], "positive control: irc-framework's wraps after 999");
  assert.deepEqual(expected.valid, [true, false, false], "positive control: a token is valid once");
  assert.deepEqual(run(ours), expected);
  assert.equal(call(tokens(other), "next"), 1, "another client's count is its own");
});

test("a client whose objects hold other functions than the listed ones is refused", () => {
  assert.doesNotThrow(() => check("caps", { isEnabled: () => true, enabled: [] }, ["isEnabled"]));
  assert.throws(() => check("caps", { isEnabled: () => true, isAvailable: () => true }, ["isEnabled"]), /its caps has the functions isEnabled, isAvailable where isEnabled were expected/);
  assert.throws(() => check("WHOX token", { next: () => 1 }, ["next", "validate"]), /WHOX token/);
});
