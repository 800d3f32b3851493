/**
 * Who may use the bridge (real Synapse and Ergo): a user the config denies, a user a subscribed
 * policy list bans, and every user of a denied homeserver get no IRC connection and a reason they
 * can read in the room; a ban that arrives while a user is connected closes their connection and
 * tells them in their admin room. Absences on IRC are checked after a positive control.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { bridges, testenv } from "../../scripts/lib/testenv";
import { acceptInviteFrom, botNotices } from "./support/adminRoom";
import { TestIrcClient, escape } from "./support/ircClient";
import { RunningBridge } from "./support/localBridge";
import { csApi, eventually, joinRoom, registerUser, sendText, timeline, uniqueName, type TestUser } from "./support/matrixClient";

const localpart = (user: TestUser) => user.userId.slice(1, user.userId.indexOf(":"));
const nickOf = (user: TestUser) => `${localpart(user)}[m]`;

/**
 * Why the bot removed `user` from the room for not being connected (kickOn.channelJoinFailure, on by
 * default): the reason of the bot's kick, read by the user, once it is there.
 */
async function refusal(reader: TestUser, roomId: string, bot: string, user: TestUser): Promise<string> {
  return eventually(async () => {
    const own = (await timeline(reader, roomId)).filter((e) => e.type === "m.room.member" && e.state_key === user.userId);
    const last = own.at(-1);
    return last !== undefined && last.sender === bot && last.content.membership === "leave" ? String(last.content.reason) : undefined;
  }, 20000, `the removal of ${user.userId} with the reason`);
}

/** A removal's reason says the user cannot be connected, and why. */
function refusedFor(reason: string, why: string): void {
  assert.ok(reason.startsWith("You cannot be connected to ") && reason.endsWith(`: ${why}`), `the removal's reason: ${reason}`);
}

/** Asks the IRC server whether a nick is online: true for a WHOIS reply, false for "no such nick". */
async function online(client: TestIrcClient, nick: string): Promise<boolean> {
  const from = client.lines.length;
  client.raw(`WHOIS ${nick}`);
  const answer = await client.waitFor(new RegExp(` (311|401) \\S+ ${escape(nick)} `, "i"), 15000, from);
  return / 311 /.test(answer);
}

async function putRule(moderator: TestUser, roomId: string, stateKey: string, entity: string, reason: string): Promise<void> {
  const res = await csApi("PUT", `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/state/m.policy.rule.user/${encodeURIComponent(stateKey)}`, moderator.token, {
    entity,
    recommendation: "m.ban",
    reason,
  });
  assert.equal(res.status, 200, JSON.stringify(res.body));
}

