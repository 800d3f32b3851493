/**
 * Refused on IRC means out of the Matrix room (real Synapse and Ergo): a user whose puppet a +i or
 * +k channel refuses is removed from the room with the server's reason and what would let them in;
 * a user an operator bans and kicks is removed, and coming back to the room does not let them
 * read the channel.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { bridges, testenv } from "../../scripts/lib/testenv";
import { TestIrcClient, escape } from "./support/ircClient";
import { RunningBridge } from "./support/localBridge";
import { csApi, eventually, joinRoom, registerUser, timeline, uniqueName, type RoomEvent, type TestUser, puppetNick } from "./support/matrixClient";

const nickOf = (user: TestUser) => puppetNick(user);

for (const banInMatrix of [true, false]) describe(`refused on IRC means out of the Matrix room (Ergo, kickOn.banInMatrix ${String(banInMatrix)})`, () => {
  const bridge = new RunningBridge(bridges.sample, (doc) => {
    const network = (doc.ircNetworks as Record<string, unknown>[])[0] ?? {};
    network.kickOn = { ...(network.kickOn as Record<string, unknown>), banInMatrix };
  });
  const bot = `@${bridge.registration.sender_localpart}:${testenv.domain}`;
  /** Calls the homeserver as the bridge bot (the application service), as a test's stand-in for a moderator. */
  const asBot = (method: string, path: string, body?: unknown) => csApi(method, `${path}${path.includes("?") ? "&" : "?"}user_id=${encodeURIComponent(bot)}`, bridge.registration.as_token, body);
  let op: TestIrcClient;
  let watcher: TestUser;
  const windows: number[] = [];

  /** The portal room of a channel, made by asking the homeserver for its alias (no one joins it). */
  async function portalOf(channel: string): Promise<string> {
    const res = await csApi<{ room_id: string }>("GET", `/_matrix/client/v3/directory/room/${encodeURIComponent(bridge.alias(channel))}`, watcher.token);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res.body.room_id;
  }

  /** A fresh user who joins the room, invited by the bot first (a closed channel's room may be invite-only). */
  async function newcomerJoins(roomId: string): Promise<TestUser> {
    const user = await registerUser(uniqueName("nc"));
    const invited = await asBot("POST", `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/invite`, { user_id: user.userId });
    assert.equal(invited.status, 200, JSON.stringify(invited.body));
    await joinRoom(user, roomId);
    return user;
  }

  /** Waits until the bot removed `user` from the room; returns the removal and the time since their join (ms). */
  async function removal(roomId: string, user: TestUser, as: readonly string[] = ["leave", "ban"]): Promise<{ event: RoomEvent; windowMs: number }> {
    const event = await eventually(
      async () => {
        const own = (await asBotTimeline(roomId)).filter((e) => e.type === "m.room.member" && e.state_key === user.userId);
        const last = own.at(-1);
        return last !== undefined && last.sender === bot && as.includes(String(last.content.membership)) ? last : undefined;
      },
      20000,
      `${user.userId} removed from the room`,
    );
    const joins = (await asBotTimeline(roomId)).filter((e) => e.type === "m.room.member" && e.state_key === user.userId && e.content.membership === "join");
    const joinedAt = joins.at(-1)?.origin_server_ts ?? event.origin_server_ts;
    const windowMs = event.origin_server_ts - joinedAt;
    windows.push(windowMs);
    return { event, windowMs };
  }

  async function asBotTimeline(roomId: string): Promise<RoomEvent[]> {
    const res = await asBot("GET", `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/messages?dir=b&limit=200`);
    if (res.status !== 200) throw new Error(`messages: ${res.status}`);
    return [...(res.body as { chunk: RoomEvent[] }).chunk].reverse();
  }

  before(async () => {
    await bridge.start();
    watcher = await registerUser(uniqueName("watch"));
    op = await TestIrcClient.connect(bridge.irc.host, bridge.irc.port, uniqueName("op").slice(0, 12));
  });
  after(async () => {
    await bridge.dispose();
    await op.quit();
    // What the closing note reports: how long a refused user was in the room.
    console.log(`removal windows with banInMatrix ${String(banInMatrix)} (Matrix join -> bot's removal), ms: ${windows.join(", ")}`);
  });

  if (banInMatrix) it("+i channel: a user who joins the room is removed with the server's reason within seconds", async () => {
    const channel = `#${uniqueName("inv")}`;
    await op.join(channel);
    op.raw(`MODE ${channel} +i`);
    await op.waitFor(new RegExp(`MODE ${escape(channel)} \\+i`, "i"), 10000);
    const roomId = await portalOf(channel);
    const alice = await newcomerJoins(roomId);
    const { event, windowMs } = await removal(roomId, alice);
    const reason = String(event.content.reason);
    assert.match(reason, /\+i|invite/i, `the server's reason: ${reason}`);
    assert.ok(reason.includes(`/invite ${nickOf(alice)}`) && reason.includes(`!join ${channel}`), `what would let her in: ${reason}`);
    assert.ok(windowMs < 5000, `removed ${windowMs} ms after joining`);
    assert.equal(op.lines.filter((l) => new RegExp(`:${escape(nickOf(alice))}!\\S+ JOIN`, "i").test(l)).length, 0, "her puppet never got in");
  });

  if (banInMatrix) it("+k channel without the key: the user is removed, told to use !join #channel <key>", async () => {
    const channel = `#${uniqueName("key")}`;
    await op.join(channel);
    op.raw(`MODE ${channel} +k s3cret`);
    await op.waitFor(new RegExp(`MODE ${escape(channel)} \\+k`, "i"), 10000);
    const roomId = await portalOf(channel);
    const bob = await newcomerJoins(roomId);
    const { event } = await removal(roomId, bob);
    const reason = String(event.content.reason);
    assert.ok(reason.includes(`!join ${channel} <key>`), `the hint: ${reason}`);
    assert.ok(!reason.includes("s3cret"), "never the key");
  });

  it("an operator bans and kicks a puppet: the user is removed, and rejoining the room does not let them read the channel", async () => {
    const channel = `#${uniqueName("ban")}`;
    await op.join(channel);
    const roomId = await portalOf(channel);
    // Carol stays in the room throughout: the positive control that messages do arrive.
    const carol = await newcomerJoins(roomId);
    const dave = await newcomerJoins(roomId);
    await op.waitFor(new RegExp(`:${escape(nickOf(carol))}!\\S+ JOIN`, "i"), 20000);
    await op.waitFor(new RegExp(`:${escape(nickOf(dave))}!\\S+ JOIN`, "i"), 20000);
    op.raw(`MODE ${channel} +b ${nickOf(dave)}!*@*`);
    op.raw(`KICK ${channel} ${nickOf(dave)} :go away`);
    // Removed: banned in Matrix while the IRC ban stands, or kicked (by the KICK or the ban, whichever the bridge heard first).
    const { event } = await removal(roomId, dave, banInMatrix ? ["ban"] : ["leave"]);
    if (banInMatrix) assert.match(String(event.content.reason), /^Banned on IRC: .*banned/);
    // Dave tries to come back.
    const back = await csApi("POST", `/_matrix/client/v3/join/${encodeURIComponent(roomId)}`, dave.token, {});
    if (banInMatrix) {
      // Banned in Matrix while the IRC ban stands: the rejoin itself is refused.
      assert.equal(back.status, 403, JSON.stringify(back.body));
    } else {
      // The same gate as any join: his puppet's JOIN is refused (474) and he is removed again.
      assert.equal(back.status, 200, JSON.stringify(back.body));
      const again = await removal(roomId, dave);
      // Removed by the refusal of his JOIN (474), or by the IRC KICK's removal if it was still queued when he came back.
      assert.match(String(again.event.content.reason), /^Banned on IRC: .*refused .*JOIN .*You are banned from it|^kicked on IRC by/);
      assert.ok(again.windowMs < 5000, `removed ${again.windowMs} ms after rejoining`);
    }
    const marker = `after the ban ${uniqueName("")}`;
    op.say(channel, marker);
    await eventually(async () => (await timeline(carol, roomId)).some((e) => e.content.body === marker), 20000, "the marker reaches Carol");
    const seen = await csApi<{ chunk?: RoomEvent[] }>("GET", `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/messages?dir=b&limit=100`, dave.token);
    // 200 (his history up to his removal) or 403 (a banned user may not read the room at all); not an error that hides an answer.
    assert.ok(seen.status === 200 || seen.status === 403, `Dave's history answers: ${seen.status} ${JSON.stringify(seen.body)}`);
    const read = (seen.body.chunk ?? []).some((e) => e.content.body === marker);
    assert.equal(read, false, `Dave read the channel after the ban (rejoin answered ${back.status})`);
    // What would let him read it: being back in the room, or his puppet back in the channel.
    const lastOwn = (await timeline(carol, roomId)).filter((e) => e.type === "m.room.member" && e.state_key === dave.userId).at(-1);
    assert.notEqual(lastOwn?.content.membership, "join", "Dave is not in the room once the marker arrived");
    const names = (await op.names(channel)).map((n) => n.replace(/^[~&@%+]+/, "").toLowerCase());
    assert.ok(names.includes(nickOf(carol).toLowerCase()), `positive control: NAMES lists Carol: ${names.join(" ")}`);
    assert.ok(!names.includes(nickOf(dave).toLowerCase()), `Dave's puppet is not in the channel: ${names.join(" ")}`);
    if (!banInMatrix) return;
    // The IRC ban is lifted: so is the Matrix ban.
    op.raw(`MODE ${channel} -b ${nickOf(dave)}!*@*`);
    await eventually(
      async () => (await timeline(carol, roomId)).filter((e) => e.type === "m.room.member" && e.state_key === dave.userId).at(-1)?.content.membership === "leave",
      20000,
      "Dave's Matrix ban lifted",
    );
  });
});
