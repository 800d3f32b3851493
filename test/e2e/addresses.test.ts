/**
 * Several addresses per network (issue 15 item 4), on the real Synapse and Ergo: the network's first
 * address refuses connections (a local port bound and closed again) and `additionalAddresses` lists
 * Ergo. The bridge bot and a Matrix user's puppet register on the second address and messages cross
 * both ways; the network is never held as unreachable for it.
 */
import assert from "node:assert/strict";
import { createServer, type AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import { bridges, testenv } from "../../scripts/lib/testenv";
import { TestIrcClient, escape } from "./support/ircClient";
import { RunningBridge } from "./support/localBridge";
import { eventually, joinRoom, registerUser, sendText, timeline, uniqueName, type TestUser } from "./support/matrixClient";

/** A local port nothing listens on: bound, then closed, so connecting to it is refused. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

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
    aliceNick = `${alice.userId.slice(1, alice.userId.indexOf(":"))}[m]`;
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
    const held = (bridge.process?.lines ?? []).filter((l) => /accepts connections again|refused new connections/.test(l));
    assert.deepEqual(held, []);
  });
});
