import { quietChannelRooms } from "./channelRoomHooks";
import { FakeLinks } from "./fakeLinks";
import { NO_NICKS } from "../../src/format/nickDirectory";
import { MessageLog } from "../../src/rooms/messageLog";
import { FakeUpgrades } from "./fakeUpgrades";
import { Removals } from "../../src/rooms/removals";
import { ChannelOrder } from "../../src/fromMatrix/channelOrder";
import type { MatrixContext } from "../../src/fromMatrix/context";
import { routeMatrixEvent } from "../../src/fromMatrix/router";
import type { IrcContext } from "../../src/fromIrc/context";
import { onLateRefusal } from "../../src/fromIrc/lateRefusal";
import { onPrivateMessage } from "../../src/fromIrc/privateMessage";
import { SplitDebouncer } from "../../src/fromIrc/splitDebouncer";
import type { ConnectGate } from "../../src/irc/connection";
import type { MessageEvent } from "../../src/irc/events";
import type { MatrixEvent } from "../../src/matrix/events";
import { Ghosts } from "../../src/matrix/ghosts";
import { createMetrics } from "../../src/observability/metrics";
import { DirectChats } from "../../src/pms/directChats";
import { PmGuard } from "../../src/pms/pmGuard";
import { PmRooms } from "../../src/pms/pmRooms";
import { PuppetRegistry } from "../../src/puppets/puppetRegistry";
import { PendingSends, type PendingSend } from "../../src/rooms/pendingSends";
import { pendingSendCodec } from "../../src/rooms/pendingSendCodec";
import { PmBodySeal } from "../../src/secrets/pmSeal";
import type { PasswordSeal } from "../../src/secrets/passwordSeal";
import { PmIndex, pmKey } from "../../src/rooms/pmIndex";
import { RoomIndex } from "../../src/rooms/roomIndex";
import { RoomQueues, type RoomOp } from "../../src/rooms/roomQueues";
import { openNedbStore } from "../../src/store/nedbStore";
import { SendJournal } from "../../src/store/sendJournal";
import { RecentIds } from "../../src/util/recentIds";
import { ChannelRoster } from "../../src/rooms/channelRoster";
import { AccessRecords } from "../../src/rooms/accessRecords";
import { PowerLevelSync } from "../../src/rooms/powerLevelSync";
import { RoomAccess } from "../../src/rooms/roomAccess";
import { FakeClock } from "./fakeClock";
import { NO_ACTORS, idleChanops } from "./fakeChanops";
import { FakeMatrixApi } from "./fakeMatrixApi";
import { openAccess } from "./openAccess";
import { allowEveryone } from "../../src/access/accessPolicy";
import { fakeNetwork } from "./fakeNetwork";
import { silentLogger } from "./silentLogger";

export const BOT = "@ircbridge:example.org";
export const ALICE = "@alice:example.org";
export const CAROL = "@carol:example.org";
export const DM = "!dm:example.org";
export const T = 1_700_000_000_000;

export interface PmSceneOptions {
  /** Appended inside the network's config mapping, e.g. `, privateMessages: { enabled: false }`. */
  readonly extra?: string;
  /** A (fake) IRC server on 127.0.0.1 the users' connections really connect to, as nick "alice". */
  readonly ircPort?: number;
  /** Where the IRC -> Matrix journal lives on disk (as app.ts keeps it, bodies sealed with `seal`); else in memory. */
  readonly journalDir?: string;
  readonly seal?: PasswordSeal;
}

/**
 * Private messages wired as app.ts wires them, both ways, against a fake homeserver: the Matrix
 * router and its context (with the private rooms and direct chats), the IRC handler with its
 * pending sends, the users' connections. Without `ircPort` the connections never connect, so the
 * lines they would send stay queued where a test can count them.
 */
