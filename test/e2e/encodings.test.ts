/**
 * Encodings (issue 15 item 5), on the real Synapse and InspIRCd: an IRC client sends raw Latin-1
 * bytes in a bridged channel and Matrix shows the accented letters; a UTF-8 line next to it stays
 * right; what a Matrix user sends reaches IRC as UTF-8.
 *
 * InspIRCd, not Ergo: the test Ergo enforces UTF-8 (server.enforce-utf8, its default) and refuses a
 * Latin-1 line itself (FAIL PRIVMSG INVALID_UTF8), so no such line ever reaches a bridge there.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { bridges } from "../../scripts/lib/testenv";
import { TestIrcClient, escape } from "./support/ircClient";
import { RunningBridge } from "./support/localBridge";
import { eventually, joinRoom, registerUser, sendText, timeline, uniqueName, type TestUser, puppetNick } from "./support/matrixClient";

describe("text that is not UTF-8, on InspIRCd", () => {
  const bridge = new RunningBridge(bridges.insp);
  const channel = `#${uniqueName("enc")}`;
  let bob: TestIrcClient;
  let alice: TestUser;
  let roomId = "";
  let aliceNick = "";

  before(async () => {
    await bridge.start();
    bob = await TestIrcClient.connect(bridge.irc.host, bridge.irc.port, uniqueName("ebob").slice(0, 12));
    await bob.join(channel);
    await bob.waitOnline(bridge.botNick);
    alice = await registerUser(uniqueName("alice"));
    aliceNick = puppetNick(alice);
    roomId = await joinRoom(alice, bridge.alias(channel));
    await bob.waitFor(new RegExp(`^(?:@\\S+ )?:${escape(aliceNick)}!\\S+ JOIN :?${escape(channel)}`, "i"), 30000);
  });

  after(async () => {
    await bob.quit();
    await bridge.dispose();
  });

  const bodiesFromBob = async () => {
    const ghost = bridge.ghost(bob.nick);
    return (await timeline(alice, roomId)).filter((e) => e.sender === ghost && typeof e.content.body === "string").map((e) => String(e.content.body));
  };

  it("Latin-1 bytes from an IRC client show as accented letters in Matrix; the UTF-8 line after them stays right", async () => {
    bob.rawBytes(Buffer.concat([Buffer.from(`PRIVMSG ${channel} :caf`), Buffer.from([0xe9]), Buffer.from(" d"), Buffer.from([0xe9]), Buffer.from("j"), Buffer.from([0xe0]), Buffer.from(" vu")]));
    bob.say(channel, "naïve ☕ in UTF-8");
    const bodies = await eventually(async () => {
      const b = await bodiesFromBob();
      return b.includes("naïve ☕ in UTF-8") ? b : undefined;
    }, 20000, "the UTF-8 line in Matrix");
    assert.deepEqual(bodies.slice(-2), ["café déjà vu", "naïve ☕ in UTF-8"]);
    assert.equal(bodies.some((b) => b.includes("\ufffd")), false, "no replacement character");
  });

  it("Windows-1252 punctuation (euro sign, curly quotes) reads as the letters the sender typed", async () => {
    bob.rawBytes(Buffer.concat([Buffer.from(`PRIVMSG ${channel} :`), Buffer.from([0x93]), Buffer.from("5 "), Buffer.from([0x80, 0x94])]));
    await eventually(async () => (await bodiesFromBob()).includes("“5 €”"), 20000, "the windows-1252 line in Matrix");
  });

  it("what a Matrix user sends reaches IRC as UTF-8", async () => {
    await sendText(alice, roomId, "crème brûlée ☕ 日本");
    // The test client reads UTF-8: anything else would show as U+FFFD and not match.
    await bob.waitFor(/PRIVMSG \S+ :crème brûlée ☕ 日本$/, 20000);
  });
});
