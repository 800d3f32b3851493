import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { ChannelEvent } from "../../src/broker/channelEvent";
import { onChannelModes } from "../../src/fromIrc/channelModes";
import { modeSpec, parseModeChanges } from "../../src/irc/modes";
import type { Json } from "../../src/matrix/matrixApi";
import { ALICE, BOT, MAPPED, PORTAL, base, ircScene } from "../support/ircScene";
import { until } from "../support/until";

const spec = modeSpec("(qaohv)~&@%+", "beI,k,l,imnpst");
const BOB = "@irc_bob:example.org";

/** A MODE on #chan as the connection hands it over (parsed against the server's PREFIX/CHANMODES). */
const mode = (by: string, modes: string, ...params: string[]): ChannelEvent => ({
  type: "mode",
  channel: "#chan",
  e: { ...base, by, channel: "#chan", changes: parseModeChanges(modes, params, spec) },
});
const join = (nick: string): ChannelEvent => ({ type: "join", channel: "#chan", e: { ...base, nick, channel: "#chan", account: undefined } });
const part = (nick: string): ChannelEvent => ({ type: "part", channel: "#chan", e: { ...base, nick, channel: "#chan", reason: "" } });
const kick = (nick: string, by: string, reason: string): ChannelEvent => ({ type: "kick", channel: "#chan", e: { ...base, by, nick, channel: "#chan", reason } });
const topic = (text: string): ChannelEvent => ({ type: "topic", channel: "#chan", e: { ...base, channel: "#chan", topic: text, by: "op" } });

const users = (content: Json | undefined) => (content?.users ?? {}) as Record<string, number>;
const plWrites = (calls: readonly string[], room?: string) => calls.filter((c) => c.startsWith("setState") && c.includes("m.room.power_levels") && (room === undefined || c.split(" ")[1] === room));
const joinRule = (api: { stateOf(r: string, t: string): Json | undefined }, room: string) => api.stateOf(room, "m.room.join_rules")?.join_rule;

