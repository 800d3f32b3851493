import { ConsentDesk } from "../../src/provisioning/consent";
import { SETTINGS } from "./provisioningScene";
import { allowEveryone } from "../../src/access/accessPolicy";
import { modeSpec } from "../../src/irc/modes";
import { Ghosts } from "../../src/matrix/ghosts";
import { BotInbox } from "../../src/provisioning/botInbox";
import type { ProvisioningDeps, ProvisioningNetwork } from "../../src/provisioning/deps";
import { LinkService } from "../../src/provisioning/linkService";
import { ChannelRoster } from "../../src/rooms/channelRoster";
import { RoomIndex } from "../../src/rooms/roomIndex";
import { RoomQueues } from "../../src/rooms/roomQueues";
import { openNedbStore } from "../../src/store/nedbStore";
import type { RoomRecord } from "../../src/store/store";
import { FakeClock } from "./fakeClock";
import { FakeMatrixApi } from "./fakeMatrixApi";
import { fakeNetwork } from "./fakeNetwork";
import { silentLogger } from "./silentLogger";
import { testPuppets } from "./testPuppets";

export const BOT = "@ircbot:example.org";
export const ADMIN = "@admin:example.org";
export const ALICE = "@alice:example.org";
export const BOB = "@bob:example.org";
export const CAROL = "@carol:example.org";
export const LINKED = "!linked:example.org";
export const PORTAL = "!portal:example.org";
export const MAPPED = "!mapped:example.org";

/**
 * Provisioning over fakes, for unlink: #chan is bridged to a linked room (Alice, Bob, the ghost of
 * IRC user "ian" and the bot are in it) and to a portal room (Bob and the bot); #map is mapped.
 * Alice, Bob and Carol have connections in #chan (Carol by !join: she is in no room); "op" is an
 * operator of #chan, "ian" is not. Connections never connect (testPuppets): a PART shows as the
 * channel gone from `channelNames`. The bot's connection is a fourth such connection.
 */
export async function unlinkScene(options: { readonly ghostsLeave?: boolean; readonly extraLinked?: boolean } = {}) {
  const network = fakeNetwork();
  const fold = (name: string) => network.channels.fold(name);
  const store = await openNedbStore(undefined);
  const rooms = new RoomIndex(store.rooms);
  const record = (roomId: string, channel: string, origin: RoomRecord["origin"]): RoomRecord => ({ roomId, network: network.id, channel, folded: fold(channel), origin });
  await rooms.add(record(LINKED, "#Chan", "linked"));
  await rooms.add(record(PORTAL, "#chan", "portal"));
  await rooms.add(record(MAPPED, "#map", "mapped"));
  const api = new FakeMatrixApi();
  const ian = network.ids.ghostUserId("ian");
  api.members.set(LINKED, [BOT, ALICE, BOB, ian]);
  api.members.set(PORTAL, [BOT, BOB]);
  for (const room of [LINKED, PORTAL, MAPPED]) {
    api.given(room, "m.room.power_levels", { users: { [BOT]: 100, [ALICE]: 100, [BOB]: 50 }, users_default: 0, events: { "m.room.power_levels": 100 }, state_default: 50 });
  }
  for (const alias of [network.ids.portalAlias("#chan"), "#elsewhere:example.org"]) api.aliasTable.set(alias, PORTAL);
  const clock = new FakeClock();
  const puppets = testPuppets(network, store.puppets, clock);
  for (const userId of [ALICE, BOB, CAROL]) {
    const ensured = puppets.ensure(userId);
    if (!ensured.ok) throw new Error(ensured.reason);
    ensured.connection.join("#chan");
    const nick = userId.slice(1, userId.indexOf(":"));
    await store.puppets.put({ network: network.id, userId, nick, username: nick, channels: ["#chan"], nickNote: undefined });
  }
  const botRegistry = testPuppets(network, store.puppets, clock);
  const bot = botRegistry.ensure(BOT);
  if (!bot.ok) throw new Error(bot.reason);
  bot.connection.join("#chan");
  const roster = new ChannelRoster(fold);
  roster.setPrefix(modeSpec("(ov)@+", undefined).prefix);
  roster.names("#chan", [
    { nick: "op", modes: ["o"] },
    { nick: "ian", modes: [] },
  ]);
  const givenUp: string[] = [];
  const queues = new RoomQueues({ onGiveUp: (roomId, op) => givenUp.push(`${roomId} ${op.what}`), onRetry: () => undefined }, clock);
  const notices: string[] = [];
  const net: ProvisioningNetwork = {
    network,
    bot: () => bot.connection,
    puppets,
    roster,
    fold,
    botBelongsIn: (room) => room.network === network.id && room.origin !== "portal",
  };
  const inbox = new BotInbox();
  const deps: ProvisioningDeps = {
    bridgeId: "ircbridge",
    botUserId: BOT,
    api,
    rooms,
    networks: new Map([[network.id, net]]),
    inbox,
    channelBot: () => undefined,
    consents: new ConsentDesk(clock, { maxPerChannel: 1, maxPerUser: 1, timeoutMs: 1000 }, inbox),
    queues,
    ghosts: new Ghosts(api, BOT),
    access: allowEveryone,
    isAdmin: (userId) => userId === ADMIN,
    isPrivateRoom: () => false,
    notice: (roomId, text) => {
      notices.push(`${roomId} ${text}`);
      queues.enqueue(roomId, { what: "notice", run: () => Promise.resolve() });
    },
    settings: { ...SETTINGS, enabled: false, unlinkGhostsLeave: options.ghostsLeave ?? true },
    clock,
    log: silentLogger(),
  };
  const links = new LinkService(deps);
  const channelsOf = (userId: string) => puppets.get(userId)?.channelNames ?? [];
  const close = () => {
    void puppets.closeAll("test over");
    void botRegistry.closeAll("test over");
  };
  return { network, store, rooms, api, puppets, bot: bot.connection, roster, queues, notices, deps, links, ian, channelsOf, givenUp, close };
}
