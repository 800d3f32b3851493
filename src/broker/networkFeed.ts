/**
 * Feeds one network's connections into the event broker: every channel event a connection hears is
 * reported with its dedupe key; a connection's own JOIN/PART/KICK/disconnect makes it a member of the
 * channel's broker or not; QUIT and NICK (which name no channel) become one event per channel the
 * nick was in. It also keeps the IRC side of each channel in its roster (members with their prefix
 * modes, and the channel's modes; see channelRoster.ts), updated as events are delivered, so exactly
 * once and in order, from one NAMES snapshot (the first after entering the channel, later only the
 * reader's: each joining puppet hears the whole list, and reading it would make a join cost a pass
 * over every member), and forgotten when the bridge has no connection left in the channel; which
 * nicks are the bridge's own connections; and what the server said about the accounts of the nicks
 * in those channels (accountBook.ts). Plumbing only: what an event means for Matrix is decided by
 * the fromIrc handlers it delivers to.
 */
import { AccountBook } from "./accountBook";
import { OwnNicks } from "./ownNicks";
import { ChannelBroker } from "./channelBroker";
import { dedupeKey, msgidKey, type ChannelEvent } from "./channelEvent";
import type { ConnectionEvents, IrcConnection } from "../irc/connection";
import type { ChannelModesEvent, MessageEvent, NamesEvent } from "../irc/events";
import { RESUMED_TAG } from "../irc/events";
import type { NetworkContext } from "../irc/networkContext";
import type { Clock } from "../irc/pacedQueue";
import { ChannelRoster } from "../rooms/channelRoster";
import type { HandlerTable } from "../util/typedEmitter";

/** Events replayed from chathistory are handled by the gap filler; other batches (netsplits) are live. */
function fromHistory(batch: string | undefined): boolean {
  return batch !== undefined && /chathistory/.test(batch);
}

export interface Delivered {
  readonly key: string;
  readonly ev: ChannelEvent;
}

export interface FeedHooks {
  deliver(item: Delivered): void;
  names(connection: IrcConnection, e: NamesEvent): void;
  /** The channel's modes as a connection asked for them (the roster already has them). */
  channelModes(connection: IrcConnection, e: ChannelModesEvent): void;
  /** The bridge has no connection left in the channel (the roster forgot it). */
  channelEmpty(channel: string): void;
  /** A message or notice addressed to the connection itself (not to a channel). */
  privateMessage(connection: IrcConnection, e: MessageEvent): void;
  /** `resumed`: a connection process replayed the JOIN after a bridge restart (the connection never left). */
  selfJoined(connection: IrcConnection, channel: string, resumed: boolean): void;
  handover(channel: string): void;
  duplicate(channel: string): void;
}

/** The connection events a feed listens to. */
const FEED_EVENTS = ["registered", "isupport", "message", "tagmsg", "redact", "join", "part", "kick", "account", "quit", "nick", "topic", "mode", "names", "channelModes", "closed"] as const;

/** An attached connection, as the feed's handlers get it with each of its events. */
interface FeedLink {
  readonly connection: IrcConnection;
  /** The IRC bot's connection. */
  readonly preferred: boolean;
}

export class NetworkFeed {
  readonly broker: ChannelBroker<Delivered>;
  /** Members and modes of each channel, as delivered. */
  readonly roster: ChannelRoster;
  /** Our own connections' nicks (folded) <-> connection ids. */
  private readonly ours = new OwnNicks();
  /** Channels whose deliveries wait while their history is fetched, so older events come first. */
  private readonly held = new Map<string, Delivered[]>();
  private readonly accounts = new AccountBook();

  constructor(
    private readonly network: NetworkContext,
    private readonly hooks: FeedHooks,
    private readonly clock: Clock,
    settings: { readonly windowMs: number; readonly graceMs: number },
  ) {
    this.roster = new ChannelRoster((name) => this.fold(name));
    this.broker = new ChannelBroker<Delivered>(
      settings,
      {
        deliver: (channel, item) => {
          // Membership follows what was delivered at once, even while the effects are held, so a
          // QUIT or NICK heard meanwhile still finds the channels the nick is in.
          this.track(item.ev);
          const waiting = this.held.get(channel);
          if (waiting !== undefined) {
            waiting.push(item);
            return;
          }
          hooks.deliver(item);
        },
        onHandover: (channel) => hooks.handover(channel),
        onDuplicate: (channel) => hooks.duplicate(channel),
      },
      clock,
    );
  }

  fold(name: string): string {
    return this.network.channels.fold(name);
  }

  isOurs(nick: string): boolean {
    return this.ours.has(this.fold(nick));
  }

  /** The id of our connection that has this nick on the server, if one has. */
  ownerOf(nick: string): string | undefined {
    return this.ours.ownerOf(this.fold(nick));
  }

  /**
   * The account of a nick in one of the bridge's channels, as the server said (extended-join,
   * account-notify): null when it has none, undefined when the server said nothing.
   */
  accountOf(nick: string): string | null | undefined {
    return this.accounts.get(this.fold(nick));
  }

