/**
 * Channel operators and power levels (real Synapse; Ergo and InspIRCd): IRC prefix modes become power levels
 * and back, channel modes change the room, moderators' kicks and bans reach IRC through a
 * connection that may do them, and topics go both ways.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { bridges, testenv } from "../../scripts/lib/testenv";
import { TestIrcClient, escape } from "./support/ircClient";
import { RunningBridge } from "./support/localBridge";
import { csApi, eventually, joinRoom, registerUser, sendText, timeline, uniqueName, type TestUser, puppetNick } from "./support/matrixClient";

type Levels = { users?: Record<string, number>; events_default?: number };

async function state<T>(user: TestUser, roomId: string, type: string): Promise<T> {
  const res = await csApi<T>("GET", `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/state/${encodeURIComponent(type)}/`, user.token);
  if (res.status !== 200) throw new Error(`state ${type}: ${res.status}`);
  return res.body;
}

async function levelOf(user: TestUser, roomId: string, who: string): Promise<number> {
  return (await state<Levels>(user, roomId, "m.room.power_levels")).users?.[who] ?? 0;
}

for (const spec of [bridges.sample, bridges.insp]) describe(`channel operators on ${spec.ircd}`, () => {
  const bridge = new RunningBridge(spec);
  const bot = `@${bridge.registration.sender_localpart}:${testenv.domain}`;
  const channel = `#${uniqueName("ops")}`;
  let op: TestIrcClient;
  let victim: TestIrcClient;
  let alice: TestUser;
  let roomId = "";
  const nickOf = (user: TestUser) => puppetNick(user);

  before(async () => {
    await bridge.start();
    // The first to join gets ops: the IRC operator of the channel.
    op = await TestIrcClient.connect(bridge.irc.host, bridge.irc.port, uniqueName("op").slice(0, 12));
    await op.join(channel);
    victim = await TestIrcClient.connect(bridge.irc.host, bridge.irc.port, uniqueName("vic").slice(0, 12));
    await victim.join(channel);
    alice = await registerUser(uniqueName("alice"));
    roomId = await joinRoom(alice, bridge.alias(channel));
    await op.waitFor(new RegExp(`:${escape(nickOf(alice))}!\\S+ JOIN`, "i"), 20000);
  });
  after(async () => {
    await op.quit();
    await victim.quit();
    await bridge.dispose();
  });

  it("an IRC op gives +o to a Matrix user's puppet: the user gets PL 50; -o lowers it back", async () => {
    op.raw(`MODE ${channel} +o ${nickOf(alice)}`);
    await eventually(async () => (await levelOf(alice, roomId, alice.userId)) === 50, 20000, "alice at 50");
    op.raw(`MODE ${channel} -o ${nickOf(alice)}`);
    await eventually(async () => (await levelOf(alice, roomId, alice.userId)) === 0, 20000, "alice back at 0");
  });

  it("an IRC op gives +o to another IRC user: their ghost gets PL 50", async () => {
    op.raw(`MODE ${channel} +o ${victim.nick}`);
    await eventually(async () => (await levelOf(alice, roomId, bridge.ghost(victim.nick))) === 50, 20000, "the ghost at 50");
    op.raw(`MODE ${channel} -o ${victim.nick}`);
    await eventually(async () => (await levelOf(alice, roomId, bridge.ghost(victim.nick))) === 0, 20000, "the ghost back at 0");
  });

  it("+m, +i, +k and +s change the room, and - reverts them", async () => {
    const rule = async () => (await state<{ join_rule: string }>(alice, roomId, "m.room.join_rules")).join_rule;
    const before = await rule();
    op.raw(`MODE ${channel} +m`);
    await eventually(async () => ((await state<Levels>(alice, roomId, "m.room.power_levels")).events_default ?? 0) > 0, 20000, "+m: only voiced may speak");
    op.raw(`MODE ${channel} -m`);
    await eventually(async () => ((await state<Levels>(alice, roomId, "m.room.power_levels")).events_default ?? 0) === 0, 20000, "-m");
    op.raw(`MODE ${channel} +i`);
    await eventually(async () => (await rule()) === "invite", 20000, "+i: invite only");
    op.raw(`MODE ${channel} -i`);
    await eventually(async () => (await rule()) === before, 20000, "-i: the rule before");
    op.raw(`MODE ${channel} +k sekrit`);
    await eventually(async () => (await rule()) === "invite", 20000, "+k: invite only");
    op.raw(`MODE ${channel} -k sekrit`);
    await eventually(async () => (await rule()) === before, 20000, "-k");
    // The bridge never publishes a portal; a server admin does here, so that +s has something to undo.
    const visibility = async () => (await csApi<{ visibility: string }>("GET", `/_matrix/client/v3/directory/list/room/${encodeURIComponent(roomId)}`, alice.token)).body.visibility;
    const admin = await registerUser(uniqueName("dir"), undefined, true);
    const published = await csApi("PUT", `/_matrix/client/v3/directory/list/room/${encodeURIComponent(roomId)}`, admin.token, { visibility: "public" });
    assert.equal(published.status, 200, JSON.stringify(published.body));
    assert.equal(await visibility(), "public", "positive control: the room is listed");
    op.raw(`MODE ${channel} +s`);
    await eventually(async () => (await visibility()) === "private", 20000, "+s: out of the room directory");
    // -s does not publish it again. Positive control: a mode sent after -s (+m) has been applied.
    op.raw(`MODE ${channel} -s`);
    op.raw(`MODE ${channel} +m`);
    await eventually(async () => ((await state<Levels>(alice, roomId, "m.room.power_levels")).events_default ?? 0) > 0, 20000, "+m after -s");
    assert.equal(await visibility(), "private", "-s leaves the room unlisted");
    op.raw(`MODE ${channel} -m`);
    await eventually(async () => ((await state<Levels>(alice, roomId, "m.room.power_levels")).events_default ?? 0) === 0, 20000, "-m");
  });

  it("30 +o in one MODE burst produce one power-levels event", async () => {
    const extras = await Promise.all(
      Array.from({ length: 30 }, async (_, i) => {
        const c = await TestIrcClient.connect(bridge.irc.host, bridge.irc.port, uniqueName(`b${i}`).slice(0, 12));
        await c.join(channel);
        return c;
      }),
    );
    await eventually(async () => {
      const members = await csApi<{ joined: Record<string, unknown> }>("GET", `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/joined_members`, alice.token);
      return extras.every((c) => bridge.ghost(c.nick) in members.body.joined);
    }, 30000, "the 30 ghosts in the room");
    const count = async () => (await timeline(alice, roomId)).filter((e) => e.type === "m.room.power_levels").length;
    const before = await count();
    // As many modes per line as the server takes (ISUPPORT MODES: Ergo has no limit, InspIRCd 20),
    // all lines sent at once: one burst.
    const perLine = spec.ircd === "ergo" ? 30 : 20;
    for (let i = 0; i < 30; i += perLine) {
      const nicks = extras.slice(i, i + perLine).map((c) => c.nick);
      op.raw(`MODE ${channel} +${"o".repeat(nicks.length)} ${nicks.join(" ")}`);
    }
    await eventually(async () => {
      const levels = await state<Levels>(alice, roomId, "m.room.power_levels");
      return extras.every((c) => levels.users?.[bridge.ghost(c.nick)] === 50);
    }, 30000, "all 30 ghosts at 50");
    assert.equal((await count()) - before, 1, "one power-levels event for the burst");
    for (const c of extras) await c.quit();
  });

  it("a Matrix moderator whose puppet is opped kicks and bans a ghost: the IRC user is kicked and banned", async () => {
    op.raw(`MODE ${channel} +o ${nickOf(alice)}`);
    await eventually(async () => (await levelOf(alice, roomId, alice.userId)) === 50, 20000, "alice at 50");
    const from = op.lines.length;
    const ghost = bridge.ghost(victim.nick);
    const kicked = await csApi("POST", `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/kick`, alice.token, { user_id: ghost, reason: "spam" });
    assert.equal(kicked.status, 200);
    await op.waitFor(new RegExp(`:${escape(nickOf(alice))}!\\S+ KICK ${escape(channel)} ${escape(victim.nick)} :.*spam`, "i"), 20000, from);
    // Back in after the kick: a join of the ghost after its last leave (its first join is older).
    const backAfterKick = async () => {
      const own = (await timeline(alice, roomId)).filter((e) => e.type === "m.room.member" && e.state_key === ghost);
      const left = own.map((e) => e.content.membership).lastIndexOf("leave");
      return left !== -1 && own.slice(left + 1).some((e) => e.content.membership === "join");
    };
    await victim.join(channel);
    await eventually(backAfterKick, 20000, "the ghost back after the rejoin");
    // The waits below count from here: the first KICK and the first join are behind them.
    const banFrom = op.lines.length;
    // The mask the bridge must set: the victim's host, as the server shows it (USERHOST).
    victim.raw(`USERHOST ${victim.nick}`);
    const userhost = await victim.waitFor(new RegExp(` 302 \\S+ :${escape(victim.nick)}\\*?=[+-]\\S+@\\S+`, "i"), 15000);
    const host = /@(\S+?)\s*$/.exec(userhost)?.[1] ?? assert.fail(`no host in ${userhost}`);
    const banned = await csApi("POST", `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/ban`, alice.token, { user_id: ghost, reason: "enough" });
    assert.equal(banned.status, 200);
    const ban = await op.waitFor(new RegExp(`MODE ${escape(channel)} \\+b \\S+`, "i"), 20000, banFrom);
    const mask = (ban.split(" ").at(-1) ?? "").replace(/^:/, "");
    assert.equal(mask.toLowerCase(), `*!*@${host}`.toLowerCase(), "the ban names the victim's host");
    await op.waitFor(new RegExp(`KICK ${escape(channel)} ${escape(victim.nick)} :.*enough`, "i"), 20000, banFrom);
    // Unbanning on Matrix lifts the same mask on IRC (here every local user may share one host).
    const unbanned = await csApi("POST", `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/unban`, alice.token, { user_id: ghost });
    assert.equal(unbanned.status, 200);
    await op.waitFor(new RegExp(`MODE ${escape(channel)} -b :?${escape(mask)}`, "i"), 20000, from);
  });

  it("a Matrix user with power in the room but no channel operator behind them: nothing happens on IRC, and they are told why", async () => {
    const admin = await registerUser(uniqueName("adm"), undefined, true);
    const bob = await registerUser(uniqueName("bob"));
    await joinRoom(bob, bridge.alias(channel));
    await op.waitFor(new RegExp(`:${escape(nickOf(bob))}!\\S+ JOIN`, "i"), 20000);
    // Bob becomes a room admin on Matrix only (Synapse's admin API); his puppet has no ops on IRC.
    const made = await csApi("POST", `/_synapse/admin/v1/rooms/${encodeURIComponent(roomId)}/make_room_admin`, admin.token, { user_id: bob.userId });
    assert.equal(made.status, 200, JSON.stringify(made.body));
    const other = await TestIrcClient.connect(bridge.irc.host, bridge.irc.port, uniqueName("oth").slice(0, 12));
    await other.join(channel);
    const ghost = bridge.ghost(other.nick);
    await eventually(async () => (await timeline(bob, roomId)).some((e) => e.type === "m.room.member" && e.state_key === ghost && e.content.membership === "join"), 20000, "the ghost in the room");
    const from = op.lines.length;
    await csApi("POST", `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/kick`, bob.token, { user_id: ghost, reason: "no" });
    await eventually(async () => (await timeline(bob, roomId)).some((e) => e.sender === bot && /not .*operator/i.test(String(e.content.body))), 20000, "the notice saying why");
    await eventually(async () => (await timeline(bob, roomId)).filter((e) => e.type === "m.room.member" && e.state_key === ghost).at(-1)?.content.membership === "join", 20000, "the ghost back in the room");
    // Positive control: the refusal was decided before the notice; a message bob sends now reaches
    // IRC after anything his connection was told to do before it.
    const marker = uniqueName("after-kick");
    await sendText(bob, roomId, marker);
    await op.waitFor(new RegExp(`:${escape(nickOf(bob))}!\\S+ PRIVMSG ${escape(channel)} :?${escape(marker)}$`, "i"), 20000, from);
    assert.equal(op.lines.slice(from).filter((l) => / KICK /.test(l)).length, 0, "no KICK on IRC");
    await other.quit();
  });

  it("topics go both ways", async () => {
    // Setting the room's topic takes a moderator on Matrix: alice is one as an operator on IRC.
    op.raw(`MODE ${channel} +o ${nickOf(alice)}`);
    await eventually(async () => (await levelOf(alice, roomId, alice.userId)) === 50, 20000, "alice at 50");
    op.raw(`TOPIC ${channel} :from irc ${uniqueName("")}`);
    await eventually(async () => /^from irc /.test((await state<{ topic: string }>(alice, roomId, "m.room.topic")).topic), 20000, "the IRC topic in the room");
    // Linked InspIRCd refuses a topic change in the same second as the last one (spanningtree: "Retry
    // topic change later"). The IRC topic was set before now: wait for the next second of the clock,
    // which the test servers share with this machine.
    const setBy = Math.floor(Date.now() / 1000);
    while (Math.floor(Date.now() / 1000) <= setBy) await new Promise((r) => setTimeout(r, 50));
    const from = op.lines.length;
    const res = await csApi("PUT", `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/state/m.room.topic/`, alice.token, { topic: "from matrix" });
    assert.equal(res.status, 200);
    await op.waitFor(new RegExp(`:${escape(nickOf(alice))}!\\S+ TOPIC ${escape(channel)} :from matrix$`, "i"), 20000, from).catch(async (err: unknown) => {
      const said = (await timeline(alice, roomId)).filter((e) => e.sender === bot).slice(-3).map((e) => String(e.content.body));
      throw new Error(`${String(err)}\nthe bot said: ${said.join(" | ")}`);
    });
  });
});