describe("IRC prefix modes -> Matrix power levels", () => {
  it("+o to a Matrix user's puppet: the real Matrix user gets 50 in both rooms; -o lowers them back", async () => {
    const { api, run, settle } = await ircScene();
    await run(join("Alice[m]"), mode("op", "+o", "Alice[m]"));
    const up = await settle();
    assert.equal(plWrites(up).length, 2, up.join("\n"));
    for (const room of [PORTAL, MAPPED]) assert.equal(users(api.stateOf(room, "m.room.power_levels"))[ALICE], 50);
    await run(mode("op", "-o", "alice[M]"));
    await settle();
    for (const room of [PORTAL, MAPPED]) assert.deepEqual(users(api.stateOf(room, "m.room.power_levels")), { [BOT]: 100 }, "back to the room default");
  });

  it("+o of an IRC user: their ghost gets the level; the bot keeps 100", async () => {
    const { api, run, settle } = await ircScene();
    await run(join("Bob"), mode("op", "+o", "Bob"));
    await settle();
    assert.deepEqual(users(api.stateOf(PORTAL, "m.room.power_levels")), { [BOT]: 100, [BOB]: 50 });
  });

  it("a PART heard while the +o write's answer is still on its way takes the level back, not dropped", async () => {
    const { api, run, route, settle, clock, network } = await ircScene();
    await run(join("Bob"));
    let answer: () => void = () => undefined;
    api.answerHeld = new Promise<void>((resolve) => (answer = resolve));
    route(mode("op", "+o", "Bob"));
    clock.advance(network.chanops.batchMs);
    await until(() => users(api.stateOf(PORTAL, "m.room.power_levels"))[BOB] === 50, "the +o written, its answer held");
    route(part("Bob")); // not forced, unlike a MODE line
    answer();
    api.answerHeld = Promise.resolve();
    await settle();
    await settle();
    assert.deepEqual(users(api.stateOf(PORTAL, "m.room.power_levels")), { [BOT]: 100 }, "the PART took the level back");
  });

  it("a netjoin that ops 30 nicks writes exactly one power-levels event per room", async () => {
    const { api, run, settle } = await ircScene();
    const nicks = Array.from({ length: 30 }, (_, i) => `user${i}`);
    await run(...nicks.map(join), ...nicks.map((n) => mode("server.example", "+o", n)));
    const calls = await settle();
    assert.equal(plWrites(calls, PORTAL).length, 1, calls.join("\n"));
    assert.equal(plWrites(calls, MAPPED).length, 1);
    assert.equal(Object.keys(users(api.stateOf(PORTAL, "m.room.power_levels"))).length, 31);
  });

  it("ops spread over the batch time (the room's queue idle in between) still make one write", async () => {
    const { api, run, settle, clock } = await ircScene();
    const before = api.calls.length;
    for (const nick of ["a", "b", "c", "d"]) {
      await run(join(nick), mode("op", "+o", nick));
      clock.advance(100);
    }
    await settle();
    assert.equal(plWrites(api.calls.slice(before), PORTAL).length, 1);
    assert.equal(Object.keys(users(api.stateOf(PORTAL, "m.room.power_levels"))).length, 5);
  });

  it("never lowers a level a Matrix moderator set by hand", async () => {
    const { api, run, settle } = await ircScene();
    api.given(PORTAL, "m.room.power_levels", { users: { [BOT]: 100, [BOB]: 75 }, users_default: 0 });
    await run(join("Bob"), mode("op", "+o", "Bob"));
    await settle();
    await run(mode("op", "-o", "Bob"));
    await settle();
    assert.equal(users(api.stateOf(PORTAL, "m.room.power_levels"))[BOB], 75);
    // A level the bridge set and a moderator then changed is theirs too.
    await run(mode("op", "+o", "Bob"));
    await settle();
    assert.equal(users(api.stateOf(MAPPED, "m.room.power_levels"))[BOB], 50);
    api.given(MAPPED, "m.room.power_levels", { users: { [BOT]: 100, [BOB]: 60 }, users_default: 0 });
    await run(mode("op", "-o", "Bob"));
    await settle();
    assert.equal(users(api.stateOf(MAPPED, "m.room.power_levels"))[BOB], 60);
  });

  it("-q with +o kept lowers to the op level; voice alone maps to 1", async () => {
    const { api, run, settle } = await ircScene();
    await run(join("Bob"), mode("op", "+qo", "Bob", "Bob"));
    await settle();
    assert.equal(users(api.stateOf(PORTAL, "m.room.power_levels"))[BOB], 90);
    await run(mode("op", "-q", "Bob"));
    await settle();
    assert.equal(users(api.stateOf(PORTAL, "m.room.power_levels"))[BOB], 50);
    await run(mode("op", "-o+v", "Bob", "Bob"));
    await settle();
    assert.equal(users(api.stateOf(PORTAL, "m.room.power_levels"))[BOB], 1);
  });

  it("an op who parts or is kicked goes back to the room default", async () => {
    const { api, run, settle } = await ircScene();
    await run(join("Bob"), join("Carol"), mode("op", "+oo", "Bob", "Carol"));
    await settle();
    await run(part("Bob"), kick("Carol", "op", "bye"));
    await settle();
    assert.deepEqual(users(api.stateOf(PORTAL, "m.room.power_levels")), { [BOT]: 100 });
  });

  it("an op's nick change moves the level from the old ghost to the new one", async () => {
    const { api, run, settle } = await ircScene();
    await run(join("Bob"), mode("op", "+o", "Bob"));
    await settle();
    await run({ type: "nick", channel: "#chan", e: { ...base, nick: "Bob", newNick: "Robert" } });
    await settle();
    assert.deepEqual(users(api.stateOf(PORTAL, "m.room.power_levels")), { [BOT]: 100, "@irc_robert:example.org": 50 });
  });

  it("NAMES: ops and voices get their levels in one write; a user the bridge raised who lost op meanwhile goes back", async () => {
    const { api, run, settle, names } = await ircScene();
    await run(join("Carol"), mode("op", "+o", "Carol"));
    await settle();
    names({
      channel: "#chan",
      users: [
        { nick: "Bob", modes: ["o"] },
        { nick: "Dave", modes: ["v"] },
        { nick: "Carol", modes: [] },
        { nick: "Alice[m]", modes: ["o"] },
        { nick: "matrixbridge", modes: ["o"] },
      ],
    });
    const calls = await settle();
    assert.equal(plWrites(calls, PORTAL).length, 1);
    assert.deepEqual(users(api.stateOf(PORTAL, "m.room.power_levels")), { [BOT]: 100, [BOB]: 50, "@irc_dave:example.org": 1, [ALICE]: 50 });
  });

  it("levels follow the network's config; an unmapped mode (0) gives nothing", async () => {
    const { api, run, settle } = await ircScene(", chanops: { levels: { o: 40, v: 0 } }");
    await run(join("Bob"), join("Dave"), mode("op", "+ov", "Bob", "Dave"));
    await settle();
    assert.deepEqual(users(api.stateOf(PORTAL, "m.room.power_levels")), { [BOT]: 100, [BOB]: 40 });
  });
});

