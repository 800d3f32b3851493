import type { NetworkFeed } from "../broker/networkFeed";
import type { IrcContext, PuppetInChannel } from "../fromIrc/context";
import { SplitDebouncer } from "../fromIrc/splitDebouncer";
import type { NickDirectory } from "../format/nickDirectory";
import { PmGuard } from "../pms/pmGuard";
import { Removals } from "../rooms/removals";
import type { NetworkBridgeDeps } from "./networkBridge";

/** What the IRC handlers' context reads from its NetworkBridge (late-bound: the puppets come after). */
export interface BridgeParts {
  readonly feed: NetworkFeed;
  readonly nicks: NickDirectory;
  /** The Matrix user whose connection holds this nick on the server now (not the bot's). */
  userOfNick(nick: string): string | undefined;
  /** The users whose connection is in the channel or rejoining it, with their nick and hostmask. */
  puppetsIn(channel: string): readonly PuppetInChannel[];
  busy(userId: string): void;
  markDelivered(channel: string, time: number | undefined, msgid: string | undefined): void;
  keyHeard(channel: string, key: string | undefined): void;
}

/** The context every IRC -> Matrix handler of one network receives (fromIrc/context.ts). */
export function ircContextOf(deps: NetworkBridgeDeps, parts: BridgeParts): IrcContext {
  const { network } = deps;
  const { feed } = parts;
  return {
    network,
    rooms: deps.rooms,
    queues: deps.queues,
    sends: deps.sends,
    messages: deps.messages,
    nicks: parts.nicks,
    ghosts: deps.ghosts,
    api: deps.api,
    botUserId: deps.botUserId,
    log: deps.log,
    metrics: deps.metrics,
    topics: new Map(),
    splits: new SplitDebouncer(network.netsplitDebounceMs, deps.clock),
    isOurs: (nick) => feed.isOurs(nick),
    userOfNick: (nick) => parts.userOfNick(nick),
    fold: (name) => feed.fold(name),
    markDelivered: (channel, time, msgid) => parts.markDelivered(channel, time, msgid),
    pms: deps.pms,
    pmGuard: new PmGuard(network.privateMessages, deps.clock),
    busy: (userId) => parts.busy(userId),
    roster: feed.roster,
    access: deps.access,
    notice: deps.notice,
    removals: new Removals({ api: deps.api, queues: deps.queues, botUserId: deps.botUserId }),
    puppetsIn: (channel) => parts.puppetsIn(channel),
    channelKey: (channel, key) => parts.keyHeard(channel, key),
  };
}
