/**
 * Issue 15's nick policy on real servers (Synapse, Ergo): a nick chosen with !nick stays when the
 * user changes their Matrix displayname and after a bridge restart; the network's userModes are set
 * on the user's connection; ghosts carry the network's ghostDisplayname.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { bridges, testenv } from "../../scripts/lib/testenv";
import { botNotices, openAdminRoom } from "./support/adminRoom";
import { escape, TestIrcClient } from "./support/ircClient";
import { RunningBridge } from "./support/localBridge";
import { csApi, eventually, joinRoom, registerUser, sendText, uniqueName, type TestUser, puppetNick } from "./support/matrixClient";


describe("nick policy on Ergo", () => {
  const bridge = new RunningBridge(bridges.sample, (doc) => {
    const network = (doc.ircNetworks as Record<string, unknown>[])[0] as Record<string, unknown>;
    network.ghostDisplayname = "{nick} (IRC)";
    network.userModes = "+R";
  });
  const bot = `@${bridge.registration.sender_localpart}:${testenv.domain}`;
  const channel = `#${uniqueName("nkp")}`;
  const chosen = uniqueName("pick").slice(0, 16);
  let alice: TestUser;
  let watcher: TestIrcClient;
  let portal = "";
  let adminRoom = "";
  let templateNick = "";

  /** Sends a command in the admin room and waits for the bot's reply to it. */
  const say = async (text: string): Promise<string> => {
    const seen = (await botNotices(alice, adminRoom, bot)).length;
    await sendText(alice, adminRoom, text);
    return eventually(async () => (await botNotices(alice, adminRoom, bot))[seen], 30000, `the reply to ${text}`);
  };
  /** Alice says `text` in the portal; resolves with the IRC line once the watcher has it. */
  const spoken = async (text: string, from: number): Promise<string> => {
    await sendText(alice, portal, text);
    return watcher.waitFor(new RegExp(`PRIVMSG ${escape(channel)} :${escape(text)}$`, "i"), 20000, from);
  };

  before(async () => {
    await bridge.start();
    watcher = await TestIrcClient.connect(bridge.irc.host, bridge.irc.port, uniqueName("nw").slice(0, 12));
    await watcher.waitOnline(bridge.botNick);
    await watcher.join(channel);
    alice = await registerUser(uniqueName("alice"));
    templateNick = puppetNick(alice);
    portal = await joinRoom(alice, bridge.alias(channel));
    await watcher.waitFor(new RegExp(`:${escape(templateNick)}!\\S+ JOIN`, "i"), 20000);
    adminRoom = await openAdminRoom(alice, bot);
  });
  after(async () => {
    await watcher.quit();
    await bridge.dispose();
  });

  it("a nick chosen with !nick stays when the Matrix displayname changes (IRC sees no NICK)", async () => {
    const from = watcher.lines.length;
    assert.match(await say(`!nick ${chosen}`), new RegExp(`changed to ${escape(chosen)}\\.$`));
    await watcher.waitFor(new RegExp(`:${escape(templateNick)}!\\S+ NICK :?${escape(chosen)}$`, "i"), 15000, from);
    const renamedAt = watcher.lines.length;
    const res = await csApi("PUT", `/_matrix/client/v3/profile/${encodeURIComponent(alice.userId)}/displayname`, alice.token, { displayname: "Totally Renamed" });
    assert.equal(res.status, 200);
    // The rename is in the room (its member event) before her messages, so the bridge sees it first.
    await eventually(async () => {
      const member = await csApi<{ displayname?: string }>("GET", `/_matrix/client/v3/rooms/${encodeURIComponent(portal)}/state/m.room.member/${encodeURIComponent(alice.userId)}`, alice.token);
      return member.body.displayname === "Totally Renamed";
    }, 20000, "the new displayname in the portal room");
    // Positive control: two messages written after the rename reach IRC from the chosen nick. A NICK
    // for the displayname would have been queued on her connection before the second one.
    const first = await spoken(`after rename ${uniqueName("m")}`, renamedAt);
    assert.match(first, new RegExp(`^(?:@\\S+ )?:${escape(chosen)}!`, "i"), "the message comes from the chosen nick");
    const second = await spoken(`and again ${uniqueName("m")}`, renamedAt);
    assert.match(second, new RegExp(`^(?:@\\S+ )?:${escape(chosen)}!`, "i"));
    const nickLines = watcher.lines.slice(renamedAt).filter((l) => / NICK /i.test(l));
    assert.deepEqual(nickLines, [], "IRC saw no nick change");
    assert.match(await say("!nick"), new RegExp(`is ${escape(chosen)} \\(connected\\)\\. You chose ${escape(chosen)} with !nick`));
  });

  it("the network's userModes are set on the user's connection (Ergo's +R, seen with MODE <nick>)", async () => {
    const reply = await say(`!cmd MODE ${chosen}`);
    assert.match(reply, /\+[A-Za-z]*R/, reply);
  });

  it("ghosts carry the network's ghostDisplayname: \"<nick> (IRC)\"", async () => {
    const ghost = bridge.ghost(watcher.nick);
    const name = await eventually(async () => {
      const res = await csApi<{ displayname?: string }>("GET", `/_matrix/client/v3/rooms/${encodeURIComponent(portal)}/state/m.room.member/${encodeURIComponent(ghost)}`, alice.token);
      return res.status === 200 ? res.body.displayname : undefined;
    }, 20000, "the watcher's ghost in the portal");
    assert.equal(name, `${watcher.nick} (IRC)`);
  });

  it("after a bridge restart the user is back on IRC with the chosen nick, not one from the new displayname", async () => {
    const from = watcher.lines.length;
    await bridge.stop();
    await bridge.start();
    await watcher.waitFor(new RegExp(`:${escape(chosen)}!\\S+ JOIN :?${escape(channel)}`, "i"), 60000, from);
    const line = await spoken(`after restart ${uniqueName("m")}`, from);
    assert.match(line, new RegExp(`^(?:@\\S+ )?:${escape(chosen)}!`, "i"));
    assert.equal(watcher.lines.slice(from).filter((l) => /totallyrenamed/i.test(l)).length, 0, "no trace of a displayname nick");
  });
});
