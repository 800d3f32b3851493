import { Ghosts } from "../../src/matrix/ghosts";
import { allowEveryone } from "../../src/access/accessPolicy";
import { MatrixApiError } from "../../src/matrix/matrixApi";
import { BotInbox } from "../../src/provisioning/botInbox";
import type { ChannelBot } from "../../src/provisioning/channelBot";
import { ConsentDesk } from "../../src/provisioning/consent";
import type { ProvisioningDeps, ProvisioningNetwork, ProvisioningSettings } from "../../src/provisioning/deps";
import { LinkService } from "../../src/provisioning/linkService";
import { RoomQueues } from "../../src/rooms/roomQueues";
import { openNedbStore } from "../../src/store/nedbStore";
import { FakeClock } from "./fakeClock";
import { FakeMatrixApi } from "./fakeMatrixApi";
import { silentLogger } from "./silentLogger";
import { testNetworkBridge, testNetworkContext } from "./testNetworkBridge";

export const BOT = "@ircbot:example.org";
export const ROOM = "!community:example.org";
export const MOD = "@mod:example.org";
export const MEMBER = "@member:example.org";

/** A room the bot can read only once it joined; `closed` rooms it cannot join (not invited). */
export class RoomApi extends FakeMatrixApi {
  readonly outside = new Set<string>();
  readonly closed = new Set<string>();

  override getState(roomId: string, as: string, type: string, stateKey = ""): Promise<Record<string, unknown> | undefined> {
    if (as === BOT && this.outside.has(roomId)) return Promise.reject(new MatrixApiError(403, "M_FORBIDDEN", "not in room"));
    return super.getState(roomId, as, type, stateKey);
  }

  override async join(roomIdOrAlias: string, as: string): Promise<string> {
    if (this.closed.has(roomIdOrAlias)) throw new MatrixApiError(403, "M_FORBIDDEN", "not invited");
    const roomId = await super.join(roomIdOrAlias, as);
    if (as === BOT) this.outside.delete(roomIdOrAlias);
    return roomId;
  }
}

/** The network's IRC bot: `ops` per channel (as the server would list them), what it said in `told`. */
export class FakeChannelBot implements ChannelBot {
  readonly nick = "matrixbridge";
  readonly ops = new Map<string, string[]>();
  readonly told: { readonly nick: string; readonly text: string }[] = [];
  readonly asked: string[] = [];
  readonly same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

  operators(channel: string): Promise<readonly string[]> {
    this.asked.push(channel);
    return Promise.resolve(this.ops.get(channel.toLowerCase()) ?? []);
  }

  tell(nick: string, text: string): boolean {
    this.told.push({ nick, text });
    return true;
  }
}

export const SETTINGS: ProvisioningSettings = {
  enabled: true,
  secret: "s3cret",
  requestTimeoutSeconds: 60,
  maxPendingPerChannel: 1,
  maxPendingPerUser: 2,
  roomLimit: undefined,
  requestsPerMinute: 100,
  unlinkGhostsLeave: true,
  openId: { disallowedIpRanges: [], overrides: {}, sessionLifetimeSeconds: 3600 },
};

/**
 * A LinkService over fakes: network "testnet" (address 127.0.0.1) whose bot sees "Op" operating
 * #chan; ROOM has MOD at 50 (enough to change power levels: 50), MEMBER at 0, the bot at 100, and
 * the bot already in it. Answers to the bot come through `answer`.
 */
export async function provisioningScene(settings: Partial<ProvisioningSettings> = {}, opts: { readonly withBot?: boolean } = {}) {
  const store = await openNedbStore(undefined);
  const api = new RoomApi();
  const network = testNetworkContext(1);
  const { bridge, rooms } = testNetworkBridge({ network, store, api, botUserId: BOT });
  const net: ProvisioningNetwork = {
    network,
    bot: () => undefined,
    puppets: bridge.puppets,
    roster: bridge.feed.roster,
    fold: (n) => bridge.feed.fold(n),
    botBelongsIn: (room) => room.network === network.id && room.origin !== "portal",
  };
  const bot = new FakeChannelBot();
  bot.ops.set("#chan", ["Op", "Other"]);
  api.given(ROOM, "m.room.power_levels", { users: { [BOT]: 100, [MOD]: 50 }, users_default: 0, state_default: 50, kick: 50, events: { "m.room.power_levels": 50 } });
  const clock = new FakeClock();
  const unhandled: string[] = [];
  const inbox = new BotInbox((m) => unhandled.push(`${m.from.nick} ${m.text}`));
  const all = { ...SETTINGS, ...settings };
  const consents = new ConsentDesk(clock, { maxPerChannel: all.maxPendingPerChannel, maxPerUser: all.maxPendingPerUser, timeoutMs: all.requestTimeoutSeconds * 1000 }, inbox);
  const notices: string[] = [];
  const deps: ProvisioningDeps = {
    bridgeId: "ircbridge",
    botUserId: BOT,
    api,
    rooms,
    networks: new Map([[network.id, net]]),
    inbox,
    channelBot: () => (opts.withBot === false ? undefined : bot),
    consents,
    ghosts: new Ghosts(api, BOT),
    queues: new RoomQueues({ onGiveUp: () => undefined, onRetry: () => undefined }, clock),
    access: allowEveryone,
    isAdmin: () => false,
    isPrivateRoom: () => false,
    notice: (roomId, text) => notices.push(`${roomId} ${text}`),
    settings: all,
    clock,
    log: silentLogger(),
  };
  const links = new LinkService(deps);
  const answer = (nick: string, text: string) => inbox.heard({ networkId: network.id, from: { nick, account: undefined }, text, reply: () => undefined });
  /** Waits (a few turns of the event loop) until the bot has asked `n` questions. */
  const asked = async (n = 1) => {
    for (let i = 0; i < 200 && bot.told.filter((t) => t.text.includes("has requested")).length < n; i++) await new Promise((r) => setImmediate(r));
    if (bot.told.filter((t) => t.text.includes("has requested")).length < n) throw new Error(`the bot asked ${bot.told.length} question(s), not ${n}`);
  };
  return { api, bot, clock, consents, deps, links, rooms, inbox, notices, answer, asked, unhandled, network };
}
