/**
 * Several addresses per network (issue 15 item 4), on the real Synapse:
 * - Ergo: the network's first address refuses connections (a local port bound and closed again) and
 *   `additionalAddresses` lists Ergo. The bridge bot and a Matrix user's puppet register on the
 *   second address and messages cross both ways; the network is never held as unreachable for it.
 * - The lone InspIRCd "staff.test" on IPv4 and IPv6 loopback: the first address is its IPv4 one, the
 *   second its IPv6 one, and users have their own IPv6 addresses (ipv6.prefix). The bot (no source
 *   address) registers on IPv4; a user's puppet dials IPv6 at once, never binding IPv6 to dial IPv4.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { bridges, testenv } from "../../scripts/lib/testenv";
import { parseIpv6Prefix, userAddress } from "../../src/puppets/ipv6Address";
import { TestIrcClient, escape } from "./support/ircClient";
import { RunningBridge } from "./support/localBridge";
import { eventually, joinRoom, registerUser, sendText, timeline, uniqueName, type TestUser, puppetNick } from "./support/matrixClient";
import { closedPort } from "../support/closedPort";

describe("a network whose first address refuses connections", () => {
  let bridge: RunningBridge;
  let refusedPort = 0;
  const channel = `#${uniqueName("addr")}`;
  let bob: TestIrcClient;
  let alice: TestUser;
  let roomId = "";
  let aliceNick = "";

  before(async () => {
    refusedPort = await closedPort();
    bridge = new RunningBridge(bridges.sample, (doc) => {
      const network = (doc.ircNetworks as Record<string, unknown>[])[0] ?? {};
      network.address = "127.0.0.1";
      network.port = refusedPort;
      network.additionalAddresses = [`${testenv.ergo.host}:${testenv.ergo.port}`];
    });
    await bridge.start();
    bob = await TestIrcClient.connect(testenv.ergo.host, testenv.ergo.port, uniqueName("abob").slice(0, 12));
    await bob.join(channel);
    alice = await registerUser(uniqueName("alice"));
    aliceNick = puppetNick(alice);
  });

  after(async () => {
    await bob.quit();
    await bridge.dispose();
  });

  it("the bridge bot registers on the second address", async () => {
    await bob.waitOnline(bridge.botNick);
  });

  it("a Matrix user's puppet registers on the second address and messages cross both ways", async () => {
    roomId = await joinRoom(alice, bridge.alias(channel));
    await bob.waitFor(new RegExp(`^(?:@\\S+ )?:${escape(aliceNick)}!\\S+ JOIN :?${escape(channel)}`, "i"), 30000);
    await sendText(alice, roomId, "hello over the second address");
    const line = await bob.waitFor(/PRIVMSG \S+ :hello over the second address$/, 20000);
    assert.match(line, new RegExp(`^(?:@\\S+ )?:${escape(aliceNick)}!`, "i"));
    bob.say(channel, "and back");
    const ghost = bridge.ghost(bob.nick);
    await eventually(async () => (await timeline(alice, roomId)).find((e) => e.sender === ghost && e.content.body === "and back"), 20000, "bob's message in Matrix");
    // After the positive control (both connections up, messages crossed): the refused first address
    // never held the network as unreachable (the scheduler logs its recovery) nor tripped its breaker.
    const held = (bridge.process?.lines ?? []).filter((l) => /accepts connections again|refused connections; backing the network off/.test(l));
    assert.deepEqual(held, []);
  });
});

describe("per-user IPv6 on a network with an IPv4 and an IPv6 address", () => {
  const staff = testenv.inspircdStaff;
  const bridge = new RunningBridge(bridges.insp, (doc) => {
    // The staff server asks ident: answer it, as its own stories do, so registration is not held.
    doc.ident = { enabled: true, port: 113, address: "::" };
    const network = (doc.ircNetworks as Record<string, unknown>[])[0] ?? {};
    network.address = staff.host;
    network.port = staff.port;
    network.additionalAddresses = [`[${staff.host6}]:${staff.port}`];
    network.ipv6 = { prefix: staff.ipv6Prefix };
  });
  const channel = `#${uniqueName("addr6")}`;
  let op: TestIrcClient;
  let alice: TestUser;

  before(async () => {
    await bridge.start();
    op = await TestIrcClient.connect(staff.host, staff.port, uniqueName("aop").slice(0, 12));
    await op.join(channel);
    alice = await registerUser(uniqueName("alice"));
  });

  after(async () => {
    await op.quit();
    await bridge.dispose();
  });

  it("the bot registers on the IPv4 address; a user's puppet comes from their own IPv6 address, on its first attempt", async () => {
    await op.waitOnline(bridge.botNick);
    const whois = op.lines.length;
    op.raw(`WHOIS ${bridge.botNick}`);
    const botHost = await op.waitFor(new RegExp(` 311 \\S+ ${escape(bridge.botNick)} `, "i"), 10000, whois);
    assert.match(botHost, / 127\.0\.0\.1 \*/, "the bot (no source address of its own) dialled the first address, IPv4");
    const prefix = parseIpv6Prefix(staff.ipv6Prefix);
    if (typeof prefix === "string") throw new Error(prefix);
    const nick = puppetNick(alice);
    await joinRoom(alice, bridge.alias(channel));
    const join = await op.waitFor(new RegExp(`^(?:@\\S+ )?:${escape(nick)}!\\S+ JOIN :?${escape(channel)}`, "i"), 30000);
    assert.match(join, new RegExp(`@${escape(userAddress(prefix, alice.userId))} JOIN`, "i"), "her own IPv6 address, so she dialled the IPv6 address");
    // After that positive control: her connection never closed on the way (an IPv6 source address
    // dialling the IPv4 first address would have failed once before moving on).
    const closed = (bridge.process?.lines ?? []).filter((l) => l.includes("IRC connection closed") && l.includes(alice.userId));
    assert.deepEqual(closed, []);
  });
});
