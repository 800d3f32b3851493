/**
 * Users' client certificates (!certfp), one per user and network: a key and a self-signed
 * certificate (secrets/clientCertificate.ts) kept in the user's PuppetRecord, the key sealed with
 * the password key (secrets/passwordSeal.ts, bound to the network and user), the certificate as is
 * (it is public). The key is opened only for the user's connection; it is never logged or shown.
 *
 * Guarantees: nothing is created or stored without a password key; a certificate is never replaced
 * or removed except on the user's request (`create(..., replace)`, `remove`); a stored pair whose key
 * cannot be opened (another key file) or does not match its certificate is not used, and says why
 * in the log once per connection attempt.
 */
import type { ClientCertificatePem } from "../irc/connectionTypes";
import type { Logger } from "../observability/logger";
import { certificateFingerprint, createClientCertificate, keyMatches } from "../secrets/clientCertificate";
import { certificateKeyContext, type PasswordSeal } from "../secrets/passwordSeal";
import type { PuppetRecord, PuppetStore } from "../store/store";
import { serialized } from "./identity";

export type CertificateOutcome =
  | { readonly ok: true; readonly fingerprint: string; readonly created: boolean }
  | { readonly ok: false; readonly reason: string };

export class ClientCertificates {
  constructor(
    private readonly puppets: PuppetStore,
    private readonly seal: PasswordSeal | undefined,
    private readonly log: Logger,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** The fingerprint of the user's certificate, if they have one. */
  async fingerprint(network: string, userId: string): Promise<string | undefined> {
    const record = await this.puppets.get(network, userId);
    return record?.certificate === undefined ? undefined : certificateFingerprint(record.certificate);
  }

  /**
   * The user's certificate: the one they have (created: false), or a new one when they have none or
   * ask to `replace` it. Its common name is their IRC username.
   */
  create(network: string, userId: string, replace: boolean): Promise<CertificateOutcome> {
    // Read and written back in the store's one-at-a-time chain, so no other write of the record is lost or loses this one.
    return serialized(this.puppets, () => this.createNow(network, userId, replace));
  }

  private async createNow(network: string, userId: string, replace: boolean): Promise<CertificateOutcome> {
    const seal = this.seal;
    if (seal === undefined) return { ok: false, reason: "this bridge has no key to seal it with (bridge.passwordKeyFile), so it does not keep client certificates" };
    const record = await this.puppets.get(network, userId);
    if (record === undefined) return { ok: false, reason: "you have no IRC identity on this network yet: join a bridged room first" };
    if (record.certificate !== undefined && !replace) return { ok: true, fingerprint: certificateFingerprint(record.certificate), created: false };
    const made = createClientCertificate(record.username, this.now());
    const updated: PuppetRecord = { ...record, certificate: made.certPem, sealedCertificateKey: seal.seal(made.keyPem, certificateKeyContext(network, userId)) };
    await this.puppets.put(updated);
    return { ok: true, fingerprint: certificateFingerprint(made.certPem), created: true };
  }

  /** Forgets the user's certificate and key; false when there was none. */
  remove(network: string, userId: string): Promise<boolean> {
    return serialized(this.puppets, async () => {
      const record = await this.puppets.get(network, userId);
      if (record?.certificate === undefined && record?.sealedCertificateKey === undefined) return false;
      await this.puppets.put({ ...record, certificate: undefined, sealedCertificateKey: undefined });
      return true;
    });
  }

  /** The certificate and its key for the user's next connection, if they have one that can be used. */
  async get(network: string, userId: string): Promise<ClientCertificatePem | undefined> {
    const record = await this.puppets.get(network, userId);
    return record === undefined ? undefined : this.opened(record);
  }

  /** The certificate and key in a record already read (the identity's: puppets/identity.ts), if it holds a pair that can be used. */
  opened(record: PuppetRecord): ClientCertificatePem | undefined {
    const { network, userId } = record;
    if (record.certificate === undefined || record.sealedCertificateKey === undefined || this.seal === undefined) return undefined;
    let key: string;
    try {
      key = this.seal.open(record.sealedCertificateKey, certificateKeyContext(network, userId));
    } catch {
      this.log.warn("a stored client certificate key cannot be opened (was the password key file changed?)", { user: userId, network });
      return undefined;
    }
    if (!keyMatches(record.certificate, key)) {
      this.log.warn("a stored client certificate does not match its key; it is not used", { user: userId, network });
      return undefined;
    }
    return { key, cert: record.certificate };
  }
}
