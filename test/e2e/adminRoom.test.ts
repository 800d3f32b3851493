/**
 * The admin room (real Synapse and Ergo): created by the bot when a user's connection first comes
 * up, connection news, and stored passwords that identify the user with Ergo's built-in accounts.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { bridges, testenv } from "../../scripts/lib/testenv";
import { acceptInviteFrom, botNotices } from "./support/adminRoom";
import { TestIrcClient } from "./support/ircClient";
import { RunningBridge } from "./support/localBridge";
import { eventually, joinRoom, registerUser, uniqueName, type TestUser } from "./support/matrixClient";

describe("the admin room on Ergo", () => {
  const bridge = new RunningBridge(bridges.sample);
  const bot = `@${bridge.registration.sender_localpart}:${testenv.domain}`;
  const channel = `#${uniqueName("adm")}`;
  let alice: TestUser;
  let nick = "";
  let adminRoom = "";
  let watcher: TestIrcClient;

  before(async () => {
    await bridge.start();
    alice = await registerUser(uniqueName("alice"));
    nick = `${alice.userId.slice(1, alice.userId.indexOf(":"))}[m]`;
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
});
