import { FakeLinks } from "./fakeLinks";
import type { AdminConnection, AdminContext, AdminNetwork, CertificateAccess, PuppetAccess } from "../../src/admin/command";
import { ClientCertificates } from "../../src/puppets/clientCertificates";
import type { PasswordSeal } from "../../src/secrets/passwordSeal";
import { silentLogger } from "./silentLogger";
import { foldCase } from "../../src/irc/casemapping";
import { parseIrcLine } from "../../src/irc/ircLine";
import { buildLine } from "../../src/irc/lines";
import { PendingRequests, REQUEST_TIMEOUT_MS, type IrcReply, type IrcRequest } from "../../src/irc/requests";
import type { NetworkContext } from "../../src/irc/networkContext";
import { puppetIdentity, templateNick } from "../../src/puppets/identity";
import { PuppetSettings } from "../../src/puppets/puppetSettings";
import type { Store } from "../../src/store/store";
import type { FakeClock } from "./fakeClock";

/**
 * A user's connection for admin command tests: requests go through the real matcher
 * (PendingRequests) on a FakeClock, the test plays the server with `hear(":server 433 ...")`, and
 * every line the command sent is in `sent` (as it would be written, without the label).
 */
export class FakeConnection implements AdminConnection {
  nick = "alice";
  isRegistered = true;
  downReason: string | undefined = undefined;
  labeled = false;
  readonly sent: string[] = [];
  /** Lines queued with join() while not registered. */
  readonly queuedJoins: string[] = [];
  readonly channels = new Map<string, string | undefined>();
  readonly supports = new Map<string, string>();
  preferred: string | undefined;
  /** The label of the last labeled request. */
  lastLabel: string | undefined;
  private readonly pending: PendingRequests;
  private labels = 0;
  private waiters: (() => void)[] = [];

  constructor(clock: FakeClock) {
    this.pending = new PendingRequests(clock);
  }

  get channelNames(): string[] {
    return [...this.channels.keys()];
  }

  same(a: string, b: string): boolean {
    return foldCase(a, "rfc1459") === foldCase(b, "rfc1459");
  }

  isupport(name: string): string | undefined {
    return this.supports.get(name);
  }

  request(request: IrcRequest, options: { readonly timeoutMs?: number } = {}): Promise<IrcReply> {
    this.sent.push(buildLine(request.command, request.params));
    if (!this.isRegistered) return Promise.resolve({ kind: "lost", reason: this.downReason ?? "not connected", sent: false });
    const label = this.labeled && request.expect.unlabeled !== true ? `L${++this.labels}` : undefined;
    this.lastLabel = label;
    const waiting = this.pending.add(label, request.expect, options.timeoutMs ?? REQUEST_TIMEOUT_MS);
    waiting.sent();
    for (const wake of this.waiters.splice(0)) wake();
    return waiting.reply;
  }

  /** Resolves once the command has sent `count` lines in all. */
  async sentCount(count: number): Promise<void> {
    while (this.sent.length < count) await new Promise<void>((resolve) => this.waiters.push(resolve));
  }

  /** A line from the server; `{label}` in it is replaced by the last request's label. */
  hear(raw: string): void {
    const line = parseIrcLine(raw.replace("{label}", this.lastLabel ?? ""));
    if (line === undefined) throw new Error(`not an IRC line: ${raw}`);
    this.pending.heard(line, { me: this.nick, same: (a, b) => this.same(a, b) });
  }

  lose(reason: string): void {
    this.pending.failAll(reason);
  }

  join(channel: string, key?: string): boolean {
    this.queuedJoins.push(channel);
    this.channels.set(channel, key);
    return true;
  }

  remember(channel: string, key: string | undefined): void {
    this.channels.set(channel, key);
  }

  forget(channel: string): void {
    for (const name of this.channels.keys()) if (this.same(name, channel)) this.channels.delete(name);
  }

  preferNick(nick: string): void {
    this.preferred = nick;
  }
}

/**
 * The users' connections on one network for command tests: connections are FakeConnections the
 * test puts in `connections` (ensure makes one when there is none), stored choices go through the
 * real PuppetSettings on the given store (identity as the bridge works it out), and quit/persist
 * are recorded.
 */
export class FakePuppets implements PuppetAccess {
  readonly connections = new Map<string, FakeConnection>();
  readonly quitUsers = new Set<string>();
  readonly persisted: string[] = [];
  readonly quits: string[] = [];
  ensureRefusal: string | undefined;
  /** The users' Matrix displaynames (none: undefined), as the profile API would give them. */
  readonly displaynames = new Map<string, string>();
  private readonly settings: PuppetSettings;

  constructor(
    private readonly clock: FakeClock,
    private readonly network: NetworkContext,
    store: Store,
  ) {
    const identity = (userId: string) => puppetIdentity(network, userId, store.puppets, () => Promise.resolve(this.displaynames.get(userId)));
    const template = (userId: string) => Promise.resolve(templateNick(network, userId, this.displaynames.get(userId)));
    this.settings = new PuppetSettings({ networkId: network.id, store: store.puppets, identity, templateNick: template });
  }

