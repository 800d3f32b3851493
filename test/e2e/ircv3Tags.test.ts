/**
 * IRCv3 client tags, both ways, on Ergo (message-tags, draft/multiline, draft/message-redaction)
 * against the real Synapse: reactions, deletions, typing and multi-line messages reach the other
 * side as that side shows them, not as text.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { bridges } from "../../scripts/lib/testenv";
import { parseIrcLine, type IrcLine } from "../../src/irc/ircLine";
import { TestIrcClient, escape } from "./support/ircClient";
import { RunningBridge } from "./support/localBridge";
import { csApi, eventually, joinRoom, registerUser, sendText, timeline, uniqueName, type TestUser, puppetNick } from "./support/matrixClient";

const CAPS = ["message-tags", "echo-message", "server-time", "batch", "draft/multiline", "draft/message-redaction"];

describe("IRCv3 client tags on ergo", () => {
  const bridge = new RunningBridge(bridges.sample);
  const channel = `#${uniqueName("tags")}`;
  let alice: TestUser;
  let roomId: string;
  let ivy: TestIrcClient;
  let aliceNick: string;
  let txn = 0;

  /** Lines from alice's puppet after line `from`, parsed, whose command is `command`. */
  const fromAlice = (from: number, command: string): IrcLine[] =>
    ivy.lines
      .slice(from)
      .map(parseIrcLine)
      .filter((l): l is IrcLine => l !== undefined && l.command === command && l.source?.toLowerCase() === aliceNick.toLowerCase());
  /** Ivy says `text` and returns the msgid the server gave it (from her own echo). */
  const ivySays = async (text: string): Promise<string> => {
    const from = ivy.lines.length;
    ivy.say(channel, text);
    const echo = parseIrcLine(await ivy.waitFor(new RegExp(`PRIVMSG ${escape(channel)} :${escape(text)}$`, "i"), 20000, from));
    const msgid = echo?.tags.msgid;
    assert.ok(msgid, "the server gives messages a msgid");
    return msgid;
  };
  const ghostEvent = (body: string) => eventually(async () => (await timeline(alice, roomId)).find((e) => e.sender === bridge.ghost(ivy.nick) && e.content.body === body), 20000, `"${body}" in Matrix`);
  /** Alice says `text` in Matrix; returns its event id and the msgid IRC gave it. */
  const aliceSays = async (text: string): Promise<{ eventId: string; msgid: string }> => {
    const from = ivy.lines.length;
    const eventId = await sendText(alice, roomId, text);
    const line = parseIrcLine(await ivy.waitFor(new RegExp(`PRIVMSG ${escape(channel)} :${escape(text)}$`), 20000, from));
    assert.ok(line?.tags.msgid);
    return { eventId, msgid: line.tags.msgid };
  };

  before(async () => {
    await bridge.start();
    ivy = await TestIrcClient.connect(bridge.irc.host, bridge.irc.port, uniqueName("ivy").slice(0, 12), CAPS);
    await ivy.join(channel);
    await ivy.waitOnline(bridge.botNick);
    alice = await registerUser(uniqueName("alice"));
    aliceNick = puppetNick(alice);
    roomId = await joinRoom(alice, bridge.alias(channel));
    await ivy.waitFor(new RegExp(`^(?:@\\S+ )?:${escape(aliceNick)}!\\S+ JOIN`, "i"), 20000);
    // Ivy's ghost is in the room (typing is shown only for a ghost that is).
    await ivySays("hello, I am ivy");
    await ghostEvent("hello, I am ivy");
  });

  after(async () => {
    try {
      await ivy.quit();
    } finally {
      await bridge.dispose();
    }
  });

  it("a Matrix reaction to an IRC message reaches IRC as TAGMSG +draft/react with +draft/reply", async () => {
    const msgid = await ivySays("react to this");
    const event = await ghostEvent("react to this");
    const from = ivy.lines.length;
    const res = await csApi("PUT", `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/send/m.reaction/r${Date.now()}.${txn++}`, alice.token, {
      "m.relates_to": { rel_type: "m.annotation", event_id: event.event_id, key: "👍" },
    });
    assert.equal(res.status, 200);
    const tagmsg = await eventually(() => fromAlice(from, "TAGMSG").find((l) => l.tags["+draft/react"] !== undefined), 20000, "the reaction on IRC");
    assert.equal(tagmsg.tags["+draft/react"], "👍");
    assert.equal(tagmsg.tags["+draft/reply"], msgid);
    assert.equal(tagmsg.params[0]?.toLowerCase(), channel.toLowerCase());
  });

  it("an IRC +draft/react TAGMSG becomes an m.reaction from the ghost on the Matrix event", async () => {
    const { eventId, msgid } = await aliceSays("react to mine");
    ivy.raw(`@+draft/react=🎉;+draft/reply=${msgid} TAGMSG ${channel}`);
    const reaction = await eventually(
      async () => (await timeline(alice, roomId)).find((e) => e.type === "m.reaction" && e.sender === bridge.ghost(ivy.nick)),
      20000,
      "the reaction in Matrix",
    );
    assert.deepEqual(reaction.content["m.relates_to"], { rel_type: "m.annotation", event_id: eventId, key: "🎉" });
  });

  it("an IRC REDACT of a message redacts its Matrix event", async () => {
    const msgid = await ivySays("delete me later");
    const event = await ghostEvent("delete me later");
    ivy.raw(`REDACT ${channel} ${msgid} :oops`);
    const redacted = await eventually(
      async () => {
        const res = await csApi<{ content: Record<string, unknown>; unsigned?: { redacted_because?: { content?: { reason?: string } } } }>("GET", `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/event/${encodeURIComponent(event.event_id)}`, alice.token);
        return res.body.unsigned?.redacted_because !== undefined ? res.body : undefined;
      },
      20000,
      "the Matrix event to be redacted",
    );
    assert.equal(redacted.content.body, undefined);
    assert.match(String(redacted.unsigned?.redacted_because?.content?.reason), /oops/);
  });

  it("a Matrix redaction of the user's own message reaches IRC as REDACT from their puppet", async () => {
    // Ergo lets a user delete their own messages when logged in to an account, and a channel
    // operator any message of the channel: the puppet has no account here, so ivy (who made the
    // channel) ops it.
    ivy.raw(`MODE ${channel} +o ${aliceNick}`);
    await ivy.waitFor(new RegExp(`MODE ${escape(channel)} \\+o ${escape(aliceNick)}`, "i"), 20000);
    const { eventId, msgid } = await aliceSays("I take this back");
    const from = ivy.lines.length;
    const res = await csApi("PUT", `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/redact/${encodeURIComponent(eventId)}/x${Date.now()}.${txn++}`, alice.token, { reason: "typo" });
    assert.equal(res.status, 200);
    await ivy.waitFor(new RegExp(`REDACT ${escape(channel)} ${escape(msgid)}`, "i"), 20000, from);
    const [redact] = fromAlice(from, "REDACT");
    assert.deepEqual(redact?.params.slice(1), [msgid, "typo"]);
  });

  it("IRC typing shows the ghost typing in Matrix", async () => {
    const ghost = bridge.ghost(ivy.nick);
    // Incremental /sync (Synapse caches an identical request's answer for a while, so the same
    // initial sync asked again would not show a change): waits for an m.typing that passes `check`.
    type Sync = { next_batch: string; rooms?: { join?: Record<string, { ephemeral?: { events?: { type: string; content: { user_ids?: string[] } }[] } }> } };
    const filter = encodeURIComponent(JSON.stringify({ room: { rooms: [roomId], timeline: { limit: 1 }, state: { lazy_load_members: true } } }));
    let since = (await csApi<Sync>("GET", `/_matrix/client/v3/sync?timeout=0&filter=${filter}`, alice.token)).body.next_batch;
    const typingUntil = (check: (users: readonly string[]) => boolean, what: string) =>
      eventually(
        async () => {
          const res = await csApi<Sync>("GET", `/_matrix/client/v3/sync?timeout=1000&filter=${filter}&since=${encodeURIComponent(since)}`, alice.token);
          since = res.body.next_batch;
          const typing = res.body.rooms?.join?.[roomId]?.ephemeral?.events?.find((e) => e.type === "m.typing");
          return typing !== undefined && check(typing.content.user_ids ?? []);
        },
        20000,
        what,
      );
    ivy.raw(`@+typing=active TAGMSG ${channel}`);
    await typingUntil((users) => users.includes(ghost), "the ghost typing in Matrix");
    ivy.raw(`@+typing=done TAGMSG ${channel}`);
    await typingUntil((users) => !users.includes(ghost), "the ghost no longer typing");
  });

  it("Matrix typing reaches IRC as TAGMSG +typing=active, then done", async () => {
    const from = ivy.lines.length;
    const path = `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/typing/${encodeURIComponent(alice.userId)}`;
    assert.equal((await csApi("PUT", path, alice.token, { typing: true, timeout: 20000 })).status, 200);
    await eventually(() => fromAlice(from, "TAGMSG").find((l) => l.tags["+typing"] === "active"), 20000, "+typing=active on IRC");
    assert.equal((await csApi("PUT", path, alice.token, { typing: false })).status, 200);
    await eventually(() => fromAlice(from, "TAGMSG").find((l) => l.tags["+typing"] === "done"), 20000, "+typing=done on IRC");
  });

  it("a 2-line Matrix message reaches a draft/multiline client as one BATCH, and is not repeated", async () => {
    const from = ivy.lines.length;
    await sendText(alice, roomId, "first of two\nsecond of two");
    const end = await ivy.waitFor(/ BATCH :?-/, 20000, from);
    const lines = ivy.lines.slice(from, ivy.lines.indexOf(end, from) + 1).map(parseIrcLine);
    const opening = lines.find((l) => l?.command === "BATCH" && l.params[0]?.startsWith("+") === true);
    assert.ok(opening, "the batch opened");
    assert.equal(opening.params[1], "draft/multiline");
    const id = opening.params[0]?.slice(1) ?? "";
    const inBatch = lines.filter((l) => l?.command === "PRIVMSG" && l.tags.batch === id).map((l) => l?.params[1]);
    assert.deepEqual(inBatch, ["first of two", "second of two"]);
    // Positive control for the absence: a marker said after the batch arrives, and no line of the
    // message came outside the batch before it.
    await aliceSays("after the batch");
    const outside = ivy.lines
      .slice(from)
      .map(parseIrcLine)
      .filter((l) => l?.command === "PRIVMSG" && l.tags.batch === undefined && /of two/.test(l.params[1] ?? ""));
    assert.deepEqual(outside, []);
    const notices = (await timeline(alice, roomId)).filter((e) => e.content.msgtype === "m.notice" && /not sent/.test(String(e.content.body)));
    assert.deepEqual(notices, [], "the batch was confirmed: no failure notice");
  });

  it("an IRC draft/multiline batch becomes one Matrix message with its lines", async () => {
    ivy.raw(`BATCH +ml1 draft/multiline ${channel}`);
    ivy.raw(`@batch=ml1 PRIVMSG ${channel} :top line`);
    ivy.raw(`@batch=ml1 PRIVMSG ${channel} :bottom `);
    ivy.raw(`@batch=ml1;draft/multiline-concat PRIVMSG ${channel} :line`);
    ivy.raw("BATCH -ml1");
    await ghostEvent("top line\nbottom line");
    const parts = (await timeline(alice, roomId)).filter((e) => e.sender === bridge.ghost(ivy.nick) && /^(top|bottom)/.test(String(e.content.body)));
    assert.equal(parts.length, 1, "one Matrix message, not one per line");
  });
});
