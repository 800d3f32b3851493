/**
 * Ending a bridge (real Synapse and Ergo, the sample bridge): a bridge admin plumbs an existing
 * room to a channel, messages flow; `!unlink` from the admin room stops them both ways at once,
 * the puppet and the bot PART, the room is told, its bridge-info state is cleared and the ghosts
 * leave; after a bridge restart the link is not back, and `!plumb` links it again. Then a channel
 * operator ends another room's bridge with a private message to the IRC bot.
 *
 * Absences are asserted only after a positive control: a marker sent after the message that must
 * not arrive, through a room that is still bridged (a portal of a control channel), has arrived.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { bridges, testenv } from "../../scripts/lib/testenv";
import { botNotices, command, openAdminRoom } from "./support/adminRoom";
import { TestIrcClient, escape } from "./support/ircClient";
import { RunningBridge } from "./support/localBridge";
import { csApi, eventually, joinRoom, registerUser, sendText, timeline, uniqueName, type RoomEvent, type TestUser, puppetNick } from "./support/matrixClient";

const NETWORK = "example";

/** The user opens a direct chat with the bot: their admin room, once the bot has joined it. */
async function joinedMembers(user: TestUser, roomId: string): Promise<Record<string, unknown>> {
  const res = await csApi<{ joined?: Record<string, unknown> }>("GET", `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/joined_members`, user.token);
  return res.body.joined ?? {};
}

/** Alice's existing room, the bot invited with the power to write state there (as the room's admins would grant it). */
async function existingRoom(owner: TestUser, bot: string, name: string): Promise<string> {
  const body = { preset: "private_chat", name, invite: [bot], power_level_content_override: { users: { [owner.userId]: 100, [bot]: 50 } } };
  const created = await csApi<{ room_id: string }>("POST", "/_matrix/client/v3/createRoom", owner.token, body);
  if (created.status !== 200) throw new Error(`createRoom: ${created.status} ${JSON.stringify(created.body)}`);
  return created.body.room_id;
}

/** The room's bridge-info state events (m.bridge), as the user sees them. */
async function bridgeInfo(user: TestUser, roomId: string): Promise<RoomEvent[]> {
  const res = await csApi<RoomEvent[]>("GET", `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/state`, user.token);
  return res.body.filter((e) => e.type === "m.bridge");
}

