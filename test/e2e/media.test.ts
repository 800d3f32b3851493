/**
 * Media and long messages as links that work, against the real Synapse (authenticated media on, its
 * default) and Ergo: an image sent in Matrix reaches IRC as an http link that an unauthenticated
 * client downloads byte for byte; a tampered link is refused; a 12-line message becomes at most 4
 * IRC lines, the last a link serving all 12; the sender sees a reaction saying it was cut.
 */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { bridges, testenv } from "../../scripts/lib/testenv";
import { escape, TestIrcClient } from "./support/ircClient";
import { RunningBridge } from "./support/localBridge";
import { csApi, eventually, joinRoom, registerUser, sendText, timeline, uniqueName, type TestUser, puppetNick } from "./support/matrixClient";

async function upload(user: TestUser, bytes: Buffer, contentType: string, filename: string): Promise<string> {
  const res = await fetch(`${testenv.synapseUrl}/_matrix/media/v3/upload?filename=${encodeURIComponent(filename)}`, {
    method: "POST",
    headers: { Authorization: `Bearer ${user.token}`, "Content-Type": contentType },
    body: bytes,
  });
  const body = (await res.json()) as { content_uri?: string };
  assert.equal(res.status, 200, JSON.stringify(body));
  assert.ok(typeof body.content_uri === "string");
  return body.content_uri;
}

async function sendContent(user: TestUser, roomId: string, content: Record<string, unknown>): Promise<string> {
  const res = await csApi<{ event_id: string }>("PUT", `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/send/m.room.message/m${Date.now()}.${Math.random()}`, user.token, content);
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body.event_id;
}

const LINK = /https?:\/\/\S+\/_ircbridge\/media\/v1\/\S+/;

describe("media and long messages on Ergo", () => {
  const bridge = new RunningBridge(bridges.sample);
  const channel = `#${uniqueName("media")}`;
  let alice: TestUser;
  let roomId: string;
  let bob: TestIrcClient;
  let aliceNick: string;
  let imageLink = "";

  before(async () => {
    await bridge.start();
    bob = await TestIrcClient.connect(bridge.irc.host, bridge.irc.port, uniqueName("mbob").slice(0, 12));
    await bob.waitOnline(bridge.botNick);
    await bob.join(channel);
    alice = await registerUser(uniqueName("malice"));
    aliceNick = puppetNick(alice);
    roomId = await joinRoom(alice, bridge.alias(channel));
    await bob.waitFor(new RegExp(`^(?:@\\S+ )?:${escape(aliceNick)}!\\S+ JOIN :?${escape(channel)}`, "i"), 30000);
  });

  after(async () => {
    await bob.quit();
    await bridge.dispose();
  });

  it("an image sent in Matrix reaches IRC as a link that an unauthenticated HTTP client downloads byte for byte", async () => {
    const bytes = randomBytes(300 * 1024);
    const mxc = await upload(alice, bytes, "image/png", "cat.png");
    const plain = await fetch(`${testenv.synapseUrl}/_matrix/media/v3/download/${mxc.slice("mxc://".length)}`);
    assert.notEqual(plain.status, 200, "control: the homeserver itself does not serve it without a login");
    await plain.arrayBuffer();
    const from = bob.lines.length;
    await sendContent(alice, roomId, { msgtype: "m.image", body: "cat.png", url: mxc, info: { size: bytes.length, mimetype: "image/png" } });
    // eslint-disable-next-line no-control-regex -- a CTCP ACTION is framed by \x01
    const line = await bob.waitFor(/PRIVMSG \S+ :\x01ACTION sent an image: cat\.png \(300 KiB\) https?:\/\//, 30000, from);
    imageLink = (LINK.exec(line)?.[0] ?? "").split("\u0001").join("");
    assert.match(imageLink, /\/cat\.png$/, "the filename is the last part of the link");
    const res = await fetch(imageLink);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("content-type"), "image/png");
    assert.deepEqual(Buffer.from(await res.arrayBuffer()), bytes, "byte for byte");
  });

  it("a tampered link is refused with 403", async () => {
    assert.ok(imageLink !== "", "the image story ran first");
    const url = new URL(imageLink);
    const parts = url.pathname.split("/");
    const signature = parts[parts.length - 2] ?? "";
    parts[parts.length - 2] = (signature.startsWith("A") ? "B" : "A") + signature.slice(1);
    const forged = await fetch(`${url.origin}${parts.join("/")}`);
    assert.equal(forged.status, 403);
    const renamed = await fetch(imageLink.replace(/cat\.png$/, "cat.html"));
    assert.equal(renamed.status, 403);
  });

  it("a 12-line message becomes at most 4 IRC lines, the last a link serving all 12; the sender sees a ✂️ reaction", async () => {
    const from = bob.lines.length;
    const body = Array.from({ length: 12 }, (_, i) => `paste line ${i + 1}`).join("\n");
    const eventId = await sendText(alice, roomId, body);
    const last = await bob.waitFor(/PRIVMSG \S+ :\(full message: https?:\/\/\S+\)$/, 30000, from);
    // Positive control before counting: a marker sent after the long message has arrived.
    await sendText(alice, roomId, "media-marker-after");
    const markerAt = bob.lines.length;
    await bob.waitFor(/PRIVMSG \S+ :media-marker-after$/, 30000, from);
    const fromAlice = bob.lines
      .slice(from)
      .filter((l) => new RegExp(`^(?:@\\S+ )?:${escape(aliceNick)}!\\S+ PRIVMSG ${escape(channel)} :`, "i").test(l))
      .map((l) => l.replace(/^.* PRIVMSG \S+ :/, ""));
    const upToMarker = fromAlice.slice(0, fromAlice.indexOf("media-marker-after"));
    assert.ok(upToMarker.length <= 4, `${upToMarker.length} IRC lines: ${JSON.stringify(upToMarker)}`);
    assert.deepEqual(upToMarker.slice(0, -1), ["paste line 1", "paste line 2"]);
    assert.ok(markerAt >= from);
    const link = /\(full message: (\S+)\)$/.exec(last)?.[1] ?? "";
    const res = await fetch(link);
    assert.equal(res.status, 200);
    assert.match(res.headers.get("content-type") ?? "", /^text\/plain/);
    assert.equal(await res.text(), body, "the link serves all 12 lines");
    const reaction = await eventually(
      async () => (await timeline(alice, roomId)).find((e) => e.type === "m.reaction" && (e.content["m.relates_to"] as { event_id?: string } | undefined)?.event_id === eventId),
      20000,
      "the bot's reaction on the long message",
    );
    assert.equal(reaction.sender, `@${bridge.registration.sender_localpart}:${testenv.domain}`);
    assert.equal((reaction.content["m.relates_to"] as { key?: string }).key, "✂️");
  });
});
