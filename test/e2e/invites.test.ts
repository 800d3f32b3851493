/**
 * IRC INVITE reaches Matrix, and Matrix users invite on IRC (real Synapse, Ergo, the sample bridge):
 * an IRC operator INVITEs a connected Matrix user's puppet into an invite-only channel that has no
 * room yet; the user gets a Matrix invite into the channel's new, invite-only portal; accepting it
 * puts the puppet in the channel (the invite lets it in) and messages flow both ways. And `!invite`
 * in the admin room sends an IRC INVITE through the user's own connection, answered with what the
 * server said.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { bridges, testenv } from "../../scripts/lib/testenv";
import { acceptInviteFrom, botNotices, command } from "./support/adminRoom";
import { escape, TestIrcClient } from "./support/ircClient";
import { RunningBridge } from "./support/localBridge";
import { csApi, eventually, joinRoom, registerUser, sendText, timeline, uniqueName, type RoomEvent, type TestUser, puppetNick } from "./support/matrixClient";

type Sync = { next_batch: string; rooms?: { invite?: Record<string, { invite_state?: { events?: RoomEvent[] } }> } };

/** The first room `inviter` invites the user to, other than `except` (an initial sync may still list an invite already accepted). */
async function inviteFrom(user: TestUser, inviter: string, except: string): Promise<string> {
  let since: string | undefined;
  return eventually(
    async () => {
      const res = await csApi<Sync>("GET", `/_matrix/client/v3/sync?timeout=1000${since === undefined ? "" : `&since=${encodeURIComponent(since)}`}`, user.token);
      since = res.body.next_batch;
      for (const [id, room] of Object.entries(res.body.rooms?.invite ?? {})) {
        const invite = room.invite_state?.events?.find((e) => e.type === "m.room.member" && e.state_key === user.userId && e.content.membership === "invite");
        if (id !== except && invite?.sender === inviter) return id;
      }
      return undefined;
    },
    20000,
    `an invite from ${inviter}`,
  );
}

describe("invites between IRC and Matrix on ergo", () => {
  // Alice's admin room comes from the "Connected" notice: success notices are off by default (issue 14).
  const bridge = new RunningBridge(bridges.sample, (doc) => {
    ((doc.ircNetworks as Record<string, unknown>[])[0] as Record<string, unknown>).sendSuccessNotices = true;
  });
  const botId = `@${bridge.registration.sender_localpart}:${testenv.domain}`;
  const lobby = `#${uniqueName("invlob")}`;
  const closed = `#${uniqueName("invcl")}`;
  let op: TestIrcClient;
  let carol: TestIrcClient;
  let alice: TestUser;
  let aliceNick: string;
  let adminRoom: string;

  /** As the bridge bot (the portal's creator) sees it. */
  const asBot = (path: string) => csApi("GET", `${path}${path.includes("?") ? "&" : "?"}user_id=${encodeURIComponent(botId)}`, bridge.registration.as_token);

  before(async () => {
    await bridge.start();
    op = await TestIrcClient.connect(bridge.irc.host, bridge.irc.port, uniqueName("iop").slice(0, 12));
    carol = await TestIrcClient.connect(bridge.irc.host, bridge.irc.port, uniqueName("icar").slice(0, 12));
    await op.waitOnline(bridge.botNick);
    await op.join(lobby);
    alice = await registerUser(uniqueName("ialice"));
    aliceNick = puppetNick(alice);
    // Alice is connected: she joined another bridged channel first.
    await joinRoom(alice, bridge.alias(lobby));
    await op.waitFor(new RegExp(`:${escape(aliceNick)}!\\S+ JOIN :?${escape(lobby)}`, "i"), 20000);
    adminRoom = await acceptInviteFrom(alice, botId);
  });

  after(async () => {
    await op.quit();
    await carol.quit();
    await bridge.dispose();
  });

  it("an IRC operator INVITEs the puppet into a +i channel: the user is invited into its new, invite-only room; accepting puts the puppet in the channel; messages flow", async () => {
    await op.join(closed);
    op.raw(`MODE ${closed} +i`);
    await op.waitFor(new RegExp(`MODE ${escape(closed)} \\+i`, "i"), 10000);
    const started = Date.now();
    op.raw(`INVITE ${aliceNick} ${closed}`);
    await op.waitFor(new RegExp(` 341 \\S+ ${escape(aliceNick)} :?${escape(closed)}`, "i"), 10000);
    // The invite comes first (the channel had no room): the bridge made the portal for it.
    const roomId = await inviteFrom(alice, botId, adminRoom);
    await joinRoom(alice, roomId);
    process.stderr.write(`  (IRC INVITE -> Matrix invite in ${Date.now() - started} ms)\n`);
    const alias = await csApi<{ room_id?: string }>("GET", `/_matrix/client/v3/directory/room/${encodeURIComponent(bridge.alias(closed))}`, alice.token);
    assert.equal(alias.body.room_id, roomId, "the room is the channel's portal");
    const events = await asBot(`/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/messages?dir=f&limit=50`);
    const rules = (events.body.chunk as RoomEvent[]).filter((e) => e.type === "m.room.join_rules");
    assert.equal(rules[0]?.content.join_rule, "invite", "the +i channel's portal is invite-only from its first join rule");

    await op.waitFor(new RegExp(`:${escape(aliceNick)}!\\S+ JOIN :?${escape(closed)}`, "i"), 20000);
    await sendText(alice, roomId, "thanks for the invite");
    await op.waitFor(new RegExp(`:${escape(aliceNick)}!\\S+ PRIVMSG ${escape(closed)} :thanks for the invite`, "i"), 20000);
    op.say(closed, "welcome in");
    await eventually(async () => (await timeline(alice, roomId)).find((e) => e.sender === bridge.ghost(op.nick) && e.content.body === "welcome in"), 20000, "the operator's message in Matrix");
    const members = await asBot(`/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/joined_members`);
    assert.ok(alice.userId in (members.body.joined as Record<string, unknown>), "alice is still in the room: the channel let her puppet in");

    // Silence on success: after a reply that came later (the positive control), no notice about the invite.
    const listed = await command(alice, adminRoom, botId, "!listrooms");
    assert.match(listed, new RegExp(escape(closed), "i"));
    const notices = await botNotices(alice, adminRoom, botId);
    assert.deepEqual(notices.filter((n) => /invite/i.test(n)), [], "no notice about a successful invite");
  });

  it("!invite from Matrix reaches the IRC nick (341: Invited); a refusal is told in the server's words", async () => {
    const from = carol.lines.length;
    const reply = await command(alice, adminRoom, botId, `!invite ${lobby} ${carol.nick}`);
    assert.match(reply, new RegExp(`^Invited ${escape(carol.nick)} to ${escape(lobby)} on .+\\.$`));
    await carol.waitFor(new RegExp(`:${escape(aliceNick)}!\\S+ INVITE ${escape(carol.nick)} :?${escape(lobby)}`, "i"), 10000, from);
    const refused = await command(alice, adminRoom, botId, `!invite ${closed} ${carol.nick}`);
    assert.match(refused, new RegExp(`^Cannot invite ${escape(carol.nick)} to ${escape(closed)} on .*: you are not a channel operator of ${escape(closed)}`));
  });
});