export async function pmScene(options: PmSceneOptions = {}) {
  const extra = options.extra ?? "";
  const network = options.ircPort === undefined ? fakeNetwork(extra) : fakeNetwork(`, port: ${options.ircPort}, tls: false${extra}`, "127.0.0.1");
  const store = await openNedbStore(undefined);
  const rooms = new RoomIndex(store.rooms);
  const index = new PmIndex(store.pmRooms);
  const api = new FakeMatrixApi();
  const clock = new FakeClock();
  const log = silentLogger();
  const metrics = createMetrics();
  const givenUp: string[] = [];
  const queues = new RoomQueues({ onGiveUp: (key, op) => givenUp.push(`${key} ${op.what}`), onRetry: () => undefined }, clock);
  const ghosts = new Ghosts(api, BOT);
  const networks = new Map([[network.id, network]]);
  const enqueue = (key: string, op: RoomOp) => queues.enqueue(key, op);
  const pms = new PmRooms({ index, api, ghosts, enqueue, networks, clock, log, metrics });
  const direct = new DirectChats({ pms, api, ghosts, enqueue, networks, clock, log, replay: (events) => events.forEach((e) => routeMatrixEvent(e, ctx)) });
  const gate: ConnectGate = { request: (_id, request) => request.go(), cancel: () => undefined, report: () => undefined, holdReason: undefined };
  const puppets = new PuppetRegistry({
    network,
    store: store.puppets,
    identity: () => (options.ircPort === undefined ? new Promise(() => undefined) : Promise.resolve({ nick: "alice", username: "alice" })),
    // As the network bridge wires each connection: refusals no message waited for.
    attach: (connection, userId) => connection.on("refused", (refusal) => onLateRefusal(userId, refusal, ircCtx)),
    clock,
    log,
    gate,
    dropped: () => undefined,
    access: allowEveryone,
  });
  const order = new ChannelOrder(10, network.maxOrderHoldMs, clock);
  const botNotices: string[] = [];
  const writes: Promise<void>[] = [];
  const seen = new RecentIds(1000);
  let seq = 0;
  const ctx: MatrixContext = {
    ...quietChannelRooms(),
    links: new FakeLinks(),
    upgrades: new FakeUpgrades(),
    ...idleChanops(store),
    ...openAccess(),
    botUserId: BOT,
    rooms,
    networks: new Map([[network.id, { network, puppets, order, history: () => Promise.resolve(undefined), actors: NO_ACTORS, noteTopic: () => undefined, removeFromRoom: () => false, joinedInMatrix: (_roomId: string, userId: string) => puppets.ensure(userId), nicks: NO_NICKS }]]),
    log,
    metrics,
    admin: { ownerOf: () => undefined, adopt: () => Promise.resolve(), abandon: () => Promise.resolve(), command: () => Promise.resolve() },
    pms: {
      roomOf: (roomId) => index.room(roomId),
      isOpening: (roomId) => direct.isOpening(roomId),
      hold: (roomId, event) => direct.hold(roomId, event),
      open: (roomId, userId, net, ghost) => direct.open(roomId, userId, net, ghost),
      userMembership: (roomId, membership) => pms.userMembership(roomId, membership),
      refuse: (roomId, userId) => pms.refuse(roomId, userId),
      ghostRemoved: (roomId, by) => pms.ghostRemoved(roomId, by),
      notice: (roomId, text) => pms.notice(roomId, text),
    },
    isBridgeUser: (userId) => userId === BOT || network.ids.nickOfGhost(userId) !== undefined,
    notice: (roomId, text) => botNotices.push(`${roomId} ${text}`),
    persist: () => undefined,
    forgetGhost: (roomId, userId) => ghosts.forget(roomId, userId),
    acceptInvite: () => undefined,
    outbox: store.outbox,
    messages: new MessageLog(),
    fetchEvent: () => Promise.resolve(undefined),
    keep: (write) => writes.push(write),
    seenBefore: (eventId) => seen.checkAndAdd(eventId),
    nextSeq: () => ++seq,
    now: () => clock.now(),
  };
  const sends = new PendingSends({
    journal:
      options.journalDir === undefined
        ? new SendJournal<PendingSend>(undefined, "test")
        : new SendJournal<PendingSend>(options.journalDir, "irc-to-matrix.log", undefined, pendingSendCodec(new PmBodySeal(options.seal), () => undefined)),
    queues,
    deliver: (send) => (send.pm === undefined ? Promise.reject(new Error("no channels here")) : pms.deliver(send, send.pm.userId)),
    notice: (send, text) => pms.noticeFor(send, text),
    maxPerRoom: 1000,
    depth: () => undefined,
    dropped: () => undefined,
  });
  const fold = (name: string) => network.channels.fold(name);
  const records = new AccessRecords(store.roomAccess, log);
  const ircCtx: IrcContext = {
    removals: new Removals({ api, queues, botUserId: BOT }),
    network,
    rooms,
    queues,
    sends,
    messages: ctx.messages,
    nicks: NO_NICKS,
    ghosts,
    api,
    botUserId: BOT,
    log,
    metrics,
    isOurs: () => false,
    userOfNick: () => undefined,
    fold,
    markDelivered: () => undefined,
    splits: new SplitDebouncer(0, clock),
    topics: new Map(),
    pms,
    pmGuard: new PmGuard(network.privateMessages, clock),
    busy: (userId) => puppets.busy(userId),
    // No channels in these scenes.
    roster: new ChannelRoster(fold),
    access: new RoomAccess({ api, queues, records, powerLevels: new PowerLevelSync({ api, queues, records, botUserId: BOT, clock, log }), botUserId: BOT }),
    notice: () => undefined,
    puppetsIn: () => [],
    channelKey: () => undefined,
  };
  /** Lets every queue run dry (room operations may queue more, and sends follow outbox writes). */
  const settle = async () => {
    for (let i = 0; i < 4; i++) {
      await Promise.all(writes);
      await queues.idle();
      await new Promise((r) => setImmediate(r));
    }
  };
  /** Routes Matrix events like a transaction, then lets everything settle. */
  const route = async (...events: MatrixEvent[]) => {
    events.forEach((e) => routeMatrixEvent(e, ctx));
    await settle();
  };
  const replies: string[] = [];
  /** A private message from IRC `from` to Alice's puppet "alice". */
  const fromIrc = (from: string, text: string, more: Partial<MessageEvent> = {}, registered?: boolean, userId = ALICE) =>
    onPrivateMessage(
      {
        userId,
        ownNick: "alice",
        e: { kind: "privmsg", from, target: "alice", text, tags: {}, time: T, batch: undefined, account: undefined, ...more },
        registered,
        reply: (answer) => replies.push(`${from}: ${answer}`),
      },
      ircCtx,
    );
  /** The conversation's key and the messages waiting in the outbox for IRC, oldest first. */
  const outbox = async () => (await store.outbox.pending()).map(({ entry }) => `${entry.kind} ${entry.body}`);
  return { network, store, index, api, clock, queues, sends, ghosts, pms, puppets, order, ctx, ircCtx, botNotices, givenUp, replies, route, settle, fromIrc, outbox, key: (nick: string) => pmKey(network.id, ALICE, fold(nick)) };
}

export function invite(ghost: string, roomId = DM, sender = ALICE): MatrixEvent {
  return { type: "m.room.member", room_id: roomId, sender, state_key: ghost, event_id: `$invite-${ghost}-${roomId}`, content: { membership: "invite", is_direct: true } };
}

export function member(target: string, membership: string, sender = target, roomId = DM): MatrixEvent {
  return { type: "m.room.member", room_id: roomId, sender, state_key: target, content: { membership } };
}

let eventIds = 0;
export function text(sender: string, body: string, roomId = DM, msgtype = "m.text"): MatrixEvent {
  return { type: "m.room.message", room_id: roomId, sender, event_id: `$text${++eventIds}`, content: { msgtype, body } };
}

export { until } from "./until";
