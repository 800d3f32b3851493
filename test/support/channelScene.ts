import { FakeLinks } from "./fakeLinks";
import { NO_NICKS } from "../../src/format/nickDirectory";
import { MessageLog } from "../../src/rooms/messageLog";
import { FakeUpgrades } from "./fakeUpgrades";
import { ChannelOrder } from "../../src/fromMatrix/channelOrder";
import type { MatrixContext } from "../../src/fromMatrix/context";
import { ENCRYPTED_NOTICE_EVERY_MS } from "../../src/fromMatrix/encrypted";
import { routeMatrixEvent } from "../../src/fromMatrix/router";
import { deliverMessage, isBridged } from "../../src/fromIrc/deliverMessage";
import type { ConnectGate } from "../../src/irc/connection";
import type { MatrixEvent } from "../../src/matrix/events";
import { Ghosts } from "../../src/matrix/ghosts";
import { createMetrics } from "../../src/observability/metrics";
import { PuppetRegistry } from "../../src/puppets/puppetRegistry";
import { channelEcho } from "../../src/rooms/channelEcho";
import { NoticeCooldown } from "../../src/rooms/noticeCooldown";
import { PendingSends, type PendingSend } from "../../src/rooms/pendingSends";
import { RoomIndex } from "../../src/rooms/roomIndex";
import { RoomQueues } from "../../src/rooms/roomQueues";
import { openNedbStore } from "../../src/store/nedbStore";
import type { RoomRecord } from "../../src/store/store";
import { SendJournal } from "../../src/store/sendJournal";
import { RecentIds } from "../../src/util/recentIds";
import { allowEveryone } from "../../src/access/accessPolicy";
import { FakeClock } from "./fakeClock";
import { NO_ACTORS, idleChanops } from "./fakeChanops";
import { FakeMatrixApi } from "./fakeMatrixApi";
import { noPrivateRooms } from "./noPrivateRooms";
import { openAccess } from "./openAccess";
import { fakeNetwork } from "./fakeNetwork";
import { silentLogger } from "./silentLogger";

export const BOT = "@ircbridge:example.org";
export const ALICE = "@alice:example.org";

export interface ChannelSceneOptions {
  /** A (fake) IRC server on 127.0.0.1 the users' connections really connect to. Without it they never connect. */
  readonly ircPort?: number;
  /** The rooms bridged to channels (network "testnet"). */
  readonly rooms: readonly Omit<RoomRecord, "network">[];
}

/**
 * Channel rooms wired as app.ts wires them, Matrix -> IRC and the copies into a channel's other
 * rooms: the Matrix router and its context, the users' connections (real, to `ircPort`), the IRC ->
 * Matrix pending sends delivering as ghosts to a fake homeserver. Bot notices are recorded in `notices`.
 */
export async function channelScene(options: ChannelSceneOptions) {
  const network = options.ircPort === undefined ? fakeNetwork() : fakeNetwork(`, port: ${options.ircPort}, tls: false, sendPacing: { burstLines: 100 }`, "127.0.0.1");
  const store = await openNedbStore(undefined);
  const rooms = new RoomIndex(store.rooms);
  for (const room of options.rooms) await rooms.add({ ...room, network: network.id });
  const api = new FakeMatrixApi();
  const clock = new FakeClock();
  const log = silentLogger();
  const metrics = createMetrics();
  const queues = new RoomQueues({ onGiveUp: () => undefined, onRetry: () => undefined }, clock);
  const ghosts = new Ghosts(api, BOT);
  const messages = new MessageLog();
  const gate: ConnectGate = { request: (_id, request) => request.go(), cancel: () => undefined, report: () => undefined, holdReason: undefined };
  const puppets = new PuppetRegistry({
    network,
    store: store.puppets,
    identity: () => (options.ircPort === undefined ? new Promise(() => undefined) : Promise.resolve({ nick: "alice", username: "alice" })),
    attach: () => undefined,
    clock,
    log,
    gate,
    dropped: () => undefined,
    access: allowEveryone,
  });
  const sends = new PendingSends({
    journal: new SendJournal<PendingSend>(undefined, "test"),
    queues,
    deliver: (send) => deliverMessage(send, { ghosts, api, metrics, messages, markDelivered: () => undefined, bridged: (s) => isBridged(rooms, [network], s), ghostDisplayname: (s) => network.ids.ghostDisplayname(s.nick) }),
    notice: () => undefined,
    maxPerRoom: 1000,
    depth: () => undefined,
    dropped: () => undefined,
  });
  const order = new ChannelOrder(10, network.maxOrderHoldMs, clock);
  const notices: string[] = [];
  const writes: Promise<void>[] = [];
  const seen = new RecentIds(1000);
  let seq = 0;
  const ctx: MatrixContext = {
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
    pms: noPrivateRooms(),
    isBridgeUser: (userId) => userId === BOT || network.ids.nickOfGhost(userId) !== undefined,
    notice: (roomId, text) => notices.push(`${roomId} ${text}`),
    persist: () => undefined,
    forgetGhost: (roomId, userId) => ghosts.forget(roomId, userId),
    acceptInvite: () => undefined,
    outbox: store.outbox,
    messages,
    fetchEvent: () => Promise.resolve(undefined),
    keep: (write) => writes.push(write),
    seenBefore: (eventId) => seen.checkAndAdd(eventId),
    nextSeq: () => ++seq,
    now: () => clock.now(),
    encryptedNotices: new NoticeCooldown(ENCRYPTED_NOTICE_EVERY_MS),
    echoToOtherRooms: channelEcho({ rooms, networks: [network], sends, nicks: () => NO_NICKS }),
  };
  /** Lets every queue run dry (sends follow outbox writes, copies follow IRC's echo). */
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
  /** The undeliverable counter's value for one reason. */
  const undeliverable = async (reason: string) => {
    const metric = await metrics.undeliverable.get();
    return metric.values.filter((v) => v.labels.reason === reason).reduce((sum, v) => sum + v.value, 0);
  };
  return { network, store, rooms, api, clock, queues, sends, ghosts, puppets, order, ctx, messages, notices, route, settle, undeliverable };
}

let eventIds = 0;
export function text(sender: string, body: string, roomId: string, eventId = `$text${++eventIds}`): MatrixEvent {
  return { type: "m.room.message", room_id: roomId, sender, event_id: eventId, content: { msgtype: "m.text", body } };
}

export function encrypted(sender: string, roomId: string): MatrixEvent {
  return {
    type: "m.room.encrypted",
    room_id: roomId,
    sender,
    event_id: `$enc${++eventIds}`,
    content: { algorithm: "m.megolm.v1.aes-sha2", ciphertext: "AwgAEnA...", sender_key: "k", session_id: "s", device_id: "D" },
  };
}

export function encryptionOn(sender: string, roomId: string, before?: Record<string, unknown>): MatrixEvent {
  return {
    type: "m.room.encryption",
    room_id: roomId,
    sender,
    state_key: "",
    event_id: `$encon${++eventIds}`,
    content: { algorithm: "m.megolm.v1.aes-sha2" },
    ...(before === undefined ? {} : { unsigned: { prev_content: before } }),
  };
}