describe("IRC channel modes -> the rooms", () => {
  it("+m raises events_default to the voice level; -m puts back what it was", async () => {
    const { api, run, settle } = await ircScene(", chanops: { levels: { v: 10 } }");
    api.given(PORTAL, "m.room.power_levels", { users: { [BOT]: 100 }, events_default: 5 });
    await run(mode("op", "+m"));
    await settle();
    assert.equal(api.stateOf(PORTAL, "m.room.power_levels")?.events_default, 10);
    assert.equal(api.stateOf(MAPPED, "m.room.power_levels")?.events_default, 10);
    await run(mode("op", "-m"));
    await settle();
    assert.equal(api.stateOf(PORTAL, "m.room.power_levels")?.events_default, 5);
    assert.equal(api.stateOf(MAPPED, "m.room.power_levels")?.events_default, 0);
  });

  it("-m heard while the +m write's answer is still on its way is kept, not dropped (the +m already shows in the room)", async () => {
    const { api, run, route, settle, clock, network } = await ircScene(", chanops: { levels: { v: 10 } }");
    api.given(PORTAL, "m.room.power_levels", { users: { [BOT]: 100 }, events_default: 5 });
    let answer: () => void = () => undefined;
    api.answerHeld = new Promise<void>((resolve) => (answer = resolve));
    await run(mode("op", "+m"));
    clock.advance(network.chanops.batchMs);
    await until(() => api.stateOf(PORTAL, "m.room.power_levels")?.events_default === 10, "the +m written, its answer held");
    route(mode("op", "-m")); // not run(): the room's queue is busy with the held write
    answer();
    api.answerHeld = Promise.resolve();
    await settle();
    await settle();
    assert.equal(api.stateOf(PORTAL, "m.room.power_levels")?.events_default, 5, "the -m reverted the portal");
    assert.equal(api.stateOf(MAPPED, "m.room.power_levels")?.events_default, 0, "and the mapped room");
  });

  it("+i makes the rooms invite-only; -i restores the portal's configured rule and the mapped room's own", async () => {
    const { api, run } = await ircScene(", portals: { joinRule: public }");
    const restricted = { join_rule: "restricted", allow: [{ type: "m.room_membership", room_id: "!space:example.org" }] };
    api.given(MAPPED, "m.room.join_rules", restricted);
    await run(mode("op", "+i"));
    assert.equal(joinRule(api, PORTAL), "invite");
    assert.equal(joinRule(api, MAPPED), "invite");
    await run(mode("op", "-i"));
    assert.equal(joinRule(api, PORTAL), "public");
    assert.deepEqual(api.stateOf(MAPPED, "m.room.join_rules"), restricted);
  });

  it("+k keeps the rooms invite-only until the channel is neither +i nor +k; the key is kept and never shown", async () => {
    const { api, run, keys } = await ircScene(", chanops: { modeNotices: true }");
    const calls = await run(mode("op", "+ik", "s3cr3t"));
    assert.equal(keys.get("#chan"), "s3cr3t");
    assert.equal(joinRule(api, PORTAL), "invite");
    await run(mode("op", "-i"));
    assert.equal(joinRule(api, PORTAL), "invite", "still +k");
    calls.push(...(await run(mode("op", "-k", "s3cr3t"))));
    assert.equal(joinRule(api, PORTAL), "public");
    assert.equal(keys.has("#chan"), false);
    assert.ok(!api.calls.some((c) => c.includes("s3cr3t")), api.calls.join("\n"));
  });

  it("a join rule a moderator set is not undone, and one they changed after the bridge is left alone", async () => {
    const { api, run } = await ircScene();
    api.given(PORTAL, "m.room.join_rules", { join_rule: "invite" });
    await run(mode("op", "+i"), mode("op", "-i"));
    assert.equal(joinRule(api, PORTAL), "invite", "it was invite-only before the bridge");
    await run(mode("op", "+i"));
    api.given(MAPPED, "m.room.join_rules", { join_rule: "knock" });
    await run(mode("op", "-i"));
    assert.equal(joinRule(api, MAPPED), "knock");
  });

  it("the bridge left the channel: the invite-only rule stays until the bridge, back in, sees the channel open (#1576 without the leak)", async () => {
    const { api, run, ctx, queues } = await ircScene();
    await run(mode("op", "+k", "key"));
    assert.equal(joinRule(api, PORTAL), "invite");
    ctx.roster.forget("#chan");
    await queues.idle();
    assert.equal(joinRule(api, PORTAL), "invite", "leaving the channel opens nothing");
    const open = parseModeChanges("+nt", [], spec);
    ctx.roster.channelModes("#chan", open);
    onChannelModes({ channel: "#chan", changes: open }, ctx);
    await queues.idle();
    assert.equal(joinRule(api, PORTAL), "public", "the modes heard on rejoining show it open");
    assert.equal(joinRule(api, MAPPED), "public");
  });

  it("+s or +p: both rooms are taken out of the room directory, and nothing ever publishes them", async () => {
    const { api, run } = await ircScene();
    const calls = await run(mode("op", "+s"));
    assert.deepEqual(calls.sort(), [`hideFromDirectory ${MAPPED} ${BOT}`, `hideFromDirectory ${PORTAL} ${BOT}`]);
    assert.deepEqual(await run(mode("op", "-s")), [], "-s publishes nothing");
    assert.equal((await run(mode("op", "+p"))).length, 2);
    // FakeMatrixApi.request throws on any other call (a publishing PUT would fail the run).
    assert.ok(api.calls.every((c) => !c.includes("public")));
  });

  it("the channel's modes when the bridge joins (RPL_CHANNELMODEIS): secret, keyed, moderated", async () => {
    const { api, ctx, queues, settle, keys } = await ircScene();
    const changes = parseModeChanges("+kmst", ["k3y"], spec);
    ctx.roster.channelModes("#chan", changes);
    onChannelModes({ channel: "#chan", changes }, ctx);
    await queues.idle();
    await settle();
    assert.ok(api.calls.includes(`hideFromDirectory ${PORTAL} ${BOT}`));
    assert.equal(joinRule(api, PORTAL), "invite");
    assert.equal(api.stateOf(PORTAL, "m.room.power_levels")?.events_default, 1);
    assert.equal(keys.get("#chan"), "k3y");
  });

  it("other modes: no notice by default; with modeNotices a short one, never with a key", async () => {
    const quiet = await ircScene();
    assert.deepEqual(await quiet.run(mode("op", "+tl", "20")), []);
    const { run } = await ircScene(", chanops: { modeNotices: true }");
    const calls = await run(mode("op", "+tl-n+b", "20", "*!*@spam.example"));
    assert.deepEqual(calls.sort(), [`notice ${MAPPED} op set mode +tl-n+b 20 *!*@spam.example on #chan.`, `notice ${PORTAL} op set mode +tl-n+b 20 *!*@spam.example on #chan.`]);
  });
});

