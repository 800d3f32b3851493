/**
 * A channel bridged to two Matrix rooms (its portal, joined by alias, and a room mapped to it in
 * the config), on Ergo against the real Synapse: a Matrix message in one room reaches IRC once and
 * the other room once, from the ghost of the sender's IRC nick, and never comes back to its own
 * room; an IRC message arrives in both rooms once.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { bridges } from "../../scripts/lib/testenv";
import { TestIrcClient, escape } from "./support/ircClient";
import { RunningBridge } from "./support/localBridge";
import { csApi, eventually, joinRoom, registerUser, sendText, timeline, uniqueName, type RoomEvent, type TestUser, puppetNick } from "./support/matrixClient";

describe("a channel bridged to two rooms (Ergo): every room sees every message once", () => {
  const channel = `#${uniqueName("two")}`;
  let owner: TestUser;
  let alice: TestUser;
  let mapped: string;
  let portal: string;
  let bridge: RunningBridge;
  let bob: TestIrcClient;
  const nickOf = (user: TestUser) => puppetNick(user);
  const withBody = (events: readonly RoomEvent[], body: string) => events.filter((e) => e.type === "m.room.message" && e.content.body === body);

  before(async () => {
    owner = await registerUser(uniqueName("owner"));
    alice = await registerUser(uniqueName("alice"));
    const created = await csApi<{ room_id: string }>("POST", "/_matrix/client/v3/createRoom", owner.token, { preset: "private_chat", name: "the project's room" });
    mapped = created.body.room_id;
    bridge = new RunningBridge(bridges.sample, (doc) => {
      const network = (doc.ircNetworks as Record<string, unknown>[])[0] as Record<string, unknown>;
      network.mappings = { [channel]: { roomIds: [mapped] } };
      network.portals = { ...(network.portals as Record<string, unknown> | undefined), aliasForMappedChannels: true };
    });
    const invite = await csApi("POST", `/_matrix/client/v3/rooms/${encodeURIComponent(mapped)}/invite`, owner.token, { user_id: `@${bridge.registration.sender_localpart}:localhost` });
    assert.equal(invite.status, 200);
    bob = await TestIrcClient.connect(bridge.irc.host, bridge.irc.port, uniqueName("bob").slice(0, 12));
    await bob.join(channel);
    await bridge.start();
    await bob.waitOnline(bridge.botNick);
    const bot = `@${bridge.registration.sender_localpart}:localhost`;
    await eventually(async () => (await timeline(owner, mapped)).some((e) => e.type === "m.room.member" && e.state_key === bot && e.content.membership === "join"), 20000, "the bot to join the mapped room");
    portal = await joinRoom(alice, bridge.alias(channel));
    assert.notEqual(portal, mapped, "the alias made a second room, the portal");
    await bob.waitFor(new RegExp(`^(?:@\\S+ )?:${escape(nickOf(alice))}!\\S+ JOIN`, "i"), 20000);
  });

  after(async () => {
    await bob.quit();
    await bridge.dispose();
  });

  it("a message in the portal reaches IRC once and the mapped room once, from the ghost of the sender's nick; the portal does not get it back", async () => {
    const said = `from the portal ${uniqueName("m")}`;
    await sendText(alice, portal, said);
    await bob.waitFor(new RegExp(`PRIVMSG \\S+ :${escape(said)}$`), 20000);
    const copy = await eventually(async () => withBody(await timeline(owner, mapped), said)[0], 20000, "the copy in the mapped room");
    assert.equal(copy.sender, bridge.ghost(nickOf(alice)));
    assert.equal(copy.content.msgtype, "m.text");
    // Positive control: an IRC line said after it has arrived in both rooms (each room's queue is in order).
    const marker = `marker ${uniqueName("k")}`;
    bob.say(channel, marker);
    await eventually(async () => withBody(await timeline(owner, mapped), marker).length === 1, 20000, "the marker in the mapped room");
    await eventually(async () => withBody(await timeline(alice, portal), marker).length === 1, 20000, "the marker in the portal");
    assert.equal(bob.messagesFrom(nickOf(alice), channel).filter((t) => t === said).length, 1, "IRC once");
    assert.equal(withBody(await timeline(owner, mapped), said).length, 1, "the mapped room once");
    const inPortal = withBody(await timeline(alice, portal), said);
    assert.deepEqual(
      inPortal.map((e) => e.sender),
      [alice.userId],
      "the portal holds only the original",
    );
  });

  it("a message in the mapped room reaches IRC once and the portal once, from the ghost of its sender's nick", async () => {
    const said = `from the mapped room ${uniqueName("m")}`;
    await sendText(owner, mapped, said);
    await bob.waitFor(new RegExp(`PRIVMSG \\S+ :${escape(said)}$`), 20000);
    const copy = await eventually(async () => withBody(await timeline(alice, portal), said)[0], 20000, "the copy in the portal");
    assert.equal(copy.sender, bridge.ghost(nickOf(owner)));
    const marker = `marker ${uniqueName("k")}`;
    bob.say(channel, marker);
    await eventually(async () => withBody(await timeline(alice, portal), marker).length === 1, 20000, "the marker in the portal");
    await eventually(async () => withBody(await timeline(owner, mapped), marker).length === 1, 20000, "the marker in the mapped room");
    assert.equal(bob.messagesFrom(nickOf(owner), channel).filter((t) => t === said).length, 1, "IRC once");
    assert.equal(withBody(await timeline(alice, portal), said).length, 1, "the portal once");
    assert.deepEqual(
      withBody(await timeline(owner, mapped), said).map((e) => e.sender),
      [owner.userId],
      "the mapped room holds only the original",
    );
  });

  it("an IRC message arrives in both rooms once, from the IRC user's ghost", async () => {
    const said = `from irc ${uniqueName("m")}`;
    bob.say(channel, said);
    const inMapped = await eventually(async () => withBody(await timeline(owner, mapped), said)[0], 20000, "the IRC message in the mapped room");
    const inPortal = await eventually(async () => withBody(await timeline(alice, portal), said)[0], 20000, "the IRC message in the portal");
    assert.equal(inMapped.sender, bridge.ghost(bob.nick));
    assert.equal(inPortal.sender, bridge.ghost(bob.nick));
    const marker = `marker ${uniqueName("k")}`;
    bob.say(channel, marker);
    await eventually(async () => withBody(await timeline(owner, mapped), marker).length === 1, 20000, "the marker in the mapped room");
    await eventually(async () => withBody(await timeline(alice, portal), marker).length === 1, 20000, "the marker in the portal");
    assert.equal(withBody(await timeline(owner, mapped), said).length, 1);
    assert.equal(withBody(await timeline(alice, portal), said).length, 1);
  });
});