describe("ending a bridge on Ergo", () => {
  const channel = `#${uniqueName("unl")}`;
  const control = `#${uniqueName("unlc")}`;
  const opChannel = `#${uniqueName("unlo")}`;
  let root: TestUser;
  let alice: TestUser;
  let bridge: RunningBridge;
  let bot = "";
  let ian: TestIrcClient;
  let adminRoom = "";
  let roomId = "";
  let controlRoom = "";
  let nick = "";
  const puppetLine = (what: string, where: string) => new RegExp(`^(?:@\\S+ )?:${escape(nick)}!\\S+ ${what} :?${escape(where)}(?: |$)`, "i");
  const say = (text: string) => command(root, adminRoom, bot, text);
  const bodies = async (room: string) => (await timeline(alice, room)).map((e) => String(e.content.body));

  /** Alice's message in the room must not reach IRC: checked once her marker in the control room has. */
  async function notOnIrc(room: string, text: string): Promise<void> {
    const from = ian.lines.length;
    await sendText(alice, room, text);
    const marker = `marker-${uniqueName("m")}`;
    await sendText(alice, controlRoom, marker);
    await ian.waitFor(new RegExp(`PRIVMSG ${escape(control)} :${marker}$`, "i"), 30000, from);
    assert.ok(!ian.lines.slice(from).some((l) => l.endsWith(`:${text}`)), `"${text}" reached IRC`);
  }

  /** Ian's message in the channel must not reach the room: checked once his marker in the control channel reached its room. */
  async function notInRoom(text: string): Promise<void> {
    ian.say(channel, text);
    const marker = `marker-${uniqueName("i")}`;
    ian.say(control, marker);
    await eventually(async () => (await bodies(controlRoom)).includes(marker), 30000, "the IRC marker in the control room");
    assert.ok(!(await bodies(roomId)).includes(text), `"${text}" reached the unlinked room`);
  }

  before(async () => {
    root = await registerUser(uniqueName("root"));
    alice = await registerUser(uniqueName("alice"));
    nick = puppetNick(alice);
    bridge = new RunningBridge(bridges.sample, (doc) => {
      (doc.bridge as Record<string, unknown>).admins = [root.userId];
    });
    bot = `@${bridge.registration.sender_localpart}:${testenv.domain}`;
    ian = await TestIrcClient.connect(bridge.irc.host, bridge.irc.port, uniqueName("ian").slice(0, 12));
    // First in each channel: Ergo makes him its operator.
    for (const c of [channel, control, opChannel]) await ian.join(c);
    await bridge.start();
    await ian.waitOnline(bridge.botNick);
    adminRoom = await openAdminRoom(root, bot);
    controlRoom = await joinRoom(alice, bridge.alias(control));
    await ian.waitFor(puppetLine("JOIN", control), 20000);
  });

  after(async () => {
    await ian.quit();
    await bridge.dispose();
  });

  it("an admin plumbs an existing room; messages flow both ways", async () => {
    roomId = await existingRoom(alice, bot, "our room");
    const from = ian.lines.length;
    assert.match(await say(`!plumb ${roomId} ${NETWORK} ${channel}`), new RegExp(`^Bridged ${escape(roomId)} to ${escape(channel)}`, "i"));
    await ian.waitFor(new RegExp(`^(?:@\\S+ )?:${escape(bridge.botNick)}!\\S+ JOIN :?${escape(channel)}`, "i"), 20000, from);
    await eventually(async () => (await botNotices(alice, roomId, bot)).some((n) => n.startsWith(`This room is now bridged to ${channel}`)), 20000, "the link notice");
    assert.ok((await bridgeInfo(alice, roomId)).some((e) => (e.content.channel as { id?: string } | undefined)?.id === channel), "bridge-info state written");
    await sendText(alice, roomId, "hello from the plumbed room");
    await ian.waitFor(new RegExp(`PRIVMSG ${escape(channel)} :hello from the plumbed room$`, "i"), 20000, from);
    ian.say(channel, "hello from irc");
    await eventually(async () => (await timeline(alice, roomId)).some((e) => e.sender === bridge.ghost(ian.nick) && e.content.body === "hello from irc"), 20000, "the IRC message in the room");
  });

  it("!unlink stops the flow both ways at once; the puppet and the bot PART, the room is told, the state is cleared, the ghost leaves", async (t) => {
    const from = ian.lines.length;
    const asked = Date.now();
    assert.equal(await say(`!unlink ${roomId} ${channel}`), `Unlinked ${roomId} from ${channel} on Example IRC.`);
    await ian.waitFor(puppetLine("PART", channel), 20000, from);
    t.diagnostic(`!unlink sent -> its reply and the puppet's PART seen on IRC: ${Date.now() - asked} ms`);
    await ian.waitFor(new RegExp(`^(?:@\\S+ )?:${escape(bridge.botNick)}!\\S+ PART ${escape(channel)}`, "i"), 20000, from);
    const told = `This room is no longer bridged to ${channel} on Example IRC (unlinked by ${root.userId}).`;
    await eventually(async () => (await botNotices(alice, roomId, bot)).includes(told), 20000, "the unlink notice");
    await notOnIrc(roomId, "said in the room after the unlink");
    await notInRoom("said on IRC after the unlink");
    await eventually(async () => !(bridge.ghost(ian.nick) in (await joinedMembers(alice, roomId))), 20000, "the ghost to leave");
    assert.ok(bot in (await joinedMembers(alice, roomId)), "the bot stays in the room");
    const info = await bridgeInfo(alice, roomId);
    assert.ok(info.length > 0 && info.every((e) => Object.keys(e.content).length === 0), "bridge-info state cleared");
    assert.ok((await ian.names(control)).some((n) => n.toLowerCase() === nick.toLowerCase()), "alice keeps the control channel");
  });

  it("after a bridge restart the link is not back; !plumb links the room again", async () => {
    await bridge.stop();
    const from = ian.lines.length;
    await bridge.start();
    await ian.waitOnline(bridge.botNick);
    // Her connection comes back in the control channel alone (its JOINs go before anything she says).
    await notOnIrc(roomId, "said in the room after the restart");
    assert.ok(!ian.lines.slice(from).some((l) => puppetLine("JOIN", channel).test(l)), "the puppet did not rejoin the unlinked channel");
    const names = (await ian.names(channel)).map((n) => n.toLowerCase());
    assert.ok(!names.includes(bridge.botNick) && !names.includes(nick.toLowerCase()), `nobody of the bridge is back in ${channel}: ${names.join(" ")}`);
    assert.match(await say(`!plumb ${roomId} ${NETWORK} ${channel}`), /^Bridged /);
    await sendText(alice, roomId, "relinked from matrix");
    await ian.waitFor(new RegExp(`PRIVMSG ${escape(channel)} :relinked from matrix$`, "i"), 20000, from);
    ian.say(channel, "relinked from irc");
    await eventually(async () => (await bodies(roomId)).includes("relinked from irc"), 20000, "the IRC message after the relink");
  });

  it("a channel operator ends the bridge with a private message to the IRC bot; others are refused; anything else gets a line of help", async (t) => {
    const opRoom = await existingRoom(alice, bot, "op room");
    let from = ian.lines.length;
    assert.match(await say(`!plumb ${opRoom} ${NETWORK} ${opChannel}`), /^Bridged /);
    await sendText(alice, opRoom, "before the operator's unlink");
    await ian.waitFor(new RegExp(`PRIVMSG ${escape(opChannel)} :before the operator's unlink$`, "i"), 20000, from);

    const other = await TestIrcClient.connect(bridge.irc.host, bridge.irc.port, uniqueName("oth").slice(0, 12));
    try {
      await other.join(opChannel);
      other.say(bridge.botNick, `unlink ${opChannel}`);
      await other.waitFor(/NOTICE \S+ :You are not an operator of .* right now/, 20000);
      other.say(bridge.botNick, "hello bot");
      await other.waitFor(/NOTICE \S+ :I am the Matrix bridge's bot\. Channel operators: send me "unlink #channel"/, 20000);
    } finally {
      await other.quit();
    }
    from = ian.lines.length;
    const asked = Date.now();
    ian.say(bridge.botNick, `unlink ${opChannel}`);
    await ian.waitFor(new RegExp(`NOTICE \\S+ :Ended the bridge of ${escape(opChannel)} with 1 Matrix room`, "i"), 20000, from);
    await ian.waitFor(puppetLine("PART", opChannel), 20000, from);
    t.diagnostic(`an operator's unlink to the bot -> its answer and the puppet's PART: ${Date.now() - asked} ms`);
    const told = `This room is no longer bridged to ${opChannel} on Example IRC (unlinked by ${ian.nick} on IRC).`;
    await eventually(async () => (await botNotices(alice, opRoom, bot)).includes(told), 20000, "the unlink notice");
    await notOnIrc(opRoom, "said after the operator's unlink");
    ian.say(opChannel, "said on IRC after the operator's unlink");
    const marker = `marker-${uniqueName("o")}`;
    ian.say(control, marker);
    await eventually(async () => (await bodies(controlRoom)).includes(marker), 30000, "the IRC marker in the control room");
    assert.ok(!(await bodies(opRoom)).includes("said on IRC after the operator's unlink"));
  });
});
