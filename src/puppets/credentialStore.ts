/**
 * The IRC account and password a user stored with !storepass, sealed at rest (see
 * secrets/passwordSeal.ts). The password is kept in the user's PuppetRecord only in sealed form,
 * opened when their connection starts, and never logged or echoed.
 */
import type { Credentials } from "../irc/connection";
import type { Logger } from "../observability/logger";
import { sealContext, type PasswordSeal } from "../secrets/passwordSeal";
import type { PuppetRecord, PuppetStore } from "../store/store";

export type StoreOutcome = { readonly ok: true; readonly account: string } | { readonly ok: false; readonly reason: string };

export class CredentialStore {
  constructor(
    private readonly puppets: PuppetStore,
    private readonly seal: PasswordSeal | undefined,
    private readonly log: Logger,
  ) {}

  /** Seals and stores the password; the account is the nick the user has (or will have) on the network. */
  async store(network: string, userId: string, password: string, currentNick: string | undefined): Promise<StoreOutcome> {
    if (this.seal === undefined) return { ok: false, reason: "this bridge has no password key (bridge.passwordKeyFile), so it does not store passwords" };
    const record = await this.puppets.get(network, userId);
    const account = currentNick ?? record?.nick;
    if (record === undefined || account === undefined) return { ok: false, reason: "you have no IRC identity on this network yet: join a bridged room first" };
    await this.puppets.put({ ...record, account, sealedPassword: this.seal.seal(password, sealContext(network, userId)) });
    return { ok: true, account };
  }

  /** Forgets the user's password; false when there was none. */
  async remove(network: string, userId: string): Promise<boolean> {
    const record = await this.puppets.get(network, userId);
    if (record?.sealedPassword === undefined) return false;
    await this.puppets.put({ ...record, account: undefined, sealedPassword: undefined });
    return true;
  }

  /** The user's credentials for their next connection, if they stored some and they can be opened. */
  async get(network: string, userId: string): Promise<Credentials | undefined> {
    const record = await this.puppets.get(network, userId);
    return record === undefined ? undefined : this.opened(record);
  }

  /** The credentials in a record already read (the identity's: puppets/identity.ts), if it holds some that can be opened. */
  opened(record: PuppetRecord): Credentials | undefined {
    const { network, userId } = record;
    if (record.sealedPassword === undefined || record.account === undefined || this.seal === undefined) return undefined;
    try {
      return { account: record.account, password: this.seal.open(record.sealedPassword, sealContext(network, userId)) };
    } catch {
      this.log.warn("a stored IRC password cannot be opened (was the password key file changed?)", { user: userId, network });
      return undefined;
    }
  }
}
