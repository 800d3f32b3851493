/**
 * The admin room (real Synapse and Ergo): created by the bot when a user's connection first comes
 * up, connection news, and stored passwords that identify the user with Ergo's built-in accounts.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { bridges, testenv } from "../../scripts/lib/testenv";
import { acceptInviteFrom, botNotices, command } from "./support/adminRoom";
import { TestIrcClient } from "./support/ircClient";
import { RunningBridge } from "./support/localBridge";
import { eventually, joinRoom, registerUser, timeline, uniqueName, type TestUser } from "./support/matrixClient";

describe("the admin room on Ergo", () => {
  const bridge = new RunningBridge(bridges.sample);
  const bot = `@${bridge.registration.sender_localpart}:${testenv.domain}`;
  const channel = `#${uniqueName("adm")}`;
  const password = "correct horse battery";
  let alice: TestUser;
  let nick = "";
  let adminRoom = "";
  let watcher: TestIrcClient;

  before(async () => {
    await bridge.start();
    alice = await registerUser(uniqueName("alice"));
    nick = `${alice.userId.slice(1, alice.userId.indexOf(":"))}[m]`;
    // The account alice will identify as: registered with Ergo's NickServ by a plain client that
    // holds her future nick for a moment (Ergo has accounts built in).
    const registrar = await TestIrcClient.connect(bridge.irc.host, bridge.irc.port, nick);
    registrar.say("NickServ", `REGISTER ${password}`);
    await registrar.waitFor(/Account created|registered/i, 15000);
    await registrar.quit();
    watcher = await TestIrcClient.connect(bridge.irc.host, bridge.irc.port, uniqueName("w").slice(0, 12));
    await watcher.join(channel);
  });
  after(async () => {
    await watcher.quit();
    await bridge.dispose();
  });

  it("a user's first connection creates their admin room, which says how they are connected", async () => {
    await joinRoom(alice, bridge.alias(channel));
    adminRoom = await acceptInviteFrom(alice, bot);
    const notices = await eventually(async () => {
      const n = await botNotices(alice, adminRoom, bot);
      return n.length > 0 ? n : undefined;
    }, 20000, "the first notice");
    assert.match(notices[0] ?? "", new RegExp(`^Connected to .* as ${nick.replace(/[[\]]/g, "\\$&")}\\. Say !help`));
  });

  it("!storepass then !reconnect identifies the user with SASL; the password is redacted and never echoed", async () => {
    const reply = await command(alice, adminRoom, bot, `!storepass ${password}`);
    assert.match(reply, /^Password stored \(sealed\) for the account/);
    assert.ok(!reply.includes("horse"));
    const mine = await eventually(async () => {
      const events = (await timeline(alice, adminRoom)).filter((e) => e.sender === alice.userId && e.type === "m.room.message");
      const last = events.at(-1);
      return last !== undefined && last.content.body === undefined ? last : undefined;
    }, 20000, "the !storepass message redacted");
    assert.deepEqual(mine.content, {});
    await command(alice, adminRoom, bot, "!reconnect");
    await eventually(async () => (await botNotices(alice, adminRoom, bot)).find((n) => /^Identified to .* \(SASL\)\.$/.test(n)), 30000, "the login notice");
    // The IRC side agrees: WHOIS shows the account.
    const from = watcher.lines.length;
    watcher.raw(`WHOIS ${nick}`);
    const logged = await watcher.waitFor(/ 330 /, 15000, from);
    assert.match(logged, new RegExp(` 330 \\S+ ${nick.replace(/[[\]]/g, "\\$&")} \\S+ :`, "i"));
  });
});
