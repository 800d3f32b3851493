import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ENCRYPTED_NOTICE_EVERY_MS } from "../../src/fromMatrix/encrypted";
import { ALICE, channelScene, encrypted, encryptionOn, text } from "../support/channelScene";
import { DM, invite, pmScene } from "../support/pmScene";

const PORTAL = "!portal:example.org";
const MAPPED = "!mapped:example.org";
const OTHER = "!unbridged:example.org";
const GHOST = "@irc_bob:example.org";
const rooms = [
  { roomId: PORTAL, channel: "#chan", folded: "#chan", origin: "portal" as const },
  { roomId: MAPPED, channel: "#chan", folded: "#chan", origin: "mapped" as const },
];

describe("encrypted messages in bridged rooms are never silent", () => {
  it("an encrypted message gets one notice; another within the window none; one after the window again; each is counted", async () => {
    const s = await channelScene({ rooms });
    await s.route(encrypted(ALICE, PORTAL));
    assert.equal(s.notices.length, 1);
    assert.match(s.notices[0] ?? "", /^!portal:example\.org An encrypted message was not sent to IRC \(#chan\): the bridge cannot read encrypted messages\. .*should not be encrypted/);
    s.clock.advance(ENCRYPTED_NOTICE_EVERY_MS - 1);
    await s.route(encrypted(ALICE, PORTAL), encrypted("@carol:example.org", PORTAL));
    assert.equal(s.notices.length, 1, "no second notice within the window");
    s.clock.advance(1);
    await s.route(encrypted(ALICE, PORTAL));
    assert.equal(s.notices.length, 2, "one again after the window");
    assert.equal(await s.undeliverable("encrypted"), 4, "every encrypted message counted");
    assert.equal(s.puppets.get(ALICE), undefined, "nothing went towards IRC");
    assert.deepEqual(await s.store.outbox.pending(), []);
  });

  it("the window is per room: another bridged room of the channel gets its own notice", async () => {
    const s = await channelScene({ rooms });
    await s.route(encrypted(ALICE, PORTAL), encrypted(ALICE, MAPPED));
    assert.deepEqual(
      s.notices.map((n) => n.split(" ")[0]),
      [PORTAL, MAPPED],
    );
  });

  it("the bridge's own users' encrypted events (a ghost, the bot) get no notice and are not counted; nor do unbridged rooms", async () => {
    const s = await channelScene({ rooms });
    await s.route(encrypted(GHOST, PORTAL), encrypted("@ircbridge:example.org", PORTAL), encrypted(ALICE, OTHER));
    assert.deepEqual(s.notices, []);
    assert.equal(await s.undeliverable("encrypted"), 0);
  });

  it("encryption turned on in a portal: the bot says messages cannot reach IRC from now on; the next encrypted message is not answered twice", async () => {
    const s = await channelScene({ rooms });
    await s.route(encryptionOn(ALICE, PORTAL));
    assert.equal(s.notices.length, 1);
    assert.match(s.notices[0] ?? "", /^!portal:example\.org This room is encrypted now.*from now on messages written here do not reach IRC \(#chan\)\. Encryption cannot be turned off/);
    await s.route(encrypted(ALICE, PORTAL));
    assert.equal(s.notices.length, 1, "the encryption notice covers it");
    assert.equal(await s.undeliverable("encrypted"), 1, "but it is counted");
  });

  it("encryption turned on in a mapped room is answered too; a change of settings of an encryption already on, or by a ghost, or in an unbridged room, is not", async () => {
    const s = await channelScene({ rooms });
    await s.route(encryptionOn(ALICE, MAPPED));
    await s.route(encryptionOn(ALICE, MAPPED, { algorithm: "m.megolm.v1.aes-sha2" }), encryptionOn(GHOST, PORTAL), encryptionOn(ALICE, OTHER));
    assert.deepEqual(
      s.notices.map((n) => n.split(" ")[0]),
      [MAPPED],
    );
  });

  it("plain messages still go to IRC after an encrypted one", async () => {
    const s = await channelScene({ rooms });
    await s.route(encrypted(ALICE, PORTAL), text(ALICE, "plain", PORTAL));
    assert.deepEqual(
      (await s.store.outbox.pending()).map(({ entry }) => entry.body),
      ["plain"],
    );
    void s.puppets.closeAll("test over");
  });

  it("in a private chat the nick's ghost says an encrypted message was not sent, at most once per window", async () => {
    const s = await pmScene();
    s.api.members.set(DM, [ALICE, GHOST]);
    await s.route(invite(GHOST));
    await s.route(encrypted(ALICE, DM), encrypted(ALICE, DM));
    assert.deepEqual(
      s.api.sent.map((e) => [e.as, e.content.msgtype]),
      [[GHOST, "m.notice"]],
    );
    assert.match(String(s.api.sent[0]?.content.body), /encrypted message was not sent to bob: the bridge cannot read encrypted messages/);
    assert.deepEqual(await s.outbox(), []);
  });
});