  membersOf(channel: string): ReadonlySet<string> {
    return this.roster.members(channel);
  }

  /**
   * Whether a connection that is not the channel's reader may skip a line it heard: the broker holds
   * the event with this msgid already (dedupeKey's key for a line with a msgid), delivered or waiting
   * for the reader, so the copy would change nothing (channelBroker.ts: `heard` ignores a known key
   * from a non-reader; see irc/heardElsewhere.ts).
   */
  heardElsewhere(connectionId: string, channel: string, msgid: string): boolean {
    const folded = this.fold(channel);
    return this.broker.readerOf(folded) !== connectionId && this.broker.known(folded, msgidKey(msgid));
  }

  /**
   * Whether a connection's NAMES of a channel would be dropped (the `names` handler below): it is in
   * the channel, the roster has the channel's members already, and it is not the channel's reader.
   * Such a reply is skipped unread (irc/namesReplies.ts).
   */
  namesElsewhere(connectionId: string, channel: string): boolean {
    const folded = this.fold(channel);
    return this.broker.isMember(folded, connectionId) && this.namesFromElsewhere(folded, connectionId);
  }

  /** The roster has the channel's members, and this connection is not its reader: its NAMES add nothing. */
  private namesFromElsewhere(folded: string, connectionId: string): boolean {
    return this.roster.namesKnown(folded) && this.broker.readerOf(folded) !== connectionId;
  }

  /** Holds the channel's deliveries (its history is being fetched). */
  hold(channel: string): void {
    const folded = this.fold(channel);
    if (!this.held.has(folded)) this.held.set(folded, []);
  }

  /** Delivers `first` (the fetched history, through the broker), then what was held meanwhile. */
  release(channel: string, first: () => void): void {
    const folded = this.fold(channel);
    const waiting = this.held.get(folded);
    this.held.delete(folded);
    first();
    for (const item of waiting ?? []) this.hooks.deliver(item);
  }

  /** Reports an event that did not come from a live connection (history fetched after a gap). */
  replay(connectionId: string, ev: ChannelEvent): void {
    this.hear(connectionId, ev);
  }

  /** Feeds a connection's events into the broker: one subscription per connection to the feed's one table of handlers (linkEvents). */
  attach(connection: IrcConnection, preferred: boolean): void {
    connection.subscribe(this.linkEvents, { connection, preferred }, FEED_EVENTS);
  }

  /** Reports a channel event a connection heard (or replayed), with its dedupe key; returns the key. */
  private hear(id: string, ev: ChannelEvent): string {
    const key = dedupeKey(ev, this.clock.now());
    this.broker.heard(this.fold(ev.channel), id, key, { key, ev });
    return key;
  }

  private isSelf(connection: IrcConnection, nick: string): boolean {
    return this.fold(nick) === this.fold(connection.nick);
  }

