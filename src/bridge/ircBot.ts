/**
 * The bridge bot's own IRC connection on one network (bot.enabled). It is the room's custodian on
 * IRC: it joins every channel bridged on the network, is the preferred reader of their traffic,
 * and, where a channel operator opped it, kicks, bans and gives modes for Matrix moderators who
 * are not operators on IRC themselves (fromMatrix/chanops.ts).
 *
 * Guarantees: one connection per network, opened through the network's connect scheduler like the
 * users' (and ahead of them); in every channel bridged when it starts and in each one bridged
 * later, rejoined after every reconnect. Not guaranteed: that it is opped (that is the channel
 * operators' choice), nor that it rejoins a channel it was kicked from.
 */
import type { ReadPauses } from "../irc/readPauses";
import type { ChannelKeyBook, ConnectGate } from "../irc/connection";
import { IrcConnection } from "../irc/connection";
import type { NetworkContext } from "../irc/networkContext";
import type { Clock } from "../irc/pacedQueue";
import type { Logger } from "../observability/logger";

/** The bot's ident (short enough for any server's USERLEN). */
export const BOT_USERNAME = "matrixbot";

export interface IrcBotDeps {
  readonly network: NetworkContext;
  /** The bot's Matrix user id: its realname on IRC. */
  readonly botUserId: string;
  /** The network's connect scheduler. */
  readonly gate: ConnectGate;
  /** The bot's own channel keys (heard in the channel, and the mappings' configured keys). */
  readonly keys: ChannelKeyBook;
  readonly clock: Clock;
  readonly log: Logger;
  /** The channels bridged on the network now. */
  readonly channels: () => readonly string[];
  /** Wires the connection's events (the event feed, as preferred reader) before it connects. */
  readonly attach: (connection: IrcConnection) => void;
  /** The network's pauses for connections that hear only copies (irc/readPauses.ts). */
  readonly readPauses?: ReadPauses;
}

export class IrcBot {
  readonly connection: IrcConnection;

  constructor(private readonly deps: IrcBotDeps) {
    const { network, log } = deps;
    this.connection = new IrcConnection({
      id: `${network.id}/bot`,
      server: network.server,
      realname: deps.botUserId,
      pacing: network.pacing,
      keepalive: network.keepalive,
      readPauses: deps.readPauses,
      reconnect: network.reconnect,
      gate: deps.gate,
      priority: () => Number.MAX_SAFE_INTEGER,
      clock: deps.clock,
      keys: deps.keys,
    });
    deps.attach(this.connection);
    this.connection.on("registered", (nick, note, again) => log.info(again ? "the IRC bot reconnected" : "the IRC bot connected", { network: network.id, nick, ...(note === undefined ? {} : { why: note }) }));
    this.connection.on("closed", (e) => log.warn("the IRC bot's connection closed", { network: network.id, reason: e.reason, reconnecting: e.willReconnect }));
    this.connection.on("loggedIn", (account, via) => log.info("the IRC bot logged in", { network: network.id, account, via }));
    this.connection.on("loginFailed", (reason) =>
      log.error("the IRC bot could not log in to its account: check ircNetworks[].bot.account and bot.password", { network: network.id, account: network.bot.auth?.account, reason }),
    );
    this.connection.on("kick", (e) => {
      if (this.connection.same(e.nick, this.connection.nick)) log.warn("the IRC bot was kicked from a channel", { network: network.id, channel: e.channel, by: e.by, reason: e.reason });
    });
  }

  /** Connects and joins every bridged channel. */
  start(): void {
    this.connection.start({ nick: this.deps.network.bot.nick, username: BOT_USERNAME, auth: this.deps.network.bot.auth });
    for (const channel of this.deps.channels()) this.join(channel);
  }

  /** A channel was bridged: the bot joins it, unless it is in it already. */
  join(channel: string): void {
    if (this.connection.isClosed) return;
    const { channels } = this.deps.network;
    const folded = channels.fold(channel);
    if (this.connection.channelNames.some((c) => channels.fold(c) === folded)) return;
    this.connection.join(channel);
  }

  /** Closes the bot's connection; resolves once the server closed its socket (IrcConnection.whenGone). */
  stop(reason: string): Promise<void> {
    this.connection.close(reason);
    return this.connection.whenGone();
  }
}
