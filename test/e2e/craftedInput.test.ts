/**
 * Crafted input changes nothing (real Synapse and Ergo): ghost ids anyone can write that decode to
 * no single nick (`*`, `#channel`, `a,b`) are refused with a notice saying why, and nothing reaches
 * IRC: a Matrix moderator's ban of `@irc_=2a` leaves the channel's ban list as it was, and a
 * direct chat with a ghost that decodes to a channel or to two nicks never talks to them. A key
 * given in !join and a password in !cmd leave no trace in the admin room: both messages are redacted.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { bridges, testenv } from "../../scripts/lib/testenv";
import { botNotices, command } from "./support/adminRoom";
import { TestIrcClient, escape } from "./support/ircClient";
import { RunningBridge } from "./support/localBridge";
import { csApi, eventually, joinRoom, registerUser, sendText, timeline, uniqueName, type TestUser, puppetNick } from "./support/matrixClient";

type Levels = { users?: Record<string, number> };

/** The channel's ban list, as a plain IRC client reads it (MODE #chan +b: 367 ... 368). */
async function banList(client: TestIrcClient, channel: string): Promise<string[]> {
  const from = client.lines.length;
  client.raw(`MODE ${channel} +b`);
  await client.waitFor(new RegExp(` 368 \\S+ ${escape(channel)} `, "i"), 20000, from);
  const re = new RegExp(` 367 \\S+ ${escape(channel)} (\\S+)`, "i");
  return client.lines
    .slice(from)
    .map((l) => re.exec(l)?.[1])
    .filter((m): m is string => m !== undefined)
    .sort();
}

