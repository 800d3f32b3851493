/**
 * Encrypted rooms are never silent (Ergo, real Synapse): an encrypted message in a bridged room is
 * answered by the bot's notice and nothing of it reaches IRC; a second one within the window gets
 * no second notice; turning encryption on in the room is answered the same way.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { bridges } from "../../scripts/lib/testenv";
import { TestIrcClient, escape } from "./support/ircClient";
import { RunningBridge } from "./support/localBridge";
import { csApi, eventually, registerUser, sendText, timeline, uniqueName, type RoomEvent, type TestUser, puppetNick } from "./support/matrixClient";

let txn = 0;
async function sendEncrypted(user: TestUser, roomId: string): Promise<void> {
  // Ciphertext-like content: the bridge cannot (and must not try to) read it.
  const content = { algorithm: "m.megolm.v1.aes-sha2", ciphertext: `AwgAEoAB${uniqueName("c")}`, sender_key: "c2VuZGVyLWtleQ", session_id: "c2Vzc2lvbg", device_id: "TESTDEVICE" };
  const res = await csApi("PUT", `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/send/m.room.encrypted/e${Date.now()}.${txn++}`, user.token, content);
  assert.equal(res.status, 200, JSON.stringify(res.body));
}

describe("encrypted messages in a bridged room (Ergo)", () => {
  const channel = `#${uniqueName("enc")}`;
  let owner: TestUser;
  let roomId: string;
  let bridge: RunningBridge;
  let bob: TestIrcClient;
  let bot: string;
  const nick = () => puppetNick(owner);
  const botNotices = async (re: RegExp) => (await timeline(owner, roomId)).filter((e: RoomEvent) => e.sender === bot && e.content.msgtype === "m.notice" && re.test(String(e.content.body)));

  before(async () => {
    owner = await registerUser(uniqueName("owner"));
    const created = await csApi<{ room_id: string }>("POST", "/_matrix/client/v3/createRoom", owner.token, { preset: "private_chat", name: "a room that gets encrypted" });
    roomId = created.body.room_id;
    bridge = new RunningBridge(bridges.sample, (doc) => {
      const network = (doc.ircNetworks as Record<string, unknown>[])[0] as Record<string, unknown>;
      network.mappings = { [channel]: { roomIds: [roomId] } };
    });
    bot = `@${bridge.registration.sender_localpart}:localhost`;
    const invite = await csApi("POST", `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/invite`, owner.token, { user_id: bot });
    assert.equal(invite.status, 200);
    bob = await TestIrcClient.connect(bridge.irc.host, bridge.irc.port, uniqueName("bob").slice(0, 12));
    await bob.join(channel);
    await bridge.start();
    await bob.waitOnline(bridge.botNick);
    await eventually(async () => (await timeline(owner, roomId)).some((e) => e.type === "m.room.member" && e.state_key === bot && e.content.membership === "join"), 20000, "the bot to join");
  });

  after(async () => {
    await bob.quit();
    await bridge.dispose();
  });

  it("an encrypted message gets the bot's notice, and nothing of it reaches IRC", async () => {
    await sendEncrypted(owner, roomId);
    const [notice] = await eventually(async () => {
      const found = await botNotices(/encrypted message was not sent to IRC/);
      return found.length > 0 ? found : undefined;
    }, 20000, "the bot's notice");
    assert.match(String(notice?.content.body), new RegExp(`not sent to IRC \\(${escape(channel)}\\).*cannot read encrypted messages`, "i"));
    // Positive control: a plain message sent after it reaches IRC; only then is the absence checked.
    const marker = `plain marker ${uniqueName("k")}`;
    await sendText(owner, roomId, marker);
    await bob.waitFor(new RegExp(`PRIVMSG \\S+ :${escape(marker)}$`), 20000);
    assert.deepEqual(bob.messagesFrom(nick(), channel), [marker], "only the plain message reached IRC");
    assert.equal(bob.lines.some((l) => /AwgAEoAB|megolm/.test(l)), false, "no ciphertext on IRC");
  });

  it("a second encrypted message within the window gets no second notice", async () => {
    await sendEncrypted(owner, roomId);
    const marker = `second marker ${uniqueName("k")}`;
    await sendText(owner, roomId, marker);
    await bob.waitFor(new RegExp(`PRIVMSG \\S+ :${escape(marker)}$`), 20000);
    // The encrypted message was handled before the marker (transaction order); a notice for it
    // would be queued for the room before this IRC line, which the room gets in order.
    const ack = `ack ${uniqueName("k")}`;
    bob.say(channel, ack);
    await eventually(async () => (await timeline(owner, roomId)).some((e) => e.content.body === ack), 20000, "the IRC line in the room");
    assert.equal((await botNotices(/encrypted message was not sent to IRC/)).length, 1);
    assert.equal(bob.messagesFrom(nick(), channel).length, 2, "the two markers only");
  });

  it("turning encryption on in the bridged room is answered: from now on messages here cannot reach IRC", async () => {
    const res = await csApi("PUT", `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/state/m.room.encryption/`, owner.token, { algorithm: "m.megolm.v1.aes-sha2" });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const [notice] = await eventually(async () => {
      const found = await botNotices(/encrypted now/);
      return found.length > 0 ? found : undefined;
    }, 20000, "the bot's notice about encryption");
    assert.match(String(notice?.content.body), new RegExp(`from now on messages written here do not reach IRC \\(${escape(channel)}\\)`));
  });
});
