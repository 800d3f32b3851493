/**
 * Channel keys (+k) the bridge knows, so its connections can join and rejoin a keyed channel, also
 * after a restart: learnt from MODE +k, from the channel's modes when a connection joins, and
 * from a JOIN with a key that the server accepted (`!join #channel key`); forgotten on -k.
 *
 * Guarantees: a key is kept in memory in clear (connections need it) and stored only sealed with
 * the operator's password key (PasswordSeal, AES-256-GCM, bound to the network and channel); without
 * a key file (bridge.passwordKeyFile) keys live in memory only and are lost on restart. A key is
 * never logged: only that a stored one could not be opened. Not guaranteed: a key the bridge did not
 * hear (changed while no connection was in the channel) is not known, and the join fails (the user
 * is told the server's reason).
 */
import { errorText } from "../errors";
import type { Logger } from "../observability/logger";
import { channelKeyContext, type PasswordSeal } from "../secrets/passwordSeal";
import type { ChannelKeyStore } from "../store/store";

export class ChannelKeys {
  private readonly keys = new Map<string, string>();

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
    if (this.seal === undefined) return;
    for (const record of await this.store.all()) {
      try {
        this.keys.set(`${record.network}\0${record.folded}`, this.seal.open(record.sealedKey, channelKeyContext(record.network, record.folded)));
      } catch {
        this.log.warn("a stored channel key cannot be opened (was the password key file changed?)", { network: record.network, channel: record.folded });
      }
    }
  }

  /** The key of a channel (its name folded with the server's casemapping). */
  get(network: string, folded: string): string | undefined {
    return this.keys.get(`${network}\0${folded}`);
  }

  set(network: string, folded: string, key: string): void {
    if (this.keys.get(`${network}\0${folded}`) === key) return;
    this.keys.set(`${network}\0${folded}`, key);
    if (this.seal === undefined) return;
    const sealedKey = this.seal.seal(key, channelKeyContext(network, folded));
    this.store.put({ network, folded, sealedKey }).catch((err: unknown) => this.log.error("cannot save a channel key", { network, channel: folded, error: errorText(err) }));
  }

  remove(network: string, folded: string): void {
    if (!this.keys.delete(`${network}\0${folded}`)) return;
    if (this.seal === undefined) return;
    this.store.remove(network, folded).catch((err: unknown) => this.log.error("cannot forget a channel key", { network, channel: folded, error: errorText(err) }));
  }
}
