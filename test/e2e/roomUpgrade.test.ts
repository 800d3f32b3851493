/**
 * Rooms that move (real Synapse, Ergo, the sample bridge). The scene: a community admin asks the
 * bridge operator for power in the portal of their channel, so they can upgrade it to a newer room
 * version; the operator grants it through the bridge bot (which created the portal and holds PL 100;
 * upgrading needs the power to send m.room.tombstone, 100 by Synapse's defaults). The admin upgrades
 * the room with Synapse's `POST /rooms/{roomId}/upgrade`, as Element's /upgraderoom does, and joins
 * the new room. The bridge follows: IRC messages arrive in the new room and none in the old one;
 * Matrix messages from the new room reach IRC and those still sent in the old room do not; the
 * portal alias leads to the new room; the bridge-info state (m.bridge) is in the new room and
 * cleared in the old one.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { bridges, testenv } from "../../scripts/lib/testenv";
import { TestIrcClient, escape } from "./support/ircClient";
import { RunningBridge } from "./support/localBridge";
import { csApi, eventually, joinRoom, registerUser, sendText, timeline, uniqueName, type TestUser, puppetNick } from "./support/matrixClient";

interface StateEvent {
  readonly type: string;
  readonly state_key: string;
  readonly content: Record<string, unknown>;
}

describe("an upgraded portal room on ergo", () => {
  const bridge = new RunningBridge(bridges.sample);
  const botId = `@${bridge.registration.sender_localpart}:${testenv.domain}`;
  const channel = `#${uniqueName("upg")}`;
  let alice: TestUser;
  let bob: TestIrcClient;
  let aliceNick: string;
  let oldRoom: string;
  let newRoom: string;

  async function bridgeInfo(user: TestUser, roomId: string): Promise<StateEvent | undefined> {
    const res = await csApi<StateEvent[]>("GET", `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/state`, user.token);
    if (res.status !== 200) throw new Error(`state: ${res.status}`);
    return res.body.find((e) => e.type === "m.bridge" && e.state_key.endsWith(`/${channel}`));
  }

  async function roomOfAlias(alias: string): Promise<string | undefined> {
    const res = await csApi<{ room_id?: string }>("GET", `/_matrix/client/v3/directory/room/${encodeURIComponent(alias)}`, alice.token);
    return res.status === 200 ? res.body.room_id : undefined;
  }

  async function bodies(roomId: string, sender: string): Promise<string[]> {
    return (await timeline(alice, roomId)).filter((e) => e.sender === sender && e.type === "m.room.message").map((e) => String(e.content.body));
  }

  before(async () => {
    await bridge.start();
    bob = await TestIrcClient.connect(bridge.irc.host, bridge.irc.port, uniqueName("bob").slice(0, 12));
    await bob.waitOnline(bridge.botNick);
    await bob.join(channel);
    alice = await registerUser(uniqueName("alice"));
    aliceNick = puppetNick(alice);
  });

  after(async () => {
    await bob.quit();
    await bridge.dispose();
  });

  it("the portal says it is bridged (m.bridge state from its creation) and messages flow", async () => {
    oldRoom = await joinRoom(alice, bridge.alias(channel));
    await bob.waitFor(new RegExp(`^(?:@\\S+ )?:${escape(aliceNick)}!\\S+ JOIN :?${channel}`, "i"), 20000);
    const info = await bridgeInfo(alice, oldRoom);
    assert.ok(info, "the portal has m.bridge state");
    assert.deepEqual(info.content.channel, { id: channel, displayname: channel });
    assert.equal(info.content.bridgebot, botId);
    bob.say(channel, "before the upgrade");
    await eventually(async () => (await bodies(oldRoom, bridge.ghost(bob.nick))).includes("before the upgrade"), 20000, "the IRC message in the portal");
  });

  it("the community admin upgrades the portal; the bridge follows to the new room", async () => {
    // The operator gives the admin power in the portal through the bridge bot's account.
    const asBot = (path: string) => `${path}?user_id=${encodeURIComponent(botId)}`;
    const plPath = `/_matrix/client/v3/rooms/${encodeURIComponent(oldRoom)}/state/m.room.power_levels/`;
    const pl = await csApi<{ users?: Record<string, number> }>("GET", asBot(plPath), bridge.registration.as_token);
    assert.equal(pl.status, 200);
    const granted = await csApi("PUT", asBot(plPath), bridge.registration.as_token, { ...pl.body, users: { ...pl.body.users, [alice.userId]: 100 } });
    assert.equal(granted.status, 200, JSON.stringify(granted.body));
    const create = await csApi<{ room_version?: string }>("GET", `/_matrix/client/v3/rooms/${encodeURIComponent(oldRoom)}/state/m.room.create/`, alice.token);
    const version = create.body.room_version === "11" ? "10" : "11";
    const started = Date.now();
    const upgraded = await csApi<{ replacement_room?: string }>("POST", `/_matrix/client/v3/rooms/${encodeURIComponent(oldRoom)}/upgrade`, alice.token, { new_version: version });
    assert.equal(upgraded.status, 200, JSON.stringify(upgraded.body));
    assert.ok(upgraded.body.replacement_room);
    newRoom = upgraded.body.replacement_room;
    const info = await eventually(() => bridgeInfo(alice, newRoom), 20000, "the bridge-info state in the new room");
    process.stderr.write(`  (upgrade -> bridge-info state in the new room: ${Date.now() - started} ms)\n`);
    assert.deepEqual(info.content.channel, { id: channel, displayname: channel });
    await joinRoom(alice, newRoom);
    await eventually(async () => Object.keys((await bridgeInfo(alice, oldRoom))?.content ?? { absent: true }).length === 0, 20000, "the bridge-info state of the old room to be cleared");
    assert.equal(await eventually(async () => ((await roomOfAlias(bridge.alias(channel))) === newRoom ? newRoom : undefined), 20000, "the alias to lead to the new room"), newRoom);
  });

  it("IRC messages arrive in the new room, and none in the old one", async () => {
    bob.say(channel, "after the upgrade");
    const ghost = bridge.ghost(bob.nick);
    await eventually(async () => (await bodies(newRoom, ghost)).includes("after the upgrade"), 20000, "the IRC message in the new room");
    // Positive control above: it arrived where it should; only then is the old room's absence checked.
    assert.deepEqual(await bodies(oldRoom, ghost), ["before the upgrade"]);
  });

  it("Matrix messages from the new room reach IRC; those still sent in the old room do not", async () => {
    await sendText(alice, oldRoom, "from the old room");
    await sendText(alice, newRoom, "from the new room");
    await bob.waitFor(/PRIVMSG \S+ :from the new room$/, 20000);
    assert.equal(bob.lines.filter((l) => l.includes("from the old room")).length, 0);
    // Alice's puppet kept its channel: no PART, no second JOIN.
    const puppetLines = bob.lines.filter((l) => new RegExp(`^(?:@\\S+ )?:${escape(aliceNick)}!\\S+ (JOIN|PART)`, "i").test(l));
    assert.equal(puppetLines.length, 1, puppetLines.join("\n"));
  });
});
