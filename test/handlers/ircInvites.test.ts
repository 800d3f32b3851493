import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ircInvites, type InviteNetwork } from "../../src/compose/invites";
import { onInvite, type HeardInvite, type InviteContext } from "../../src/fromIrc/invite";
import type { ConnectionEvents } from "../../src/irc/connection";
import type { InviteEvent } from "../../src/irc/events";
import type { IrcReply, IrcRequest } from "../../src/irc/requests";
import { InviteLimits } from "../../src/rooms/inviteLimits";
import type { PendingInvite } from "../../src/rooms/pendingInvites";
import type { PortalOutcome, Portals } from "../../src/rooms/portals";
import { RoomIndex } from "../../src/rooms/roomIndex";
import { openNedbStore } from "../../src/store/nedbStore";
import type { RoomRecord } from "../../src/store/store";
import { TypedEmitter } from "../../src/util/typedEmitter";
import { FakeChannelOps } from "../support/fakeChanops";
import { FakeClock } from "../support/fakeClock";
import { FakeMatrixApi } from "../support/fakeMatrixApi";
import { fakeNetwork } from "../support/fakeNetwork";
import { connected } from "../support/connectedClient";
import { inviteRequest } from "../../src/irc/channelRequests";
import { silentLogger } from "../support/silentLogger";

const ALICE = "@alice:example.org";

const record = (roomId: string, channel: string, origin: RoomRecord["origin"] = "portal"): RoomRecord => ({ roomId, network: "testnet", channel, folded: channel.toLowerCase(), origin });

function inviteEvent(invited: string, channel: string, by = "op"): InviteEvent {
  return { by, invited, channel, time: undefined, tags: {}, batch: undefined };
}

/** The handler's context as fakes: rooms per channel, the portal's answer, memberships, and what was done. */
function scene(options: { portal?: (channel: string) => PortalOutcome; inviteOk?: boolean } = {}) {
  let now = 0;
  const rooms = new Map<string, RoomRecord[]>();
  const membership = new Map<string, string>();
  const done = { portals: [] as string[], invites: [] as string[], notices: [] as string[], answers: [] as string[], joins: [] as string[], remembered: [] as PendingInvite[] };
  const limits = new InviteLimits(() => now);
  const ctx: InviteContext = {
    network: { id: "testnet", name: "TestNet" },
    roomsOf: (channel) => rooms.get(channel.toLowerCase()) ?? [],
    portal: (channel) => {
      done.portals.push(channel);
      const outcome = options.portal?.(channel) ?? { ok: true, room: record("!portal:x", channel), created: true };
      if (outcome.ok) rooms.set(channel.toLowerCase(), [outcome.room]);
      return Promise.resolve(outcome);
    },
    roomFor: (roomId) => Promise.resolve({ joinRule: "invite", membership: membership.get(roomId) }),
    inviteToRoom: (roomId, userId) => {
      done.invites.push(`${roomId} ${userId}`);
      return Promise.resolve(options.inviteOk ?? true);
    },
    take: (userId) => limits.take(userId),
    remember: (_userId, _channel, invite) => done.remembered.push(invite),
    notify: (userId, text) => done.notices.push(`${userId}: ${text}`),
    now: () => now,
    log: silentLogger(),
  };
  const heard = (e: InviteEvent, ownNick = "alice"): HeardInvite => ({
    userId: ALICE,
    ownNick,
    e,
    same: (a, b) => a.toLowerCase() === b.toLowerCase(),
    answer: (text) => {
      done.answers.push(`${e.by}: ${text}`);
      return true;
    },
    join: (channel) => done.joins.push(channel),
  });
  const invite = (e: InviteEvent, ownNick?: string) => onInvite(heard(e, ownNick), ctx);
  return { ctx, rooms, membership, done, invite, advance: (ms: number) => (now += ms) };
}