describe("crafted ghost ids on Ergo", () => {
  const bridge = new RunningBridge(bridges.sample);
  const bot = `@${bridge.registration.sender_localpart}:${testenv.domain}`;
  const channel = `#${uniqueName("craft")}`;
  let op: TestIrcClient;
  let alice: TestUser;
  let roomId = "";
  const nickOf = (user: TestUser) => puppetNick(user);
  const botSays = async (user: TestUser, room: string, re: RegExp) => (await timeline(user, room)).some((e) => e.type === "m.room.message" && re.test(String(e.content.body)));

  before(async () => {
    await bridge.start();
    op = await TestIrcClient.connect(bridge.irc.host, bridge.irc.port, uniqueName("cop").slice(0, 12));
    await op.join(channel);
    alice = await registerUser(uniqueName("alice"));
    roomId = await joinRoom(alice, bridge.alias(channel));
    await op.waitFor(new RegExp(`:${escape(nickOf(alice))}!\\S+ JOIN`, "i"), 20000);
  });
  after(async () => {
    await op.quit();
    await bridge.dispose();
  });

  it("a moderator bans @irc_=2a (the nick '*'): the ban list is unchanged and the moderator is told why", async () => {
    op.raw(`MODE ${channel} +o ${nickOf(alice)}`);
    await eventually(async () => {
      const res = await csApi<Levels>("GET", `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/state/m.room.power_levels/`, alice.token);
      return res.body.users?.[alice.userId] === 50;
    }, 20000, "alice a moderator (opped on IRC)");
    op.raw(`MODE ${channel} +b known!*@example.invalid`);
    await op.waitFor(new RegExp(`MODE ${escape(channel)} \\+b known!\\*@example\\.invalid`, "i"), 20000);
    const before = await banList(op, channel);
    assert.deepEqual(before, ["known!*@example.invalid"]);
    const from = op.lines.length;
    const star = bridge.ghost("*");
    assert.match(star, /^@\S+_=2a:/);
    const banned = await csApi("POST", `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/ban`, alice.token, { user_id: star, reason: "crafted" });
    assert.equal(banned.status, 200, JSON.stringify(banned.body));
    // Positive control: the bridge handled the ban (its notice says why nothing was done).
    await eventually(() => botSays(alice, roomId, /nobody was banned on IRC: .*does not stand for an IRC nick: "\*" is not a valid nick/), 20000, "the bot's notice saying why");
    const notice = (await timeline(alice, roomId)).find((e) => e.sender === bot && /nobody was banned/.test(String(e.content.body)));
    assert.ok(notice !== undefined, "the notice comes from the bridge's bot");
    assert.deepEqual(await banList(op, channel), before, "the ban list is unchanged");
    assert.equal(op.lines.slice(from).filter((l) => / MODE \S+ \+b /.test(l) || / KICK /.test(l)).length, 0, "no +b and no KICK seen on IRC");
  });

  for (const [what, nickOfTarget] of [
    ["the channel itself", () => channel],
    ["two nicks at once", () => `${op.nick},${op.nick}`],
  ] as const) {
    it(`a direct chat with a ghost id that decodes to ${what}: declined with why, nothing reaches IRC`, async () => {
      const ghost = bridge.ghost(nickOfTarget());
      const created = await csApi<{ room_id: string }>("POST", "/_matrix/client/v3/createRoom", alice.token, { preset: "trusted_private_chat", is_direct: true, invite: [ghost] });
      assert.equal(created.status, 200, JSON.stringify(created.body));
      const dm = created.body.room_id;
      const secret = `crafted-${uniqueName("pm")}`;
      await sendText(alice, dm, secret);
      await eventually(() => botSays(alice, dm, /goes to one IRC user, and .* does not stand for an IRC nick/), 20000, "the ghost's notice saying why");
      await sendText(alice, dm, `${secret}-after`);
      // Positive control: a normal message from alice in the channel's room does reach the channel.
      const marker = `marker-${uniqueName("m")}`;
      await sendText(alice, roomId, marker);
      await op.waitFor(new RegExp(`PRIVMSG ${escape(channel)} :${marker}$`, "i"), 20000);
      assert.deepEqual(op.lines.filter((l) => l.includes(secret)), [], "nothing from the direct chat reached the channel or the op");
    });
  }

  it("a key in !join and a password in !cmd: the messages are redacted and no reply repeats them", async () => {
    // An admin room: a direct chat with the bot, which it adopts.
    const created = await csApi<{ room_id: string }>("POST", "/_matrix/client/v3/createRoom", alice.token, { preset: "trusted_private_chat", is_direct: true, invite: [bot] });
    assert.equal(created.status, 200, JSON.stringify(created.body));
    const admin = created.body.room_id;
    await eventually(async () => (await timeline(alice, admin)).some((e) => e.type === "m.room.member" && e.state_key === bot && e.content.membership === "join"), 20000, "the bot in the admin room");
    const keyed = `#${uniqueName("ck")}`;
    const key = `key-${uniqueName("k")}`;
    await op.join(keyed);
    op.raw(`MODE ${keyed} +k ${key}`);
    await op.waitFor(new RegExp(`MODE ${escape(keyed)} \\+k`, "i"), 20000);
    const from = op.lines.length;
    const joined = await command(alice, admin, bot, `!join ${keyed} ${key}`);
    assert.match(joined, /^Joined /);
    await op.waitFor(new RegExp(`:${escape(nickOf(alice))}!\\S+ JOIN :?${escape(keyed)}`, "i"), 20000, from);
    const password = `pw-${uniqueName("p")}`;
    const identified = await command(alice, admin, bot, `!cmd PRIVMSG NickServ :IDENTIFY ${password}`);
    assert.ok(identified.length > 0);
    await eventually(async () => {
      const mine = (await timeline(alice, admin)).filter((e) => e.sender === alice.userId && e.type === "m.room.message");
      return mine.length >= 2 && mine.every((e) => e.content.body === undefined);
    }, 20000, "both messages redacted");
    for (const reply of await botNotices(alice, admin, bot)) {
      assert.ok(!reply.includes(key) && !reply.includes(password), reply);
    }
  });
});