describe("who may use the bridge, on Ergo", () => {
  const channel = `#${uniqueName("acc")}`;
  const listAlias = `#${uniqueName("accbans")}:${testenv.domain}`;
  const deniedPrefix = uniqueName("dn").slice(0, 10);
  let listRoom = "";
  let moderator: TestUser;
  let alice: TestUser;
  let banned: TestUser;
  let denied: TestUser;
  let watcher: TestIrcClient;
  let portal = "";
  // The sample config, with a user glob denied and a policy list subscribed.
  const bridge = new RunningBridge(bridges.sample, (doc) => {
    doc.access = { deniedUsers: [`@${deniedPrefix}*:*`], banLists: { rooms: [listAlias] } };
  });
  const bot = `@${bridge.registration.sender_localpart}:${testenv.domain}`;

  before(async () => {
    moderator = await registerUser(uniqueName("accmod"));
    alice = await registerUser(uniqueName("acca"));
    banned = await registerUser(uniqueName("accb"));
    denied = await registerUser(`${deniedPrefix}x`);
    const created = await csApi<{ room_id: string }>("POST", "/_matrix/client/v3/createRoom", moderator.token, {
      preset: "public_chat",
      room_alias_name: listAlias.slice(1, listAlias.indexOf(":")),
      name: "ban list",
    });
    assert.equal(created.status, 200, JSON.stringify(created.body));
    listRoom = created.body.room_id;
    await putRule(moderator, listRoom, "rule-banned", banned.userId, "spam");
    await bridge.start();
    watcher = await TestIrcClient.connect(bridge.irc.host, bridge.irc.port, uniqueName("aw").slice(0, 12));
    await watcher.waitOnline(bridge.botNick);
    await watcher.join(channel);
  });
  after(async () => {
    await watcher.quit();
    await bridge.dispose();
  });

  it("a user on the ban list and a user the config denies get no connection, and are removed from the room with why", async () => {
    portal = await joinRoom(banned, bridge.alias(channel));
    await joinRoom(denied, portal);
    refusedFor(await refusal(banned, portal, bot, banned), `your account is on the ban list ${listAlias} (spam).`);
    refusedFor(await refusal(denied, portal, bot, denied), "this bridge's operators do not allow your account to use it.");
    // Positive control: a user neither denied nor banned, joining after them, is on IRC.
    const from = watcher.lines.length;
    await joinRoom(alice, portal);
    await watcher.waitFor(new RegExp(`^(?:@\\S+ )?:${escape(nickOf(alice))}!\\S+ JOIN`, "i"), 20000, from);
    assert.equal(await online(watcher, nickOf(alice)), true);
    assert.equal(await online(watcher, nickOf(banned)), false, "the banned user has no IRC connection");
    assert.equal(await online(watcher, nickOf(denied)), false, "the denied user has no IRC connection");
    // Coming back passes the same gate: removed again, still not on IRC, and what they say goes nowhere.
    const removals = async () => (await timeline(banned, portal)).filter((e) => e.type === "m.room.member" && e.state_key === banned.userId && e.sender === bot && e.content.membership === "leave").length;
    const before = await removals();
    await joinRoom(banned, portal);
    // Synapse refuses it when the removal came first; otherwise the bridge must not carry it.
    await sendText(banned, portal, "let me in").catch(() => undefined);
    await eventually(async () => (await removals()) > before, 20000, "the banned user removed again after rejoining");
    // Marker: a message alice sends after it reaches IRC, so anything the banned user's would have had time to.
    const marker = uniqueName("after");
    await sendText(alice, portal, marker);
    await watcher.waitFor(new RegExp(`:${escape(nickOf(alice))}!\\S+ PRIVMSG \\S+ :${marker}`, "i"), 20000);
    assert.equal(await online(watcher, nickOf(banned)), false, "the banned user still has no IRC connection");
    assert.equal(watcher.lines.some((l) => l.includes("let me in")), false);
  });

  it("a ban that arrives while a user is connected closes their connection and tells them in their admin room", async () => {
    const from = watcher.lines.length;
    await putRule(moderator, listRoom, "rule-alice", `@${localpart(alice)}:*`, "raids");
    await watcher.waitFor(new RegExp(`^(?:@\\S+ )?:${escape(nickOf(alice))}!\\S+ QUIT`, "i"), 20000, from);
    // Her admin room is created for this notice (a plain connection made none: sendSuccessNotices is off).
    const adminRoom = await acceptInviteFrom(alice, bot);
    const told = await eventually(async () => (await botNotices(alice, adminRoom, bot)).find((n) => n.startsWith("Your connection to")), 20000, "the notice in alice's admin room");
    assert.match(told, new RegExp(`^Your connection to .+ was closed: your account is on the ban list ${escape(listAlias)} \\(raids\\)\\.$`));
    assert.equal(await online(watcher, nickOf(alice)), false);
  });
});

describe("a denied homeserver, on Ergo", () => {
  const channel = `#${uniqueName("accs")}`;
  // The test homeserver itself is denied: every one of its users is refused.
  const bridge = new RunningBridge(bridges.sample, (doc) => {
    doc.access = { deniedServers: [testenv.domain] };
  });
  const bot = `@${bridge.registration.sender_localpart}:${testenv.domain}`;
  let watcher: TestIrcClient;

  before(async () => {
    await bridge.start();
    watcher = await TestIrcClient.connect(bridge.irc.host, bridge.irc.port, uniqueName("sw").slice(0, 12));
    await watcher.waitOnline(bridge.botNick);
    await watcher.join(channel);
  });
  after(async () => {
    await watcher.quit();
    await bridge.dispose();
  });

  it("its users get no connection and are removed from the room with why", async () => {
    const dave = await registerUser(uniqueName("accd"));
    const portal = await joinRoom(dave, bridge.alias(channel));
    refusedFor(await refusal(dave, portal, bot, dave), `this bridge does not serve users of ${testenv.domain}.`);
    // The notice is written after the refusal was decided; the IRC server answers for the nick.
    assert.equal(await online(watcher, watcher.nick), true, "positive control: WHOIS answers for a nick that is online");
    assert.equal(await online(watcher, nickOf(dave)), false);
    assert.deepEqual((await watcher.names(channel)).map((n) => n.replace(/^[~&@%+]+/, "").toLowerCase()), [watcher.nick.toLowerCase()]);
  });
});