describe("an IRC INVITE of a puppet", () => {
  it("into a channel without a room: its portal is asked for by channel, and the user is invited to it, silently", async () => {
    const { done, invite } = scene();
    await invite(inviteEvent("Alice", "#Closed"));
    assert.deepEqual(done.portals, ["#Closed"]);
    assert.deepEqual(done.invites, [`!portal:x ${ALICE}`]);
    assert.deepEqual(done.notices, [], "silence on success: the invite is the message");
    assert.deepEqual(done.answers, []);
    assert.deepEqual(done.remembered.map((i) => `${i.by} ${i.channel}`), ["op #Closed"]);
  });

  it("invite-notify about another nick is not ours: nothing happens", async () => {
    const { done, invite } = scene();
    await invite(inviteEvent("bob", "#chan"));
    await invite(inviteEvent("alice", "#chan"));
    assert.deepEqual(done.invites, [`!portal:x ${ALICE}`], "only the invite naming our own nick (the positive control) was passed on");
  });

  it("into a channel with rooms: invited into each room not joined, invited or banned; no portal is made", async () => {
    const { done, invite, rooms, membership } = scene();
    rooms.set("#chan", [record("!a:x", "#chan", "mapped"), record("!b:x", "#chan", "linked"), record("!c:x", "#chan")]);
    membership.set("!b:x", "invite");
    membership.set("!c:x", "ban");
    await invite(inviteEvent("alice", "#chan"));
    assert.deepEqual(done.portals, []);
    assert.deepEqual(done.invites, [`!a:x ${ALICE}`]);
    assert.deepEqual(done.notices, []);
  });

  it("a user already in the channel's room: the puppet joins the channel at once (with the invite the server holds)", async () => {
    const { done, invite, rooms, membership } = scene();
    rooms.set("#chan", [record("!a:x", "#chan")]);
    membership.set("!a:x", "join");
    await invite(inviteEvent("alice", "#chan"));
    assert.deepEqual(done.joins, ["#chan"]);
    assert.deepEqual(done.invites, []);
  });

  it("a channel that may have no room (excluded, mapped elsewhere, the portal limits): no Matrix invite; the user and the inviter are told why", async () => {
    const { done, invite } = scene({ portal: (channel) => ({ ok: false, reason: `${channel} is excluded from bridging by the operator` }) });
    await invite(inviteEvent("alice", "#ops"));
    assert.deepEqual(done.invites, []);
    assert.deepEqual(done.notices, [`${ALICE}: op invited you to #ops on TestNet, but the bridge has no Matrix room for it: #ops is excluded from bridging by the operator.`]);
    assert.equal(done.answers.length, 1);
    assert.match(done.answers[0] ?? "", /^op: alice is a Matrix user on a bridge: your invite to #ops could not be passed on to Matrix \(.*excluded/);
  });

  it("when the bot cannot invite, the user is told, with the way in that remains (!join uses the IRC invite)", async () => {
    const { done, invite } = scene({ inviteOk: false });
    await invite(inviteEvent("alice", "#chan"));
    assert.equal(done.notices.length, 1);
    assert.match(done.notices[0] ?? "", /could not invite you to its room !portal:x\. IRC keeps the invite while your connection lasts: !join testnet #chan here uses it\.$/);
    assert.deepEqual(done.remembered, []);
  });

  it("an invite flood is bounded per user: 5 in 10 minutes are passed on, the rest dropped; the user is told once, not per invite", async () => {
    const { done, invite, advance } = scene();
    for (let i = 0; i < 12; i++) await invite(inviteEvent("alice", `#c${i}`));
    assert.equal(done.portals.length, 5, "no portal is even asked for beyond the user's share");
    assert.equal(done.invites.length, 5);
    assert.equal(done.notices.length, 1);
    assert.match(done.notices[0] ?? "", /invited you to #c5 on TestNet, but you were invited to too many channels/);
    assert.equal(done.answers.length, 7, "each dropped invite's inviter may be answered (the connection's gate bounds the notices)");
    advance(10 * 60000);
    await invite(inviteEvent("alice", "#later"));
    assert.equal(done.invites.length, 6, "a new window lets invites through again");
  });

  it("an invalid channel name is ignored (logged), and no one is asked", async () => {
    const { done, invite } = scene();
    await invite(inviteEvent("alice", "#bad,name"));
    await invite(inviteEvent("alice", "nochannel"));
    assert.deepEqual([done.portals, done.invites, done.notices], [[], [], []]);
  });
});

/** A user's connection as the invites' wiring sees it: events the test fires, NOTICEs and JOINs recorded. */
class FakeInvited extends TypedEmitter<ConnectionEvents> {
  nick = "alice";
  readonly notices: string[] = [];
  readonly joined: string[] = [];
  same(a: string, b: string): boolean {
    return a.toLowerCase() === b.toLowerCase();
  }
  say(_kind: "privmsg" | "notice" | "action", target: string, body: string): Promise<string | undefined> | false {
    this.notices.push(`${target}: ${body}`);
    return Promise.resolve(undefined);
  }
  join(channel: string): boolean {
    this.joined.push(channel);
    return true;
  }
  fire<K extends keyof ConnectionEvents>(event: K, ...args: Parameters<ConnectionEvents[K]>): void {
    this.emit(event, ...args);
  }
}

async function wired(options: { botOp: boolean; botAnswer?: IrcReply }) {
  const clock = new FakeClock();
  const network = fakeNetwork();
  const rooms = new RoomIndex((await openNedbStore(undefined)).rooms);
  const api = new FakeMatrixApi();
  const notices: string[] = [];
  const botRequests: string[] = [];
  const chanops = new FakeChannelOps();
  if (options.botOp) chanops.set("#closed", "ircbot", "o");
  const portal: Pick<Portals, "forChannel"> = {
    forChannel: async (_id, channel) => {
      if (channel.startsWith("#ops")) return { ok: false, reason: `${channel} is excluded from bridging by the operator` };
      const room = record("!portal:x", channel);
      await rooms.add(room);
      return { ok: true, room, created: true };
    },
  };
  const invites = ircInvites({ portals: portal, rooms, api, botUserId: "@bot:x", channelOps: chanops, notify: (u, t) => notices.push(`${u}: ${t}`), clock, log: silentLogger() });
  const bot = {
    isRegistered: true,
    nick: "ircbot",
    request: (request: IrcRequest): Promise<IrcReply> => {
      botRequests.push(`${request.command} ${request.params.join(" ")}`);
      return Promise.resolve(options.botAnswer ?? { kind: "ok", lines: [] });
    },
  };
  const net: InviteNetwork = { network, bot: { connection: bot }, persist: () => undefined };
  const connection = new FakeInvited();
  invites.attach(net, connection, ALICE);
  const settle = async () => {
    for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
  };
  return { connection, notices, botRequests, api, settle, clock };
}

describe("IRC invites across a reconnect (IRC forgets them with the connection)", () => {
  it("a pending invite: the IRC bot, an operator of the channel, invites the reconnected puppet again; the user is not bothered", async () => {
    const { connection, notices, botRequests, api, settle } = await wired({ botOp: true });
    connection.fire("invite", inviteEvent("alice", "#closed"));
    await settle();
    assert.deepEqual(api.calls.filter((c) => c.startsWith("invite")).length, 1, "the Matrix invite went out");
    connection.nick = "alice_";
    connection.fire("registered", "alice_", undefined, true);
    await settle();
    assert.deepEqual(botRequests, ["INVITE alice_ #closed"]);
    assert.deepEqual(notices, []);
  });

  it("without an opped bot the user is told whom to ask; an invite already used (the puppet joined) is not mentioned", async () => {
    const { connection, notices, botRequests, settle } = await wired({ botOp: false });
    connection.fire("invite", inviteEvent("alice", "#closed", "carol"));
    connection.fire("invite", inviteEvent("alice", "#used", "dave"));
    await settle();
    connection.fire("join", { nick: "alice", channel: "#used", account: undefined, time: undefined, tags: {}, batch: undefined });
    connection.fire("registered", "alice", undefined, false);
    await settle();
    assert.deepEqual(notices, [], "a first registration is no reconnect");
    connection.fire("registered", "alice", undefined, true);
    await settle();
    assert.deepEqual(botRequests, []);
    assert.equal(notices.length, 1);
    assert.match(String(notices[0]), /carol's invite to #closed no longer lets you in\. Ask carol to invite you again \(\/invite alice #closed\)/);
    connection.fire("registered", "alice", undefined, true);
    await settle();
    assert.equal(notices.length, 1, "told once");
  });

  it("the bot refused (no longer an operator): the user is told instead", async () => {
    const { connection, notices, settle } = await wired({ botOp: true, botAnswer: { kind: "error", numeric: "482", text: "You're not channel operator", lines: [] } });
    connection.fire("invite", inviteEvent("alice", "#closed"));
    await settle();
    connection.fire("registered", "alice", undefined, true);
    await settle();
    assert.equal(notices.length, 1);
  });

  it("a refused invite's inviter is answered by the puppet at most once per 10 s", async () => {
    const { connection, notices, settle, clock } = await wired({ botOp: false });
    for (let i = 0; i < 3; i++) connection.fire("invite", inviteEvent("alice", `#ops${i}`, "flooder"));
    await settle();
    assert.equal(notices.length, 3, "the user was told of each (within the user's invite share)");
    assert.equal(connection.notices.length, 1);
    assert.match(connection.notices[0] ?? "", /^flooder: alice is a Matrix user on a bridge: your invite to #ops0 could not be passed on/);
    clock.advance(10000);
    connection.fire("invite", inviteEvent("alice", "#ops9", "flooder"));
    await settle();
    assert.equal(connection.notices.length, 2);
  });
});

describe("the connection reports INVITE as a typed event", () => {
  it("from the server's INVITE line: who, whom, which channel", async () => {
    const { server, connection, done } = await connected([]);
    try {
      const heard: InviteEvent[] = [];
      connection.on("invite", (e) => heard.push(e));
      server.onLine = (line, send) => {
        if (line.startsWith("MODE")) {
          send(":op!o@h INVITE alice :#Closed");
          send(":op!o@h INVITE bob #other");
          send(":srv 324 alice #x +n");
        }
      };
      void connection.send("MODE", ["#x"]);
      const deadline = Date.now() + 5000;
      while (heard.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      assert.deepEqual(
        heard.map((e) => [e.by, e.invited, e.channel]),
        [
          ["op", "alice", "#Closed"],
          ["op", "bob", "#other"],
        ],
      );
    } finally {
      await done();
    }
  });
});

describe("an error that answers a request is the request's (not also a 'server said' notice)", () => {
  it("482 to our INVITE resolves the request and is marked attributed; the same error unasked is not", async () => {
    const { server, connection, done } = await connected([]);
    try {
      const errors: { error: string; attributed: boolean }[] = [];
      connection.on("serverError", (e) => errors.push({ error: e.error, attributed: e.attributed }));
      server.onLine = (line, send) => {
        if (line.startsWith("INVITE")) send(":srv 482 alice #c :You're not channel operator");
        if (line.startsWith("TOPIC")) send(":srv 482 alice #c :You're not channel operator");
      };
      const reply = await connection.request(inviteRequest("carol", "#c"));
      assert.equal(reply.kind === "error" && reply.numeric, "482");
      void connection.send("TOPIC", ["#c", "x"]);
      const deadline = Date.now() + 5000;
      while (errors.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      assert.deepEqual(errors.map((e) => e.attributed), [true, false]);
    } finally {
      await done();
    }
  });
});
