/**
 * IRCv3 Strict Transport Security (the `sts` capability): a network that says "TLS only" is only
 * ever reached with TLS, also after a restart.
 *
 * Guarantees:
 * - Upgrade: a plaintext connection that hears `sts=port=N` (CAP LS or NEW) is to close and connect
 *   again with TLS to port N of the same host (`heard` answers N). From then on this process never
 *   connects to that host in plaintext (the upgrade is held in memory).
 * - Persistence: a TLS connection that hears `sts=duration=D` (D > 0) makes the policy durable:
 *   host -> the TLS port it is connected to, until now + D seconds. Heard again, the expiry moves
 *   on; it is written to the store when it moved by more than a tenth of D (hundreds of connections
 *   do not each write), so the stored expiry is never more than D/10 short. `duration=0` removes the
 *   policy and the upgrade (the network dropped STS).
 * - While a policy or an upgrade holds for a host, `route` replaces every plaintext endpoint to it
 *   with TLS to the policy's port: never a fallback to plaintext, also when TLS then fails (the
 *   caller tells the user why). An expired policy is removed when next looked at.
 * - `duration` heard in plaintext and `port` heard over TLS are ignored, as the specification says.
 * Not guaranteed: policies are per host name as configured (an address and a name of one server are
 * two hosts); a store write that fails is logged and the policy still holds in memory.
 */
import { errorText } from "../errors";
import type { IrcLine } from "./ircLine";
import type { ServerEndpoint } from "./serverSettings";
import type { StsPolicyStore } from "../store/store";

export interface StsValue {
  readonly port: number | undefined;
  /** Seconds. */
  readonly duration: number | undefined;
}

/** The keys of an sts value such as `port=6697,duration=300` (unknown keys ignored, bad numbers dropped). */
export function parseSts(value: string): StsValue {
  let port: number | undefined;
  let duration: number | undefined;
  for (const part of value.split(",")) {
    const eq = part.indexOf("=");
    const key = (eq === -1 ? part : part.slice(0, eq)).trim().toLowerCase();
    const raw = eq === -1 ? "" : part.slice(eq + 1).trim();
    const n = /^\d{1,10}$/.test(raw) ? Number(raw) : undefined;
    if (key === "port" && n !== undefined && n >= 1 && n <= 65535) port = n;
    if (key === "duration" && n !== undefined) duration = n;
  }
  return { port, duration };
}

/** The sts value a CAP LS or CAP NEW line advertises, if any. */
export function stsInCapLine(line: IrcLine): string | undefined {
  if (line.command !== "CAP") return undefined;
  const sub = (line.params[1] ?? "").toUpperCase();
  if (sub !== "LS" && sub !== "NEW") return undefined;
  const caps = line.params[line.params.length - 1] ?? "";
  for (const cap of caps.split(" ")) {
    if (cap.toLowerCase() === "sts") return "";
    if (cap.toLowerCase().startsWith("sts=")) return cap.slice(4);
  }
  return undefined;
}

interface StsLog {
  info(message: string, meta?: Record<string, unknown>): unknown;
  warn(message: string, meta?: Record<string, unknown>): unknown;
}

interface Held {
  readonly port: number;
  readonly expiresAt: number;
  /** The expiry last written to the store. */
  readonly written: number;
}

/** One network's STS policies (see the guarantees above). */
export class StsPolicies {
  private readonly policies = new Map<string, Held>();
  private readonly upgrades = new Map<string, number>();
  private store: StsPolicyStore | undefined;
  private log: StsLog | undefined;

  constructor(
    readonly network: string,
    private readonly now: () => number = Date.now,
  ) {}

  /** Reads the remembered policies (still in force) and writes later changes to `store`; how many hold. */
  async load(store: StsPolicyStore, log: StsLog): Promise<number> {
    this.store = store;
    this.log = log;
    for (const record of await store.all(this.network)) {
      if (record.expiresAt > this.now()) this.policies.set(record.host, { port: record.port, expiresAt: record.expiresAt, written: record.expiresAt });
      else this.write(store.remove(this.network, record.host));
    }
    return this.policies.size;
  }

  /**
   * Where to connect instead of `endpoint`: TLS to the policy's port while a policy or an upgrade
   * holds for its host (with why, to tell users when TLS then fails); otherwise `endpoint` itself.
   */
  route(endpoint: ServerEndpoint): { readonly endpoint: ServerEndpoint; readonly why: string | undefined } {
    if (endpoint.tls) return { endpoint, why: undefined };
    const host = endpoint.host.toLowerCase();
    const policy = this.policies.get(host);
    if (policy !== undefined && policy.expiresAt <= this.now()) this.forget(host);
    const held = this.policies.get(host);
    const upgrade = this.upgrades.get(host);
    const port = held?.port ?? upgrade;
    if (port === undefined) return { endpoint, why: undefined };
    const why =
      held === undefined
        ? `the server asked for TLS only (IRCv3 STS, port ${port})`
        : `the server's STS policy asks for TLS only (port ${port}, until ${new Date(held.expiresAt).toISOString()})`;
    return { endpoint: { ...endpoint, tls: true, port }, why };
  }

  /**
   * An sts value heard on a connection to `endpoint`. For a plaintext connection with a port: the
   * TLS port to reconnect to now (the upgrade). Otherwise undefined (a TLS connection's duration is
   * remembered, see the guarantees).
   */
  heard(endpoint: ServerEndpoint, value: string): number | undefined {
    const { port, duration } = parseSts(value);
    const host = endpoint.host.toLowerCase();
    if (!endpoint.tls) {
      if (port === undefined) return undefined;
      if (this.upgrades.get(host) !== port) this.log?.info("upgrading to TLS as the server's STS policy asks", { network: this.network, host, port });
      this.upgrades.set(host, port);
      return port;
    }
    if (duration === undefined) return undefined;
    if (duration === 0) {
      if (this.policies.has(host) || this.upgrades.has(host)) this.log?.info("the server dropped its STS policy", { network: this.network, host });
      this.forget(host);
      return undefined;
    }
    const expiresAt = this.now() + duration * 1000;
    const before = this.policies.get(host);
    const stale = before === undefined || before.port !== endpoint.port || expiresAt - before.written > (duration * 1000) / 10;
    this.policies.set(host, { port: endpoint.port, expiresAt, written: stale ? expiresAt : before.written });
    if (stale) {
      if (before === undefined) this.log?.info("remembering the server's STS policy: TLS only", { network: this.network, host, port: endpoint.port, seconds: duration });
      this.write(this.store?.put({ network: this.network, host, port: endpoint.port, expiresAt }));
    }
    return undefined;
  }

  /** Hosts with a policy in force (tests, status). */
  get size(): number {
    return this.policies.size;
  }

  private forget(host: string): void {
    const had = this.policies.delete(host);
    this.upgrades.delete(host);
    if (had) this.write(this.store?.remove(this.network, host));
  }

  private write(done: Promise<void> | undefined): void {
    done?.catch((err: unknown) => this.log?.warn("cannot save the server's STS policy", { network: this.network, error: errorText(err) }));
  }
}
