/**
 * Channel keys (+k), per connection: each Matrix user's puppet, and the IRC bot, has its own book.
 * A connection's own keys are those it was given (`!join #channel key`, accepted by the server) and
 * those it heard while in the channel (MODE +k, or the channel's modes read on joining). Apart from
 * those, a connection that joined from a static mapping's room with the mapping's configured key is
 * marked `viaMapping`: it rejoins with that key until it leaves the channel (PART, kick). The bot
 * joins mapped channels with their configured key.
 *
 * Guarantees:
 * - A connection joins or rejoins with its own keys only: never with a key another user gave or
 *   heard, and never with a mapping's key for a join that does not come from that mapping's room
 *   (a portal room of the same channel, a !join without a key).
 * - A key the server refused (475) is forgotten for that connection only.
 * - At rest a key is stored only sealed (PasswordSeal, AES-256-GCM, bound to network, user and
 *   channel: a record moved to another user or channel does not open). Without a key file
 *   (bridge.passwordKeyFile) keys live in memory only; the `viaMapping` marks (no secret) are
 *   stored either way. Records of older versions, one key shared by the whole network, are dropped
 *   at load (logged once, without keys): they must not be given to everyone.
 * - A key is never logged.
 * Not guaranteed: a key changed while the connection was not in the channel is not known, and its
 * join fails (the user is told the server's reason).
 */
import { errorText } from "../errors";
import type { ChannelKeyBook } from "../irc/connectionTypes";
import type { Logger } from "../observability/logger";
import { channelKeyContext, type PasswordSeal } from "../secrets/passwordSeal";
import type { ChannelKeyStore } from "../store/store";

/** The owner of the IRC bot's keys (no Matrix user id has this form). */
export const BOT_KEY_OWNER = "bot";

/** What a book needs of the network's channels: its casemapping, and the mappings' configured keys. */
export interface KeyedChannels {
  fold(channel: string): string;
  /** The key configured for the channel's static mapping, if any. */
  mappingKey(channel: string): string | undefined;
}

interface Entry {
  readonly own: string | undefined;
  readonly viaMapping: boolean;
}

export class ChannelKeys {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly store: ChannelKeyStore,
    private readonly seal: PasswordSeal | undefined,
    private readonly log: Logger,
  ) {}

  /** Whether keys survive a restart (a password key file is configured). */
  get persistent(): boolean {
    return this.seal !== undefined;
  }

  async load(): Promise<void> {
    const dropped = await this.store.removeNetworkWide();
    if (dropped > 0) this.log.warn("channel keys stored by an older version were shared by every connection of a network; they were dropped (users give theirs again with !join #channel key)", { dropped });
    for (const record of await this.store.all()) {
      if (record.user === undefined) continue;
      let own: string | undefined;
      if (record.sealedKey !== undefined && this.seal !== undefined) {
        try {
          own = this.seal.open(record.sealedKey, channelKeyContext(record.network, record.user, record.folded));
        } catch {
          this.log.warn("a stored channel key cannot be opened (was the password key file changed?)", { network: record.network, user: record.user, channel: record.folded });
        }
      }
      if (own !== undefined || record.viaMapping === true) this.entries.set(id(record.network, record.user, record.folded), { own, viaMapping: record.viaMapping === true });
    }
  }

  /** The connection's own key for a channel (folded), and whether it is in it for a mapping's room. */
  entry(network: string, user: string, folded: string): Entry {
    return this.entries.get(id(network, user, folded)) ?? { own: undefined, viaMapping: false };
  }

  /**
   * Whether any connection of the network knows a key of the channel (folded): the channel is +k,
   * so a portal for it starts closed. It says yes or no and gives no key away. O(keys known).
   */
  anyKnown(network: string, folded: string): boolean {
    for (const [key, entry] of this.entries) {
      if (entry.own !== undefined && key.startsWith(`${network}\0`) && key.endsWith(`\0${folded}`)) return true;
    }
    return false;
  }

  /** Changes what a connection knows about a channel (folded); stored when it changed. */
  update(network: string, user: string, folded: string, change: Partial<Entry>): void {
    const before = this.entry(network, user, folded);
    const after: Entry = { own: "own" in change ? change.own : before.own, viaMapping: change.viaMapping ?? before.viaMapping };
    if (after.own === before.own && after.viaMapping === before.viaMapping) return;
    const key = id(network, user, folded);
    if (after.own === undefined && !after.viaMapping) this.entries.delete(key);
    else this.entries.set(key, after);
    // Without a key file only the marks are stored: nothing to write when they did not change.
    if (this.seal === undefined && after.viaMapping === before.viaMapping) return;
    const sealedKey = after.own === undefined || this.seal === undefined ? undefined : this.seal.seal(after.own, channelKeyContext(network, user, folded));
    const write =
      sealedKey === undefined && !after.viaMapping
        ? this.store.remove(network, user, folded)
        : this.store.put({ network, user, folded, ...(sealedKey === undefined ? {} : { sealedKey }), ...(after.viaMapping ? { viaMapping: true } : {}) });
    write.catch((err: unknown) => this.log.error("cannot save a channel key", { network, user, channel: folded, error: errorText(err) }));
  }

  /**
   * A connection in the channel heard its key (MODE +k, or the modes read on joining; undefined:
   * -k or no key). The mapping's own key is no key of the connection: it marks it as in the
   * channel for the mapping (a user) or needs nothing (the bot joins mapped channels with it).
   */
  heard(network: string, user: string, channels: KeyedChannels, channel: string, key: string | undefined): void {
    const folded = channels.fold(channel);
    if (key !== undefined && key === channels.mappingKey(channel)) this.update(network, user, folded, { own: undefined, ...(user === BOT_KEY_OWNER ? {} : { viaMapping: true }) });
    else this.update(network, user, folded, { own: key });
  }

  /** The key book of one connection (`user`: a Matrix user id, or BOT_KEY_OWNER). */
  book(network: string, user: string, channels: KeyedChannels): ChannelKeyBook {
    const bot = user === BOT_KEY_OWNER;
    return {
      get: (channel) => {
        const { own, viaMapping } = this.entry(network, user, channels.fold(channel));
        return own ?? (bot || viaMapping ? channels.mappingKey(channel) : undefined);
      },
      accepted: (channel, key) => this.heard(network, user, channels, channel, key),
      refused: (channel) => this.update(network, user, channels.fold(channel), { own: undefined }),
      parted: (channel) => this.update(network, user, channels.fold(channel), { viaMapping: false }),
    };
  }
}

function id(network: string, user: string, folded: string): string {
  return `${network}\0${user}\0${folded}`;
}
