/**
 * Portals of closed channels are created closed (real Synapse, Ergo): the bridge reads a channel's
 * modes before its portal exists (here through the bridge bot's connection, bot.enabled in the
 * test bridges), so a secret channel's portal never shows in the room directory, not even for a
 * moment, and an invite-only channel's portal is invite-only from its first event. And one
 * channel, one portal: aliases in two casings of a channel name lead to one room.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { bridges, testenv } from "../../scripts/lib/testenv";
import { TestIrcClient } from "./support/ircClient";
import { RunningBridge } from "./support/localBridge";
import { csApi, eventually, joinRoom, registerUser, uniqueName, type RoomEvent, type TestUser } from "./support/matrixClient";

interface PublicRooms {
  readonly chunk: readonly { readonly room_id: string; readonly name?: string; readonly canonical_alias?: string }[];
}

describe("closed channels' portals on ergo", () => {
  const bridge = new RunningBridge(bridges.sample);
  const botId = `@${bridge.registration.sender_localpart}:${testenv.domain}`;
  let keeper: TestIrcClient;
  let alice: TestUser;
  let bob: TestUser;

  /** The room's events from its creation on, as the bridge bot (its creator) sees them. */
  async function fromCreation(roomId: string): Promise<RoomEvent[]> {
    const res = await csApi<{ chunk: RoomEvent[] }>("GET", `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/messages?dir=f&limit=50&user_id=${encodeURIComponent(botId)}`, bridge.registration.as_token);
    if (res.status !== 200) throw new Error(`messages: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.chunk;
  }

  async function roomOfAlias(alias: string): Promise<string | undefined> {
    const res = await csApi<{ room_id?: string }>("GET", `/_matrix/client/v3/directory/room/${encodeURIComponent(alias)}`, alice.token);
    return res.status === 200 ? res.body.room_id : undefined;
  }

  before(async () => {
    await bridge.start();
    keeper = await TestIrcClient.connect(bridge.irc.host, bridge.irc.port, uniqueName("kee").slice(0, 12));
    // The bridge bot is on the network before any portal is asked for: it reads their modes.
    await keeper.waitOnline(bridge.botNick);
    alice = await registerUser(uniqueName("alice"));
    bob = await registerUser(uniqueName("bob"));
  });

  after(async () => {
    await keeper.quit();
    await bridge.dispose();
  });

  it("a +s channel's portal is never in the room directory, not even for a moment", async () => {
    const channel = `#${uniqueName("sec")}`;
    await keeper.join(channel);
    keeper.raw(`MODE ${channel} +s`);
    await keeper.waitFor(new RegExp(`MODE ${channel} \\+s`, "i"), 10000);
    // Positive control: a room a server admin publishes shows in the listing the watcher polls (the
    // test Synapse lets anyone publish: room_list_publication_rules), so a leak would show.
    const admin = await registerUser(uniqueName("adm"), undefined, true);
    const marker = await csApi<{ room_id: string }>("POST", "/_matrix/client/v3/createRoom", admin.token, { name: uniqueName("marker"), preset: "public_chat" });
    const published = await csApi("PUT", `/_matrix/client/v3/directory/list/room/${encodeURIComponent(marker.body.room_id)}`, admin.token, { visibility: "public" });
    const alias = bridge.alias(channel);
    let polls = 0;
    let sawMarker = false;
    let roomId: string | undefined;
    const leaks: string[] = [];
    const watch = { on: true };
    const watcher = (async () => {
      while (watch.on) {
        const res = await csApi<PublicRooms>("POST", "/_matrix/client/v3/publicRooms", alice.token, { limit: 500 });
        const id = roomId ?? (await roomOfAlias(alias));
        if (id !== undefined) {
          roomId = id;
          const listed = await csApi<{ visibility?: string }>("GET", `/_matrix/client/v3/directory/list/room/${encodeURIComponent(id)}`, alice.token);
          if (listed.body.visibility !== "private") leaks.push(`directory visibility ${String(listed.body.visibility)}`);
        }
        if (res.status === 200) {
          if (id !== undefined) polls++;
          for (const room of res.body.chunk) {
            if (room.room_id === marker.body.room_id) sawMarker = true;
            if (room.canonical_alias === alias || room.name === channel || room.room_id === id) leaks.push(`listed ${room.room_id}`);
          }
        }
        await new Promise((r) => setTimeout(r, 25));
      }
    })();
    assert.equal(published.status, 200, "the test homeserver lets a room be published (positive control)");
    await eventually(() => sawMarker, 20000, "the published marker room in the directory");
    const joined = await joinRoom(alice, alias);
    await eventually(() => polls >= 20, 20000, "twenty polls of the directory while the room exists");
    watch.on = false;
    await watcher;
    assert.equal(roomId, joined);
    assert.deepEqual(leaks, [], "the secret channel's portal was listed");
    const events = await fromCreation(joined);
    assert.equal(events.find((e) => e.type === "m.room.join_rules")?.content.join_rule, "public", "+s alone closes nothing: unlisted, joinable");
    const history = events.find((e) => e.type === "m.room.history_visibility");
    assert.equal(history?.content.history_visibility, "joined", "history visible only from a member's own join");
  });

  for (const [mode, set] of [["+i", "+i"], ["+k (Ergo hides it from non-members: the bot looks in)", "+k s3cr3t"]] as const) it(`a ${mode} channel's portal is invite-only from its first join rule; a Matrix user cannot join it`, async () => {
    const channel = `#${uniqueName("cl")}`;
    await keeper.join(channel);
    keeper.raw(`MODE ${channel} ${set}`);
    await keeper.waitFor(new RegExp(`MODE ${channel} \\${set.slice(0, 2)}`, "i"), 10000);
    const alias = bridge.alias(channel);
    const join = await csApi<{ errcode?: string }>("POST", `/_matrix/client/v3/join/${encodeURIComponent(alias)}`, alice.token, {});
    assert.equal(join.status, 403, `alice's join: ${join.status} ${JSON.stringify(join.body)}`);
    const roomId = await roomOfAlias(alias);
    assert.ok(roomId !== undefined, "the portal exists (the alias resolves)");
    const rules = (await fromCreation(roomId)).filter((e) => e.type === "m.room.join_rules");
    assert.equal(rules[0]?.content.join_rule, "invite", `the first join rule: ${JSON.stringify(rules.map((e) => e.content))}`);
    const members = await csApi<{ joined: Record<string, unknown> }>("GET", `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/joined_members?user_id=${encodeURIComponent(botId)}`, bridge.registration.as_token);
    assert.deepEqual(Object.keys(members.body.joined), [botId], "only the bot is in the room");
  });

  it("#MixedCase and #mixedcase aliases, asked at once, give one room", async () => {
    const name = uniqueName("MixCase");
    const channel = `#${name}`;
    await keeper.join(channel);
    const started = Date.now();
    const [a, b] = await Promise.all([joinRoom(alice, bridge.alias(channel)), joinRoom(bob, bridge.alias(`#${name.toLowerCase()}`))]);
    process.stderr.write(`  (two Matrix joins of a new portal, its modes read first: ${Date.now() - started} ms)\n`);
    assert.equal(a, b);
    assert.equal(await roomOfAlias(bridge.alias(`#${name.toUpperCase()}`)), a, "a third casing, asked later, too");
  });
});
