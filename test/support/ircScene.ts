import { dedupeKey, type ChannelEvent } from "../../src/broker/channelEvent";
import { NO_NICKS } from "../../src/format/nickDirectory";
import { MessageLog } from "../../src/rooms/messageLog";
import { trackInRoster } from "../../src/broker/networkFeed";
import type { IrcContext, PuppetInChannel } from "../../src/fromIrc/context";
import { deliverMessage, isBridged } from "../../src/fromIrc/deliverMessage";
import { onNames } from "../../src/fromIrc/names";
import { routeIrcEvent } from "../../src/fromIrc/router";
import { SplitDebouncer } from "../../src/fromIrc/splitDebouncer";
import type { NamesEvent } from "../../src/irc/events";
import { modeSpec } from "../../src/irc/modes";
import { Ghosts } from "../../src/matrix/ghosts";
import { createMetrics } from "../../src/observability/metrics";
import { AccessRecords } from "../../src/rooms/accessRecords";
import { ChannelRoster } from "../../src/rooms/channelRoster";
import { PendingSends, type PendingSend } from "../../src/rooms/pendingSends";
import { PowerLevelSync } from "../../src/rooms/powerLevelSync";
import { RoomAccess } from "../../src/rooms/roomAccess";
import { RoomIndex } from "../../src/rooms/roomIndex";
import { RoomQueues } from "../../src/rooms/roomQueues";
import { Removals } from "../../src/rooms/removals";
import { openNedbStore } from "../../src/store/nedbStore";
import { SendJournal } from "../../src/store/sendJournal";
import { FakeClock } from "./fakeClock";
import { FakeMatrixApi } from "./fakeMatrixApi";
import { fakeNetwork } from "./fakeNetwork";
import { silentLogger } from "./silentLogger";
import { PmGuard } from "../../src/pms/pmGuard";

export const BOT = "@ircbot:example.org";
export const PORTAL = "!portal:example.org";
export const MAPPED = "!mapped:example.org";
export const ALICE = "@alice:example.org";
export const T = 1_700_000_000_000;
export const base = { tags: {}, time: T, batch: undefined };

/**
 * The IRC -> Matrix handlers wired as NetworkBridge wires them, against fakes: #chan is bridged to a
 * portal room and a mapped room; our connections are Alice's puppet "Alice[m]" (in #chan, host
 * matrix.example.org) and the IRC bot "matrixbridge". The server's PREFIX is (qaohv)~&@%+. Both
 * rooms start with the bot at 100, everyone else at 0, and a public join rule. `extra` goes into
 * the network's config (see fakeNetwork). Notices, marks and keys are recorded among the API calls.
 */
export async function ircScene(extra = "") {
  const network = fakeNetwork(extra);
  const store = await openNedbStore(undefined);
  const rooms = new RoomIndex(store.rooms);
  await rooms.add({ roomId: PORTAL, network: network.id, channel: "#chan", folded: "#chan", origin: "portal" });
  await rooms.add({ roomId: MAPPED, network: network.id, channel: "#Chan", folded: "#chan", origin: "mapped" });
  const api = new FakeMatrixApi();
  for (const room of [PORTAL, MAPPED]) {
    api.given(room, "m.room.power_levels", { users: { [BOT]: 100 }, users_default: 0, events_default: 0, state_default: 50 });
    api.given(room, "m.room.join_rules", { join_rule: "public" });
  }
  const clock = new FakeClock();
  const givenUp: string[] = [];
  const queues = new RoomQueues({ onGiveUp: (roomId, op) => givenUp.push(`${roomId} ${op.what}`), onRetry: () => undefined }, clock);
  const fold = (name: string) => network.channels.fold(name);
  const ours = new Set(["Alice[m]", "matrixbridge"].map(fold));
  const puppets = new Map([[fold("Alice[m]"), ALICE]]);
  const puppetsIn: PuppetInChannel[] = [{ userId: ALICE, nick: "Alice[m]", hostmask: "Alice[m]!alice@matrix.example.org" }];
  const metrics = createMetrics();
  const log = silentLogger();
  const ghosts = new Ghosts(api, BOT);
  const messages = new MessageLog();
  const sends = new PendingSends({
    journal: new SendJournal<PendingSend>(undefined, "test"),
    queues,
    deliver: (send) =>
      deliverMessage(send, { ghosts, api, metrics, messages, markDelivered: (s) => api.calls.push(`mark ${s.channel} ${String(s.ts)} ${String(s.msgid)}`), bridged: (s) => isBridged(rooms, [network], s), ghostDisplayname: (s) => network.ids.ghostDisplayname(s.nick) }),
    notice: (send, text) => api.calls.push(`notice ${send.roomId} ${text}`),
    maxPerRoom: 1000,
    depth: () => undefined,
    dropped: () => undefined,
  });
  const roster = new ChannelRoster(fold);
  roster.setPrefix(modeSpec("(qaohv)~&@%+", undefined).prefix);
  const records = new AccessRecords(store.roomAccess, log);
  const powerLevels = new PowerLevelSync({ api, queues, records, botUserId: BOT, clock, log });
  const access = new RoomAccess({ api, queues, records, powerLevels, botUserId: BOT });
  const keys = new Map<string, string>();
  const ctx: IrcContext = {
    network,
    rooms,
    queues,
    sends,
    messages,
    nicks: NO_NICKS,
    ghosts,
    api,
    botUserId: BOT,
    log,
    metrics,
    isOurs: (nick) => ours.has(fold(nick)),
    userOfNick: (nick) => puppets.get(fold(nick)),
    fold,
    markDelivered: (channel, time, msgid) => api.calls.push(`mark ${channel} ${String(time)} ${String(msgid)}`),
    topics: new Map(),
    splits: new SplitDebouncer(network.netsplitDebounceMs, clock),
    roster,
    access,
    notice: (roomId, text) => api.calls.push(`notice ${roomId} ${text}`),
    removals: new Removals({ api, queues, botUserId: BOT }),
    puppetsIn: () => puppetsIn,
    channelKey: (channel, key) => {
      if (key === undefined) keys.delete(fold(channel));
      else keys.set(fold(channel), key);
    },
    pms: { find: () => undefined, notice: () => undefined },
    pmGuard: new PmGuard(network.privateMessages, clock),
    busy: () => undefined,
  };
  /** Delivers the event as NetworkFeed does: the roster first, then the handler. */
  const route = (ev: ChannelEvent) => {
    trackInRoster(roster, ev);
    routeIrcEvent({ key: dedupeKey(ev, clock.now()), ev }, ctx);
  };
  /** Routes the events, waits for the room queues, and returns the API calls they made. */
  const run = async (...events: ChannelEvent[]) => {
    const from = api.calls.length;
    events.forEach(route);
    await queues.idle();
    return api.calls.slice(from);
  };
  /** Lets batched power-level writes go (the batch time passes) and waits for the queues. */
  const settle = async () => {
    const from = api.calls.length;
    await queues.idle();
    clock.advance(network.chanops.batchMs);
    await queues.idle();
    await records.flushed();
    return api.calls.slice(from);
  };
  /** A NAMES reply as NetworkFeed hands it over: the roster first, then the handler. */
  const names = (e: NamesEvent) => {
    roster.names(e.channel, e.users);
    onNames(e, ctx);
  };
  return { ctx, api, queues, clock, givenUp, route, run, settle, names, roster, records, keys, puppets, ours, puppetsIn, store, network };
}