  /** What the feed does with each event of an attached connection: built once per feed, where a listener per event and connection was 18 closures (about 1.1 KiB) per connection. */
  private readonly linkEvents: HandlerTable<ConnectionEvents, (typeof FEED_EVENTS)[number], FeedLink> = {
    registered: ({ connection }, nick) => this.ours.set(connection.id, this.fold(nick)),
    isupport: ({ connection }) => {
      // The nick was recorded at 001 with the default casemapping; 005 may bring another.
      this.network.channels.setCasemapping(connection.casemapping);
      this.network.nickLimits.learn((name) => connection.isupport(name));
      this.roster.setPrefix(connection.modeSpec.prefix);
      // Only this connection's own key is re-folded (it was stored under one key: no pass over every nick).
      if (connection.isRegistered) this.ours.set(connection.id, this.fold(connection.nick));
      else this.ours.drop(connection.id);
    },
    message: ({ connection }, e) => {
      if (fromHistory(e.batch)) return;
      // A message to "@#chan" (ops only) must not reach the whole Matrix room.
      if (e.group !== undefined) return;
      if (/^[#&!+]/.test(e.target)) this.hear(connection.id, { type: "message", channel: e.target, e });
      else this.hooks.privateMessage(connection, e);
    },
    // Reactions and typing (TAGMSG) and deletions (REDACT) in a channel, exactly once like messages.
    tagmsg: ({ connection }, e) => {
      if (!fromHistory(e.batch) && /^[#&!+]/.test(e.target)) this.hear(connection.id, { type: "tagmsg", channel: e.target, e });
    },
    redact: ({ connection }, e) => {
      if (!fromHistory(e.batch) && /^[#&!+]/.test(e.target)) this.hear(connection.id, { type: "redact", channel: e.target, e });
    },
    join: ({ connection, preferred }, e) => {
      if (fromHistory(e.batch)) return;
      // Every member hears every JOIN: the nick is folded once for both uses.
      const nick = this.fold(e.nick);
      const mine = nick === this.fold(connection.nick);
      if (!mine && connection.hasCap("extended-join")) this.accounts.set(nick, e.account);
      const key = this.hear(connection.id, { type: "join", channel: e.channel, e });
      if (mine) {
        const resumed = e.tags[RESUMED_TAG] !== undefined;
        // Its stream of the channel starts at this JOIN (the broker's order guarantee); a JOIN a
        // connection process replayed was never on the wire now, and opens nothing.
        this.broker.join(this.fold(e.channel), connection.id, preferred, resumed ? undefined : key);
        this.hooks.selfJoined(connection, e.channel, resumed);
      }
    },
    part: ({ connection }, e) => {
      if (fromHistory(e.batch)) return;
      this.hear(connection.id, { type: "part", channel: e.channel, e });
      if (this.isSelf(connection, e.nick)) this.leave(e.channel, connection.id);
    },
    kick: ({ connection }, e) => {
      if (fromHistory(e.batch)) return;
      this.hear(connection.id, { type: "kick", channel: e.channel, e });
      if (this.isSelf(connection, e.nick)) {
        this.leave(e.channel, connection.id);
        connection.forget(e.channel);
      }
    },
    account: (_link, e) => this.accounts.set(this.fold(e.nick), e.account),
    quit: ({ connection }, e) => {
      if (fromHistory(e.batch)) return;
      this.accounts.forget(this.fold(e.nick));
      for (const channel of this.sharedChannels(connection.id, e.nick)) this.hear(connection.id, { type: "quit", channel, e });
    },
    nick: ({ connection }, e) => {
      if (fromHistory(e.batch)) return;
      this.accounts.rename(this.fold(e.nick), this.fold(e.newNick));
      for (const channel of this.sharedChannels(connection.id, e.nick)) this.hear(connection.id, { type: "nick", channel, e });
      this.ours.rename(connection.id, this.fold(e.nick), this.fold(e.newNick));
    },
    topic: ({ connection }, e) => {
      if (fromHistory(e.batch)) return;
      this.hear(connection.id, { type: "topic", channel: e.channel, e });
    },
    mode: ({ connection }, e) => {
      if (fromHistory(e.batch)) return;
      this.hear(connection.id, { type: "mode", channel: e.channel, e });
    },
    names: ({ connection }, e) => {
      const folded = this.fold(e.channel);
      // NAMES of a channel the connection is not in (a !cmd NAMES) says nothing about our rooms.
      if (!this.broker.isMember(folded, connection.id)) return;
      // One snapshot per channel: every connection that joins hears the whole member list, but once
      // the roster has one it follows the reader's delivered events; a later NAMES counts only from
      // the reader (its NAMES after a rejoin), so a join costs no pass over every member.
      if (this.namesFromElsewhere(folded, connection.id)) return;
      this.roster.names(e.channel, e.users);
      this.hooks.names(connection, e);
    },
    channelModes: ({ connection }, e) => {
      if (!this.broker.isMember(this.fold(e.channel), connection.id)) return;
      this.roster.channelModes(e.channel, e.changes);
      this.hooks.channelModes(connection, e);
    },
    closed: ({ connection }) => {
      const channels = this.broker.channelsOf(connection.id);
      for (const channel of channels) this.leave(channel, connection.id);
      this.ours.drop(connection.id);
    },
  };

  /** A connection left the channel; when it was the last of ours there, the roster forgets the channel. */
  private leave(channel: string, connectionId: string): void {
    const folded = this.fold(channel);
    if (!this.broker.isMember(folded, connectionId)) return;
    this.broker.leave(folded, connectionId);
    if (this.broker.readerOf(folded) !== undefined) return;
    this.roster.forget(folded);
    this.hooks.channelEmpty(folded);
  }

  /** Channels where both this connection and the nick are (a QUIT or NICK concerns those). */
  private sharedChannels(connectionId: string, nick: string): string[] {
    return this.broker.channelsOf(connectionId).filter((channel) => this.roster.has(channel, nick));
  }

  /** Keeps the roster in step with what was delivered; forgets the accounts of nicks seen nowhere. */
  private track(ev: ChannelEvent): void {
    trackInRoster(this.roster, ev);
    if (ev.type === "part" || ev.type === "quit" || ev.type === "kick") {
      const nick = ev.e.nick;
      if (!this.roster.inAnyChannel(nick)) this.accounts.forget(this.fold(nick));
    }
  }
}

/** What a delivered channel event changes in the channel's roster (members, prefixes, modes). */
export function trackInRoster(roster: ChannelRoster, ev: ChannelEvent): void {
  switch (ev.type) {
    case "join":
      roster.joined(ev.channel, ev.e.nick);
      break;
    case "part":
    case "quit":
    case "kick":
      roster.left(ev.channel, ev.e.nick);
      break;
    case "nick":
      roster.renamed(ev.channel, ev.e.nick, ev.e.newNick);
      break;
    case "mode":
      roster.mode(ev.channel, ev.e.changes);
      break;
    default:
      break;
  }
}
