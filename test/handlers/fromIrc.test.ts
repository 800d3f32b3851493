import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { ChannelEvent } from "../../src/broker/channelEvent";
import { onNames } from "../../src/fromIrc/names";
import type { MessageEvent, Tags } from "../../src/irc/events";
import { MatrixApiError } from "../../src/matrix/matrixApi";
import { BOT, MAPPED, PORTAL, T, base, ircScene } from "../support/ircScene";

const BOB = "@irc_bob:example.org";
const setup = () => ircScene();

function message(from: string, text: string, kind: MessageEvent["kind"] = "privmsg", tags: Tags = {}): ChannelEvent {
  return { type: "message", channel: "#chan", e: { ...base, kind, from, target: "#chan", text, tags, account: undefined } };
}
const join = (nick: string): ChannelEvent => ({ type: "join", channel: "#chan", e: { ...base, nick, channel: "#chan", account: undefined } });
const quit = (nick: string, reason: string): ChannelEvent => ({ type: "quit", channel: "#chan", e: { ...base, nick, reason } });
const kick = (nick: string, by: string, reason: string): ChannelEvent => ({ type: "kick", channel: "#chan", e: { ...base, by, nick, channel: "#chan", reason } });
const topic = (text: string): ChannelEvent => ({ type: "topic", channel: "#chan", e: { ...base, channel: "#chan", topic: text, by: "op" } });