describe("IRC bans, kicks and topics", () => {
  it("a ban whose mask matches a Matrix user's puppet: the room is told, naming the Matrix user", async () => {
    const { run } = await ircScene();
    // (Alice is in neither room here: her removal is tested in refusedJoins.test.ts.)
    const notices = (calls: readonly string[]) => calls.filter((c) => !c.startsWith("getState "));
    const calls = notices(await run(mode("op", "+b", "*!*@MATRIX.example.org")));
    assert.equal(calls.length, 2);
    for (const c of calls) assert.match(c, /^notice !(portal|mapped):example\.org op banned \*!\*@MATRIX\.example\.org from #chan on IRC\. This matches @alice:example\.org \(Alice\[m\] on IRC\)/);
    assert.deepEqual(await run(mode("op", "+b", "*!*@elsewhere.example"), mode("op", "+b", "bob!*@*"), mode("op", "-b", "*!*@matrix.example.org")), [], "other masks, and an unban, say nothing");
  });

  it("a ban mask with the other case of [] matches under rfc1459", async () => {
    const { run } = await ircScene();
    assert.equal((await run(mode("op", "+b", "ALICE{M}"))).filter((c) => c.startsWith("notice ")).length, 2);
  });

  it("a kick of a Matrix user's puppet kicks the Matrix user with the reason; of an IRC user, the ghost", async () => {
    const { run } = await ircScene();
    const calls = await run(kick("Alice[m]", "op", "behave"), kick("Bob", "op", ""));
    assert.deepEqual(calls.sort(), [
      `kick ${MAPPED} ${BOT} ${ALICE} kicked on IRC by op: behave`,
      `kick ${MAPPED} ${BOT} ${BOB} kicked on IRC by op`,
      `kick ${PORTAL} ${BOT} ${ALICE} kicked on IRC by op: behave`,
      `kick ${PORTAL} ${BOT} ${BOB} kicked on IRC by op`,
    ]);
  });

  it("the topic reaches a mapped room only with topicSync.mappedRooms", async () => {
    const set = (room: string, text: string) => `setState ${room} ${BOT} m.room.topic  ${JSON.stringify({ topic: text })}`;
    const off = await ircScene();
    assert.deepEqual(await off.run(topic("Hello")), [set(PORTAL, "Hello")]);
    const on = await ircScene(", topicSync: { mappedRooms: true }");
    assert.deepEqual((await on.run(topic("Hello"))).sort(), [set(MAPPED, "Hello"), set(PORTAL, "Hello")]);
  });
});
