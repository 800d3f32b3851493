/**
 * No cost nobody asked for (issue 14, real Synapse and Ergo, the sample config's defaults): a Matrix
 * user who joins a channel and gets the nick they asked for is bridged without an admin room; one
 * whose nick was taken on IRC is told, in an admin room the bot creates for it.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { bridges, testenv } from "../../scripts/lib/testenv";
import { acceptInviteFrom, botNotices, command } from "./support/adminRoom";
import { escape, TestIrcClient } from "./support/ircClient";
import { RunningBridge } from "./support/localBridge";
import { csApi, eventually, joinRoom, registerUser, sendText, timeline, uniqueName, type TestUser, puppetNick } from "./support/matrixClient";

type Sync = {
  rooms?: {
    invite?: Record<string, { invite_state?: { events?: { type: string; sender: string; state_key?: string }[] } }>;
    join?: Record<string, unknown>;
  };
};

const nickOf = (user: TestUser) => puppetNick(user);

describe("a plain join with the default config", () => {
  const bridge = new RunningBridge(bridges.sample);
  const bot = `@${bridge.registration.sender_localpart}:${testenv.domain}`;
  const channel = `#${uniqueName("quiet")}`;
  let bob: TestIrcClient;
  let squatter: TestIrcClient | undefined;

  before(async () => {
    await bridge.start();
    bob = await TestIrcClient.connect(bridge.irc.host, bridge.irc.port, uniqueName("qb").slice(0, 12));
    await bob.waitOnline(bridge.botNick);
    await bob.join(channel);
  });
  after(async () => {
    await bob.quit();
    await squatter?.quit();
    await bridge.dispose();
  });

  it("a user who joins and gets the nick they asked for is bridged, and gets no admin room", async () => {
    const alice = await registerUser(uniqueName("qa"));
    const portal = await joinRoom(alice, bridge.alias(channel));
    // Positive control: the bridge processed the join (her puppet is in the channel) and messages flow both ways.
    await bob.waitFor(new RegExp(`:${escape(nickOf(alice))}!\\S+ JOIN :?${escape(channel)}`, "i"), 20000);
    await sendText(alice, portal, "quietly here");
    await bob.waitFor(/PRIVMSG \S+ :quietly here$/, 20000);
    bob.say(channel, "marker after the join");
    await eventually(async () => (await timeline(alice, portal)).some((e) => e.content.body === "marker after the join"), 20000, "the marker in Matrix");
    // She opens a direct chat with the bot: her admin room, which the bot adopts. All of a user's admin
    // notices share one queue, in order: a notice made at her connection would be in before this reply.
    const dm = await csApi<{ room_id: string }>("POST", "/_matrix/client/v3/createRoom", alice.token, { preset: "trusted_private_chat", is_direct: true, invite: [bot] });
    assert.equal(dm.status, 200, JSON.stringify(dm.body));
    const admin = dm.body.room_id;
    await eventually(async () => (await timeline(alice, admin)).some((e) => e.type === "m.room.member" && e.state_key === bot && e.content.membership === "join"), 20000, "the bot in the room she opened");
    const reply = await command(alice, admin, bot, `!whois ${alice.userId}`);
    assert.match(reply, new RegExp(escape(nickOf(alice))), "the bot answers in the room she opened");
    assert.deepEqual(await botNotices(alice, admin, bot), [reply], "no notice before the reply to her command");
    const sync = await csApi<Sync>("GET", `/_matrix/client/v3/sync?timeout=0&filter=${encodeURIComponent(JSON.stringify({ room: { timeline: { limit: 1 } } }))}`, alice.token);
    assert.equal(sync.status, 200);
    const invitesFromBot = Object.entries(sync.body.rooms?.invite ?? {}).filter(([, r]) => (r.invite_state?.events ?? []).some((e) => e.type === "m.room.member" && e.state_key === alice.userId && e.sender === bot));
    assert.deepEqual(invitesFromBot.map(([id]) => id), [], "no invite from the bot");
    assert.deepEqual(Object.keys(sync.body.rooms?.join ?? {}).sort(), [portal, admin].sort(), "her rooms: the portal and the one she opened");
  });

  it("a user whose nick is taken on IRC is told, in an admin room the bot creates", async () => {
    const carol = await registerUser(uniqueName("qc"));
    squatter = await TestIrcClient.connect(bridge.irc.host, bridge.irc.port, nickOf(carol));
    await squatter.waitOnline(nickOf(carol));
    const portal = await joinRoom(carol, bridge.alias(channel));
    const admin = await acceptInviteFrom(carol, bot);
    assert.notEqual(admin, portal);
    const notices = await eventually(async () => {
      const n = await botNotices(carol, admin, bot);
      return n.length > 0 ? n : undefined;
    }, 20000, "the notice about her nick");
    assert.match(notices[0] ?? "", new RegExp(`^Connected to .* as \\S+ \\(the nick ${escape(nickOf(carol))} was in use`));
  });
});