describe("IRC -> Matrix handlers", () => {
  it("a channel message: m.text from the ghost into both rooms, same txnId prefix, server time, then the mark", async () => {
    const { api, run } = await setup();
    const calls = await run(message("Bob", "hello", "privmsg", { msgid: "m1" }));
    assert.deepEqual(
      api.sent.map((s) => [s.roomId, s.as, s.type, s.content, s.ts]),
      [PORTAL, MAPPED].map((room) => [room, BOB, "m.room.message", { msgtype: "m.text", body: "hello", "m.mentions": {} }, T]),
    );
    const prefixes = api.sent.map((s) => s.txnId.slice(0, -`.${s.roomId}`.length));
    assert.deepEqual(api.sent.map((s) => s.txnId), prefixes.map((p, i) => `${p}.${[PORTAL, MAPPED][i] ?? ""}`));
    assert.match(prefixes[0] ?? "", /^irc\.[0-9a-f]{24}$/);
    assert.equal(prefixes[0], prefixes[1]);
    for (const room of [PORTAL, MAPPED]) assert.deepEqual(api.callsIn(room), [`join ${room} ${BOB}`, `send ${room} ${BOB} m.room.message`]);
    assert.ok(calls.includes(`register irc_bob`) && calls.includes(`setDisplayname ${BOB} Bob`));
    const marks = calls.filter((c) => c.startsWith("mark "));
    assert.deepEqual(marks, [`mark #chan ${T} m1`, `mark #chan ${T} m1`]);
    assert.ok(calls.indexOf(`send ${PORTAL} ${BOB} m.room.message`) < calls.indexOf(marks[0] ?? ""), "marked only after a send");
  });

  it("a message queued for a room that is unlinked before it is delivered is dropped there (counted); the other room still gets it", async () => {
    const { api, queues, route, ctx } = await setup();
    let release: () => void = () => undefined;
    queues.enqueue(PORTAL, { what: "slow homeserver", run: () => new Promise<void>((r) => (release = r)) });
    route(message("Bob", "said before the unlink"));
    await ctx.rooms.remove(PORTAL);
    route(message("Bob", "said after the unlink"));
    release();
    await queues.idle();
    assert.deepEqual(api.callsIn(PORTAL), [], "neither message reaches the unlinked room");
    assert.deepEqual(
      api.sent.filter((e) => e.roomId === MAPPED).map((e) => e.content.body),
      ["said before the unlink", "said after the unlink"],
      "the room still bridged gets both (the positive control)",
    );
    const counted = await ctx.metrics.registry.getSingleMetricAsString("ircbridge_undeliverable_total");
    assert.match(counted, /direction="irc_to_matrix",reason="unlinked"} 1/);
  });

  it("the txnId is deterministic: the same event gives the same ids, another event other ids", async () => {
    const first = await setup();
    const second = await setup();
    await first.run(message("Bob", "hello", "privmsg", { msgid: "m1" }));
    await second.run(message("Bob", "hello", "privmsg", { msgid: "m1" }), message("Bob", "hello", "privmsg", { msgid: "m2" }));
    const ids = (s: typeof first) => s.api.sent.filter((e) => e.roomId === PORTAL).map((e) => e.txnId);
    assert.equal(ids(second)[0], ids(first)[0]);
    assert.notEqual(ids(second)[1], ids(second)[0]);
  });

  const kinds: [MessageEvent["kind"], string][] = [
    ["privmsg", "m.text"],
    ["notice", "m.notice"],
    ["action", "m.emote"],
  ];
  for (const [kind, msgtype] of kinds) {
    it(`${kind} becomes ${msgtype}: the body without IRC formatting, the formatted_body with it as HTML`, async () => {
      const { api, run } = await setup();
      await run(message("Bob", "\x02bold\x02 \x0304,01red\x03 \x1Dit\x1D\x0F <done>", kind));
      const html = '<strong>bold</strong> <font data-mx-color="#ff0000" data-mx-bg-color="#000000">red</font> <em>it</em> &#60;done&#62;';
      const content = { msgtype, body: "bold red it <done>", format: "org.matrix.custom.html", formatted_body: html, "m.mentions": {} };
      assert.deepEqual(
        api.sent.map((s) => s.content),
        [content, content],
      );
    });
  }

  it("a message from one of our own nicks (any case) sends nothing", async () => {
    const { api, run } = await setup();
    assert.deepEqual(await run(message("alice[M]", "from Matrix"), message("MatrixBridge", "bot")), []);
    assert.deepEqual(api.sent, []);
  });

  it("a join: the ghost is registered, named after the nick and joined to both rooms", async () => {
    const { api, run } = await setup();
    const calls = await run(join("Carol"));
    const carol = "@irc_carol:example.org";
    // Each room's queue runs ensureJoined on its own, so with two rooms these may come twice (see report).
    assert.deepEqual(new Set(calls.filter((c) => !c.startsWith("join "))), new Set(["register irc_carol", `setDisplayname ${carol} Carol`]));
    assert.ok(calls.indexOf("register irc_carol") < calls.indexOf(`setDisplayname ${carol} Carol`));
    assert.ok(calls.indexOf(`setDisplayname ${carol} Carol`) < calls.findIndex((c) => c.startsWith("join ")));
    for (const room of [PORTAL, MAPPED]) assert.deepEqual(api.callsIn(room), [`join ${room} ${carol}`]);
  });

  it("our own nick joining creates no ghost", async () => {
    const { run } = await setup();
    assert.deepEqual(await run(join("Alice[m]"), join("matrixbridge")), []);
  });

  it("a nick change: the old ghost leaves, the new one joins under the new nick", async () => {
    const { api, run } = await setup();
    await run(join("Bob"));
    const calls = await run({ type: "nick", channel: "#chan", e: { ...base, nick: "Bob", newNick: "Robert" } });
    const robert = "@irc_robert:example.org";
    assert.ok(calls.includes(`setDisplayname ${robert} Robert`));
    for (const room of [PORTAL, MAPPED]) assert.deepEqual(api.callsIn(room).slice(-2), [`leave ${room} ${BOB}`, `join ${room} ${robert}`]);
  });

  it("a nick change in case only renames the ghost in place", async () => {
    const { run } = await setup();
    await run(join("Bob"));
    const calls = await run({ type: "nick", channel: "#chan", e: { ...base, nick: "Bob", newNick: "BOB" } });
    assert.deepEqual(new Set(calls), new Set([`setDisplayname ${BOB} BOB`]));
  });

  it("part and quit: the ghost leaves both rooms", async () => {
    const { run } = await setup();
    await run(join("Bob"));
    const part: ChannelEvent = { type: "part", channel: "#chan", e: { ...base, nick: "Bob", channel: "#chan", reason: "bye" } };
    assert.deepEqual((await run(part)).sort(), [`leave ${MAPPED} ${BOB}`, `leave ${PORTAL} ${BOB}`]);
    const quit: ChannelEvent = { type: "quit", channel: "#chan", e: { ...base, nick: "Bob", reason: "gone" } };
    assert.deepEqual((await run(quit)).sort(), [`leave ${MAPPED} ${BOB}`, `leave ${PORTAL} ${BOB}`]);
  });

  it("a kick of an IRC user: the bot kicks the ghost, saying who kicked and why", async () => {
    const { run } = await setup();
    const calls = await run(kick("Bob", "op", "spam"), kick("Dave", "op", ""));
    const dave = "@irc_dave:example.org";
    assert.deepEqual(calls.sort(), [
      `kick ${MAPPED} ${BOT} ${BOB} kicked on IRC by op: spam`,
      `kick ${MAPPED} ${BOT} ${dave} kicked on IRC by op`,
      `kick ${PORTAL} ${BOT} ${BOB} kicked on IRC by op: spam`,
      `kick ${PORTAL} ${BOT} ${dave} kicked on IRC by op`,
    ]);
  });

  it("a kick of one of our puppets kicks the Matrix user; a kick of the bot's own nick does nothing", async () => {
    const { run } = await setup();
    const calls = await run(kick("Alice[m]", "op", "flood"), kick("matrixbridge", "op", "bye"));
    assert.deepEqual(calls.sort(), [
      `kick ${MAPPED} ${BOT} @alice:example.org kicked on IRC by op: flood`,
      `kick ${PORTAL} ${BOT} @alice:example.org kicked on IRC by op: flood`,
    ]);
  });

  it("a kick the bot has no power for: the ghost leaves instead", async () => {
    const { api, run, givenUp } = await setup();
    api.failures.set("kick", new MatrixApiError(403, "M_FORBIDDEN", "no power"));
    const calls = await run(kick("Bob", "op", "spam"));
    assert.deepEqual(calls.filter((c) => c.startsWith("leave ")).sort(), [`leave ${MAPPED} ${BOB}`, `leave ${PORTAL} ${BOB}`]);
    assert.deepEqual(givenUp, []);
  });

  it("a topic is set in the portal room only, and only once when repeated", async () => {
    const { run } = await setup();
    const set = (text: string) => `setState ${PORTAL} ${BOT} m.room.topic  ${JSON.stringify({ topic: text })}`;
    assert.deepEqual(await run(topic("\x02Welcome\x02"), topic("Welcome")), [set("Welcome")]);
    assert.deepEqual(await run(topic("Welcome")), []);
    assert.deepEqual(await run(topic("New rules")), [set("New rules")]);
  });

  it("a message that is refused for good is given up and not marked delivered", async () => {
    const { api, route, queues, clock, givenUp } = await setup();
    api.failures.set("send", new MatrixApiError(403, "M_FORBIDDEN", "not in room"));
    route(message("Bob", "hello", "privmsg", { msgid: "m1" }));
    await new Promise<void>((resolve) => setImmediate(resolve));
    clock.advance(500);
    await queues.idle();
    assert.deepEqual(givenUp.sort(), [`${MAPPED} message from Bob`, `${PORTAL} message from Bob`]);
    assert.deepEqual(api.calls.filter((c) => c.startsWith("mark ")), []);
  });

  it("NAMES: a ghost for every IRC user but ours, once", async () => {
    const { ctx, api, queues } = await setup();
    const names = { channel: "#CHAN", users: [{ nick: "Bob", modes: ["o"] }, { nick: "Alice[m]", modes: [] }, { nick: "Dave", modes: [] }] };
    onNames(names, ctx);
    await queues.idle();
    const dave = "@irc_dave:example.org";
    for (const room of [PORTAL, MAPPED]) assert.deepEqual(api.callsIn(room), [`join ${room} ${BOB}`, `join ${room} ${dave}`]);
    assert.ok(!api.calls.some((c) => c.includes("alice")));
    const before = api.calls.length;
    onNames(names, ctx);
    await queues.idle();
    assert.equal(api.calls.length, before, "ghosts already joined are not joined again");
  });

  it("events of a channel with no bridged room do nothing", async () => {
    const { run } = await setup();
    const other: ChannelEvent = { type: "message", channel: "#other", e: { ...base, kind: "privmsg", from: "Bob", target: "#other", text: "hi", account: undefined } };
    assert.deepEqual(await run(other), []);
  });

  it("a netsplit QUIT followed by a rejoin within the window changes nothing in Matrix", async () => {
    const { run, clock, queues, api, ctx } = await setup();
    await run(join("Dora"), join("Fay"));
    // Fay splits away too but does not come back: her leave, once the window has passed, is the
    // positive control that the window ran out within what is checked below.
    const split = "hub.example.net leaf.example.net";
    const during = await run(quit("Dora", split), quit("Fay", split), join("Dora"));
    assert.deepEqual(during, [], "no leave and no join: the ghost stayed");
    assert.equal(ctx.splits.pending, 1, "only Fay's leave is still held");
    const from = api.calls.length;
    clock.advance(120000);
    await queues.idle();
    const after = api.calls.slice(from);
    assert.ok(after.some((c) => c.startsWith("leave") && c.includes("irc_fay")), `positive control: Fay's held leave ran\n${after.join("\n")}`);
    assert.deepEqual(after.filter((c) => c.includes("irc_dora")), [], "nothing for Dora, who came back in time");
  });

  it("a netsplit QUIT without a rejoin makes the ghost leave once the window has passed", async () => {
    const { run, clock, queues, api } = await setup();
    await run(join("Eve"));
    assert.deepEqual(await run(quit("Eve", "hub.example.net leaf.example.net")), []);
    const from = api.calls.length;
    clock.advance(60000);
    await queues.idle();
    assert.ok(api.calls.slice(from).some((c) => c.startsWith("leave") && c.includes("irc_eve")), api.calls.slice(from).join("\n"));
  });
});