  connection(userId: string): FakeConnection | undefined {
    return this.connections.get(userId);
  }

  ensure(userId: string): { readonly ok: true; readonly connection: FakeConnection } | { readonly ok: false; readonly reason: string } {
    if (this.ensureRefusal !== undefined) return { ok: false, reason: this.ensureRefusal };
    let connection = this.connections.get(userId);
    if (connection === undefined) {
      connection = new FakeConnection(this.clock);
      connection.isRegistered = false;
      connection.downReason = "connecting to the IRC server";
      this.connections.set(userId, connection);
    }
    return { ok: true, connection };
  }

  hasQuit(userId: string): boolean {
    return this.quitUsers.has(userId);
  }

  stored(userId: string) {
    return this.settings.stored(userId);
  }

  setNick(userId: string, nick: string): Promise<void> {
    return this.settings.setNick(userId, nick);
  }

  resetNick(userId: string): Promise<string> {
    return this.settings.resetNick(userId);
  }

  nicklen(): number {
    return this.network.nickLimits.nicklen;
  }

  setUsername(userId: string, username: string): Promise<"ok" | "taken"> {
    return this.settings.setUsername(userId, username);
  }

  persist(userId: string): Promise<void> {
    this.persisted.push(`${userId} ${this.connections.get(userId)?.channelNames.join(",") ?? ""}`);
    return Promise.resolve();
  }

  quit(userId: string): Promise<string> {
    this.quits.push(userId);
    return Promise.resolve(`quit ${userId}`);
  }
}

/** Client certificates kept (sealed) in the test's store, as the bridge keeps them; `tls`: whether the networks are reached over TLS. */
export function storedCertificates(store: Store, seal: PasswordSeal | undefined, tls = true): CertificateAccess {
  const certificates = new ClientCertificates(store.puppets, seal, silentLogger());
  return {
    fingerprint: (networkId, userId) => certificates.fingerprint(networkId, userId),
    create: (networkId, userId, replace) => certificates.create(networkId, userId, replace),
    remove: (networkId, userId) => certificates.remove(networkId, userId),
    usesTls: () => tls,
  };
}

/** For tests of commands that never touch a network's connections: any use of them throws. */
export const NO_NETWORK_ACCESS: Pick<AdminContext, "puppets" | "roomsFor" | "portalAlias" | "rawCommands" | "roomFor" | "inviteToRoom" | "certificates"> = {
  certificates: {
    fingerprint: () => Promise.reject(new Error("this test has no certificates")),
    create: () => Promise.reject(new Error("this test has no certificates")),
    remove: () => Promise.reject(new Error("this test has no certificates")),
    usesTls: () => false,
  },
  puppets: () => {
    throw new Error("this test has no connections");
  },
  roomsFor: () => [],
  portalAlias: () => undefined,
  rawCommands: () => {
    throw new Error("this test has no raw command policy");
  },
  roomFor: () => Promise.resolve({ joinRule: undefined, membership: undefined }),
  inviteToRoom: () => Promise.reject(new Error("this test invites nobody")),
};

/**
 * An AdminContext for runner tests: no IRC access; !reconnect and stored passwords are recorded
 * ("nokey" as a password plays a bridge without a key file).
 */
export function recordingAdminContext(networks: readonly AdminNetwork[], isAdmin: (userId: string) => boolean = () => false) {
  const reconnects: string[] = [];
  const stored: string[] = [];
  const links = new FakeLinks();
  /** The passwords kept ("network user" -> password): stored when accepted, forgotten by removePassword. */
  const passwords = new Map<string, string>();
  const context: AdminContext = {
    links,
    resolveAlias: (alias) => Promise.resolve(alias === "#known:example.org" ? "!known:example.org" : undefined),
    networks,
    isAdmin,
    reconnect: (networkId, userId) => {
      reconnects.push(`${networkId} ${userId}`);
      return Promise.resolve(`Reconnecting you to ${networkId}.`);
    },
    version: "1.2.3",
    ...NO_NETWORK_ACCESS,
    storePassword: (networkId, userId, password) => {
      stored.push(`${networkId} ${userId} ${password}`);
      if (password === "nokey") return Promise.resolve({ ok: false as const, reason: "no key" });
      passwords.set(`${networkId} ${userId}`, password);
      return Promise.resolve({ ok: true as const, account: "alice" });
    },
    removePassword: (networkId, userId) => Promise.resolve(passwords.delete(`${networkId} ${userId}`)),
  };
  return { context, reconnects, stored, passwords, links };
}

/** A redaction that is recorded; the event "$fails" cannot be redacted. */
export function recordingRedact(redactions: string[]): (roomId: string, eventId: string) => Promise<void> {
  return (roomId, eventId) => {
    redactions.push(`${roomId} ${eventId}`);
    return eventId === "$fails" ? Promise.reject(new Error("M_FORBIDDEN")) : Promise.resolve();
  };
}
