import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseConfig } from "../../src/config/load";
import { NetworkIds } from "../../src/matrix/networkIds";
import { everyAttemptGate, localConnection } from "../support/connectedClient";
import type { ChannelEvent } from "../../src/broker/channelEvent";
import { FakeIrcServer } from "../support/fakeIrcServer";
import { base, ircScene, MAPPED, PORTAL } from "../support/ircScene";
import { PuppetSettings } from "../../src/puppets/puppetSettings";
import { openNedbStore } from "../../src/store/nedbStore";
import { FakeClock } from "../support/fakeClock";
import { fakeNetwork } from "../support/fakeNetwork";
import { testPuppets } from "../support/testPuppets";

/**
 * Issue 15's nick policy, apart from !nick (adminIrcCommands.test.ts) and displayname changes
 * (fromMatrix.test.ts): the ghosts' displayname template and the user modes set on connect.
 */
const join = (nick: string): ChannelEvent => ({ type: "join", channel: "#chan", e: { ...base, nick, channel: "#chan", account: undefined } });

describe("ghostDisplayname", () => {
  it("fills {nick} and {network} in one pass; a nick that looks like a placeholder stays as written", () => {
    const ids = (template: string) => new NetworkIds({ ghostTemplate: "irc_{nick}", aliasTemplate: "irc_{channel}", ghostDisplayname: template, name: "Libera" }, "example.org");
    assert.equal(ids("{nick}").ghostDisplayname("Bob"), "Bob");
    assert.equal(ids("{nick} (IRC)").ghostDisplayname("Bob"), "Bob (IRC)");
    assert.equal(ids("{nick} on {network}").ghostDisplayname("Bob"), "Bob on Libera");
    assert.equal(ids("{nick} ({network})").ghostDisplayname("{network}"), "{network} (Libera)");
    assert.equal(new NetworkIds({ ghostTemplate: "irc_{nick}", aliasTemplate: "irc_{channel}" }, "example.org").ghostDisplayname("Bob"), "Bob", "default: the nick");
  });

  it("an IRC user's ghost gets the template's displayname when it joins, speaks and changes nick", async () => {
    const { run } = await ircScene(', ghostDisplayname: "{nick} (IRC)"');
    const bob = "@irc_bob:example.org";
    const joined = await run(join("Bob"));
    assert.ok(joined.includes(`setDisplayname ${bob} Bob (IRC)`), joined.join("\n"));
    for (const room of [PORTAL, MAPPED]) assert.ok(joined.includes(`join ${room} ${bob}`));
    const renamed = await run({ type: "nick", channel: "#chan", e: { ...base, nick: "Bob", newNick: "Robert" } });
    assert.ok(renamed.includes("setDisplayname @irc_robert:example.org Robert (IRC)"), renamed.join("\n"));
    const cased = await run({ type: "nick", channel: "#chan", e: { ...base, nick: "Robert", newNick: "ROBERT" } });
    assert.ok(cased.includes("setDisplayname @irc_robert:example.org ROBERT (IRC)"), cased.join("\n"));
    const spoke = await run({ type: "message", channel: "#chan", e: { ...base, kind: "privmsg", from: "Carol", target: "#chan", text: "hi", tags: {}, account: undefined } });
    assert.ok(spoke.includes("setDisplayname @irc_carol:example.org Carol (IRC)"), spoke.join("\n"));
  });

  it("is checked at config load, naming the key", () => {
    const load = (extra: string) => () => parseConfig(`homeserver: { url: "http://hs.invalid", domain: example.org }\nircNetworks:\n  - { id: net, name: Net, address: irc.invalid${extra} }\n`, "t.yaml");
    assert.throws(load(', ghostDisplayname: "IRC user"'), /ghostDisplayname.*\{nick\}/);
    assert.doesNotThrow(load(', ghostDisplayname: "{nick} (IRC)"'));
  });
});

