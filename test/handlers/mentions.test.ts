import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { NetworkNicks } from "../../src/bridge/networkNicks";
import { dedupeKey, type ChannelEvent } from "../../src/broker/channelEvent";
import { trackInRoster } from "../../src/broker/networkFeed";
import type { IrcContext } from "../../src/fromIrc/context";
import { routeIrcEvent } from "../../src/fromIrc/router";
import { RoomIndex } from "../../src/rooms/roomIndex";
import { openNedbStore } from "../../src/store/nedbStore";
import { FakeIrcServer } from "../support/fakeIrcServer";
import { FakeMatrixApi } from "../support/fakeMatrixApi";
import { ALICE, base, ircScene, PORTAL } from "../support/ircScene";
import { testNetworkBridge, testNetworkContext } from "../support/testNetworkBridge";

const message = (from: string, text: string): ChannelEvent => ({ type: "message", channel: "#chan", e: { ...base, kind: "privmsg", from, target: "#chan", text, tags: {}, account: undefined } });
const join = (nick: string): ChannelEvent => ({ type: "join", channel: "#chan", e: { ...base, nick, channel: "#chan", account: undefined } });

/** ircScene (Alice's puppet "Alice[m]", the bot "matrixbridge") with a NetworkNicks over its roster and puppets. */
async function mentionScene() {
  const s = await ircScene();
  const nicks = new NetworkNicks({
    puppetOfNick: (nick) => s.puppets.get(s.ctx.fold(nick)),
    puppetNick: (userId) => (userId === ALICE ? "Alice[m]" : undefined),
    isOurs: (nick) => s.ctx.isOurs(nick),
    present: (nick) => s.roster.spelling(nick),
    ghostUserId: (nick) => s.network.ids.ghostUserId(nick),
    nickOfGhost: (userId) => s.network.ids.nickOfGhost(userId),
    nickTemplate: s.network.nickTemplate,
  });
  const ctx: IrcContext = { ...s.ctx, nicks };
  let n = 0;
  /** Delivers as NetworkFeed does (roster first), then returns the contents sent to the portal room. */
  const deliver = async (...events: ChannelEvent[]) => {
    const from = s.api.sent.length;
    for (const ev of events) {
      trackInRoster(s.roster, ev);
      routeIrcEvent({ key: `${dedupeKey(ev, s.clock.now())}.${n++}`, ev }, ctx);
    }
    await s.queues.idle();
    return s.api.sent.slice(from).filter((e) => e.roomId === PORTAL && e.type === "m.room.message").map((e) => e.content);
  };
  return { ...s, nicks, deliver };
}

describe("mentions from IRC: a line naming a bridged user mentions them in Matrix", () => {
  it("a puppet's nick addressed at the start of the line: m.mentions has its Matrix user, and a pill", async () => {
    const s = await mentionScene();
    const content = (await s.deliver(join("Bob"), message("Bob", "alice[M]: are you there?")))[0] ?? assert.fail("nothing sent");
    assert.deepEqual(content["m.mentions"], { user_ids: [ALICE] });
    assert.equal(content.body, "alice[M]: are you there?", "the body is the line as written");
    const html = String(content.formatted_body);
    assert.ok(decodeURIComponent(html).includes(`https://matrix.to/#/${ALICE}`), html);
  });

  it("an IRC user in the channel, named inside a line, is their ghost; a word that is nobody's nick is nothing", async () => {
    const s = await mentionScene();
    const [content] = await s.deliver(join("Bob"), join("Carol"), message("Bob", "thanks Carol! and thanks nobody"));
    assert.deepEqual(content?.["m.mentions"], { user_ids: [s.network.ids.ghostUserId("Carol")] });
  });

  it("no mention: a nick of nobody in the channel, the bridge bot's nick, part of a longer word", async () => {
    const s = await mentionScene();
    const contents = await s.deliver(join("Bob"), message("Bob", "dave: hi"), message("Bob", "matrixbridge: help"), message("Bob", "Alice[m]_ and xAlice[m]"));
    assert.deepEqual(
      contents.map((c) => c["m.mentions"]),
      [{}, {}, {}],
    );
    assert.equal(contents.some((c) => c.formatted_body !== undefined), false);
  });
});

describe("the network bridge's nick directory, on a live connection", () => {
  it("finds the puppet by its nick on the server (and after a rename), the channel's IRC users as ghosts, and gives nicks back", async () => {
    const server = new FakeIrcServer([]);
    const port = await server.listen();
    server.onLine = (line, send, socket) => {
      const nick = server.nicks.get(socket) ?? "?";
      if (/^JOIN #chan/.test(line)) {
        send(`:${nick}!u@h JOIN #chan`);
        send(`:srv 353 ${nick} = #chan :${nick} @Carol dan[x]`);
        send(`:srv 366 ${nick} #chan :End of /NAMES list.`);
      }
      if (line === "PRIVMSG #chan :rename me") send(`:${nick}!u@h NICK Alice_away`);
    };
    const network = testNetworkContext(port);
    const api = new FakeMatrixApi();
    api.displaynames.set(ALICE, "Alice Liddell");
    const store = await openNedbStore(undefined);
    const rooms = new RoomIndex(store.rooms);
    await rooms.add({ roomId: PORTAL, network: "testnet", channel: "#chan", folded: "#chan", origin: "portal" });
    const { bridge } = testNetworkBridge({ network, store, api, botUserId: "@ircbridge:example.org", rooms });
    try {
      await bridge.start();
      const nicks = bridge.nicks;
      assert.equal(nicks.nickOfUser(ALICE), "alice[m]", "before any connection, display name unknown: the template with the localpart");
      const alice = bridge.puppets.ensure(ALICE);
      assert.ok(alice.ok);
      alice.connection.join("#chan");
      await until(() => nicks.userOfNick("dan{X}") !== undefined);
      assert.deepEqual(nicks.userOfNick("aliceliddell[M]"), { userId: ALICE, displayName: "Alice Liddell" });
      assert.deepEqual(nicks.userOfNick("carol"), { userId: network.ids.ghostUserId("Carol"), displayName: "Carol" });
      assert.equal(nicks.userOfNick("erin"), undefined);
      assert.equal(nicks.nickOfUser(network.ids.ghostUserId("Carol")), "Carol");
      assert.equal(nicks.nickOfUser(ALICE), "AliceLiddell[m]", "the connection's nick (from the display name it learnt)");
      const sent = alice.connection.say("privmsg", "#chan", "rename me");
      if (sent !== false) sent.catch(() => undefined);
      await until(() => nicks.userOfNick("alice_away") !== undefined);
      assert.equal(nicks.userOfNick("alice_away")?.userId, ALICE);
      assert.equal(nicks.userOfNick("AliceLiddell[m]"), undefined, "the old nick names nobody");
      assert.equal(nicks.nickOfUser(ALICE), "Alice_away");
    } finally {
      await bridge.stop();
      await server.close();
    }
  });
});

/** Waits (up to 5 s) until the condition holds. */
async function until(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!condition()) {
    if (Date.now() > deadline) assert.fail("timed out waiting");
    await new Promise((r) => setTimeout(r, 10));
  }
}
