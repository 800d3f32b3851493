/**
 * Replies and edits, as people on both sides read them (real Synapse and Ergo with message-tags):
 * a Matrix reply reaches IRC as "nick: text" carrying +draft/reply with the original's msgid, with a
 * quote once the original is further back; an IRC +draft/reply becomes an m.in_reply_to; a Matrix
 * edit reaches IRC as one short s/old/new/, and an edit that changes nothing says nothing.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { bridges } from "../../scripts/lib/testenv";
import { TestIrcClient, escape } from "./support/ircClient";
import { RunningBridge } from "./support/localBridge";
import { csApi, eventually, joinRoom, registerUser, sendText, timeline, uniqueName, type TestUser, puppetNick } from "./support/matrixClient";

/** The tags of a raw IRC line ("@a=b;c PRIVMSG ..."). */
function tagsOf(line: string): Record<string, string> {
  if (!line.startsWith("@")) return {};
  const raw = line.slice(1, line.indexOf(" "));
  return Object.fromEntries(raw.split(";").map((t) => [t.slice(0, t.includes("=") ? t.indexOf("=") : t.length), t.includes("=") ? t.slice(t.indexOf("=") + 1) : ""]));
}

let txn = 0;
async function sendContent(user: TestUser, roomId: string, content: Record<string, unknown>): Promise<string> {
  const res = await csApi<{ event_id: string }>("PUT", `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/send/m.room.message/r${Date.now()}.${txn++}`, user.token, content);
  if (res.status !== 200) throw new Error(`send: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.event_id;
}

describe("replies and edits on Ergo", () => {
  const bridge = new RunningBridge(bridges.sample);
  const channel = `#${uniqueName("replies")}`;
  let alice: TestUser;
  let roomId: string;
  let bob: TestIrcClient;
  let aliceNick: string;
  const fromAlice = (text: RegExp | string) =>
    new RegExp(`^(?:@\\S+ )?:${escape(aliceNick)}!\\S+ PRIVMSG ${escape(channel)} :${typeof text === "string" ? escape(text) : text.source}$`, "i");
  /** The texts Alice's puppet said in the channel, from line `from` on. */
  const aliceSaid = (from: number) =>
    bob.lines
      .slice(from)
      .map((l) => fromAlice(/(.*)/).exec(l)?.[1])
      .filter((t): t is string => t !== undefined);

  before(async () => {
    await bridge.start();
    bob = await TestIrcClient.connect(bridge.irc.host, bridge.irc.port, uniqueName("rb").slice(0, 12), ["message-tags", "echo-message"]);
    await bob.waitOnline(bridge.botNick);
    await bob.join(channel);
    alice = await registerUser(uniqueName("ralice"));
    aliceNick = puppetNick(alice);
    roomId = await joinRoom(alice, bridge.alias(channel));
    await bob.waitFor(new RegExp(`^(?:@\\S+ )?:${escape(aliceNick)}!\\S+ JOIN :?${escape(channel)}`, "i"), 20000);
  });

  after(async () => {
    await bob.quit();
    await bridge.dispose();
  });

  let original: { eventId: string; msgid: string; text: string };

  it("a Matrix reply to an IRC user's message reaches IRC as 'nick: answer' with +draft/reply=<the original's msgid>", async () => {
    const text = `the cat sat on the mat ${uniqueName("")}`;
    bob.say(channel, text);
    const echo = await bob.waitFor(new RegExp(`:${escape(bob.nick)}!\\S+ PRIVMSG ${escape(channel)} :${escape(text)}$`, "i"), 20000);
    const msgid = tagsOf(echo).msgid;
    assert.ok(msgid !== undefined && msgid !== "", `the server gave bob's line a msgid: ${echo}`);
    const ghost = bridge.ghost(bob.nick);
    const event = await eventually(async () => (await timeline(alice, roomId)).find((e) => e.sender === ghost && e.content.body === text), 20000, "bob's message in Matrix");
    original = { eventId: event.event_id, msgid, text };
    const from = bob.lines.length;
    await sendContent(alice, roomId, {
      msgtype: "m.text",
      body: `> <${ghost}> ${text}\n\nit did`,
      "m.relates_to": { "m.in_reply_to": { event_id: event.event_id } },
    });
    const line = await bob.waitFor(fromAlice(`${bob.nick}: it did`), 20000, from);
    assert.equal(tagsOf(line)["+draft/reply"], msgid, `the reply is tagged with the original's msgid: ${line}`);
  });

  it("a reply to a message further back than the last few lines carries a quote of it", async () => {
    for (let i = 1; i <= 5; i++) bob.say(channel, `filler ${i}`);
    const ghost = bridge.ghost(bob.nick);
    await eventually(async () => (await timeline(alice, roomId)).find((e) => e.sender === ghost && e.content.body === "filler 5"), 20000, "the fillers in Matrix");
    const from = bob.lines.length;
    await sendContent(alice, roomId, { msgtype: "m.text", body: "still true", "m.relates_to": { "m.in_reply_to": { event_id: original.eventId } } });
    const line = await bob.waitFor(fromAlice(`${bob.nick}: (re: ${original.text}) still true`), 20000, from);
    assert.equal(tagsOf(line)["+draft/reply"], original.msgid);
  });

  it("an IRC reply tagged +draft/reply to a Matrix user's message becomes m.in_reply_to that message, mentioning its sender", async () => {
    const question = `question from matrix ${uniqueName("")}`;
    const from = bob.lines.length;
    const asked = await sendText(alice, roomId, question);
    const heard = await bob.waitFor(fromAlice(question), 20000, from);
    const msgid = tagsOf(heard).msgid;
    assert.ok(msgid !== undefined && msgid !== "", `alice's line carries a msgid: ${heard}`);
    bob.raw(`@+draft/reply=${msgid} PRIVMSG ${channel} :answer from irc`);
    const ghost = bridge.ghost(bob.nick);
    const reply = await eventually(async () => (await timeline(alice, roomId)).find((e) => e.sender === ghost && e.content.body === "answer from irc"), 20000, "bob's reply in Matrix");
    assert.deepEqual(reply.content["m.relates_to"], { "m.in_reply_to": { event_id: asked } });
    assert.deepEqual(reply.content["m.mentions"], { user_ids: [alice.userId] });
  });

  let sat = "";

  it("a Matrix edit of 'the cat sat' to 'the dog sat' reaches IRC as one s/cat/dog/; an edit that changes nothing says nothing", async () => {
    const from = bob.lines.length;
    sat = await sendText(alice, roomId, "the cat sat");
    await bob.waitFor(fromAlice("the cat sat"), 20000, from);
    const edit = (body: string) => ({
      msgtype: "m.text",
      body: `* ${body}`,
      "m.new_content": { msgtype: "m.text", body },
      "m.relates_to": { rel_type: "m.replace", event_id: sat },
    });
    await sendContent(alice, roomId, edit("the dog sat"));
    await sendContent(alice, roomId, edit("the dog sat"));
    const marker = `marker ${uniqueName("")}`;
    await sendText(alice, roomId, marker);
    await bob.waitFor(fromAlice(marker), 20000, from);
    assert.deepEqual(aliceSaid(from), ["the cat sat", "s/cat/dog/", marker], "one correction, nothing for the unchanged edit, then the marker");
  });

  it("after a restart (the bridge's log is memory only) originals are read from the homeserver: a reply names and quotes, an edit is marked", async () => {
    await bridge.stop();
    const from = bob.lines.length;
    await bridge.start();
    await bob.waitFor(new RegExp(`^(?:@\\S+ )?:${escape(aliceNick)}!\\S+ JOIN`, "i"), 30000, from);
    await sendContent(alice, roomId, { msgtype: "m.text", body: "after the restart", "m.relates_to": { "m.in_reply_to": { event_id: original.eventId } } });
    const line = await bob.waitFor(fromAlice(`${bob.nick}: (re: ${original.text}) after the restart`), 30000, from);
    assert.equal(tagsOf(line)["+draft/reply"], undefined, "the homeserver does not know IRC msgids");
    await sendContent(alice, roomId, {
      msgtype: "m.text",
      body: "* the dog sat down",
      "m.new_content": { msgtype: "m.text", body: "the dog sat down" },
      "m.relates_to": { rel_type: "m.replace", event_id: sat },
    });
    const marker = `marker ${uniqueName("")}`;
    await sendText(alice, roomId, marker);
    await bob.waitFor(fromAlice(marker), 20000, from);
    assert.deepEqual(aliceSaid(from).slice(-2), ["* the dog sat down", marker]);
  });
});