describe("userModes", () => {
  it("is checked at config load, naming the key: mode letters after + or -", () => {
    const load = (modes: string) => () => parseConfig(`homeserver: { url: "http://hs.invalid", domain: example.org }\nircNetworks:\n  - { id: net, name: Net, address: irc.invalid, userModes: "${modes}" }\n`, "t.yaml");
    for (const bad of ["x", "+", "+x y", "+x\\r\\nQUIT", "+1", ""]) assert.throws(load(bad), /userModes.*mode letters/, bad);
    for (const good of ["+x", "+iR", "+i-w", "-w+x"]) assert.doesNotThrow(load(good), good);
  });

  it("a user's connection sets them once registered, before its JOINs, at every (re)connection", async () => {
    const server = new FakeIrcServer([]);
    const port = await server.listen();
    // Every attempt goes at once (the reconnect too).
    const gate = everyAttemptGate();
    const connection = localConnection(port, "alice", { reconnect: { minMs: 0, maxMs: 0 }, gate, userModes: "+iR" });
    try {
      const registered = (count: number) => new Promise<void>((resolve) => connection.on("registered", () => (gate.attempts() >= count ? resolve() : undefined)));
      connection.join("#chan");
      const first = registered(1);
      connection.start({ nick: "alice", username: "alice" });
      await first;
      const joined = new Promise<void>((resolve) => (server.onLine = (line, _send, socket) => (line.startsWith("JOIN") ? (socket.destroy(), resolve()) : undefined)));
      await joined;
      assert.deepEqual(server.received.filter((l) => /^(MODE|JOIN)/.test(l)).slice(0, 2), ["MODE alice +iR", "JOIN #chan"], `the modes go ahead of the JOIN: ${server.received.join(" / ")}`);
      // The server dropped us: the reconnection sets them again, ahead of the rejoin.
      const again = registered(2);
      const rejoined = new Promise<void>((resolve) => (server.onLine = (line) => (line.startsWith("JOIN") ? resolve() : undefined)));
      await again;
      await rejoined;
      assert.deepEqual(server.received.filter((l) => /^(MODE|JOIN)/.test(l)), ["MODE alice +iR", "JOIN #chan", "MODE alice +iR", "JOIN #chan"]);
    } finally {
      connection.close("test over");
      await server.close();
    }
  });
});

describe("the chosen nick in the store", () => {
  it("is not lost to a save of the connection's state running at the same time (the NICK echo saves it while !nick stores the choice)", async () => {
    const network = fakeNetwork();
    const store = await openNedbStore(undefined);
    const alice = "@alice:example.org";
    await store.puppets.put({ userId: alice, network: network.id, nick: "alice[m]", username: "alice", channels: ["#a"], nickNote: undefined });
    const registry = testPuppets(network, store.puppets, new FakeClock());
    const settings = new PuppetSettings({ networkId: network.id, store: store.puppets, identity: () => Promise.reject(new Error("has a record")), templateNick: () => Promise.resolve("alice[m]") });
    assert.ok(registry.ensure(alice).ok);
    for (let i = 0; i < 20; i++) {
      const chosen = `Chosen${i}`;
      // The save starts a few turns of the event loop after the choice (as the NICK echo's does).
      const choice = settings.setNick(alice, chosen);
      for (let hop = 0; hop < i % 5; hop++) await new Promise((r) => setImmediate(r));
      await Promise.all([choice, registry.persist(alice)]);
      assert.equal((await store.puppets.get(network.id, alice))?.desiredNick, chosen, `round ${i}`);
    }
    void registry.closeAll("test over");
  });
});

describe("the nick a reconnection asks for", () => {
  it("is the preferred nick (the user's), not the alternative a collision gave the connection before", async () => {
    const server = new FakeIrcServer([]);
    server.inUse.add("Chosen");
    const port = await server.listen();
    const gate = everyAttemptGate();
    const connection = localConnection(port, "alice", { reconnect: { minMs: 0, maxMs: 0 }, gate });
    try {
      const nicks: string[] = [];
      const registered = (count: number) => new Promise<void>((resolve) => connection.on("registered", (nick) => (nicks.push(nick), gate.attempts() >= count ? resolve() : undefined)));
      const first = registered(1);
      connection.start({ nick: "Chosen", username: "alice" });
      await first;
      assert.equal(connection.nick, "Chosen_", "the collision's alternative");
      // The other client is gone; the server drops us and we reconnect.
      server.inUse.clear();
      const again = registered(2);
      server.onLine = () => undefined;
      for (const socket of server.nicks.keys()) socket.destroy();
      await again;
      assert.equal(connection.nick, "Chosen", "the reconnection asked for the preferred nick again");
      assert.deepEqual(server.received.filter((l) => l.startsWith("NICK")), ["NICK Chosen", "NICK Chosen_", "NICK Chosen"]);
    } finally {
      connection.close("test over");
      await server.close();
    }
  });

  it("an alternative to a nick in use stays within the NICKLEN the network's server announced", async () => {
    const server = new FakeIrcServer([]);
    server.inUse.add("Chosen");
    const port = await server.listen();
    const connection = localConnection(port, "alice", { reconnect: { minMs: 0, maxMs: 0 }, gate: everyAttemptGate(), nicklen: () => 6 });
    try {
      const registered = new Promise<string>((resolve) => connection.on("registered", (nick) => resolve(nick)));
      connection.start({ nick: "Chosen", username: "alice" });
      assert.equal(await registered, "Chose_");
    } finally {
      connection.close("test over");
      await server.close();
    }
  });
});
