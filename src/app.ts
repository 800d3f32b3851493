import { MessageLog } from "./rooms/messageLog";
import { ircToMatrixSends } from "./compose/ircToMatrixSends";
import { networkRuntimes } from "./compose/networkRuntimes";
import { channelRooms } from "./compose/channelRooms";
import type { Server } from "node:http";
import { AdminRooms } from "./admin/adminRooms";
import { AdminNotifier } from "./admin/notifier";
import { readBridgeVersion } from "./admin/version";
import { adminCommands } from "./compose/adminCommands";
import { provisioning, provisioningSettings } from "./compose/provisioning";
import { ircInvites } from "./compose/invites";
import type { ProvisioningSettings } from "./provisioning/deps";
import { NetworkBridge } from "./bridge/networkBridge";
import type { BridgeConfig } from "./config/schema";
import { errorText } from "./errors";
import type { MatrixContext } from "./fromMatrix/context";
import { sendToIrc } from "./fromMatrix/sendToIrc";
import { routeEphemeralEvents, routeMatrixEvent } from "./fromMatrix/router";
import { answerUserQuery } from "./fromMatrix/userQuery";
import { RecentIds } from "./util/recentIds";
import { buildNetworkContext, type NetworkContext } from "./irc/networkContext";
import { collectProblems } from "./secrets/configSecret";
import { networkSecrets } from "./secrets/networkSecrets";
import { systemClock } from "./irc/pacedQueue";
import { AppserviceServer } from "./matrix/appserviceServer";
import { ThirdPartyLookups } from "./discovery/thirdPartyLookups";
import type { Transaction } from "./matrix/events";
import { Ghosts } from "./matrix/ghosts";
import { checkHomeserver } from "./matrix/homeserverCheck";
import { HomeserverWatch } from "./matrix/homeserverWatch";
import { MatrixApi } from "./matrix/matrixApi";
import type { Registration } from "./matrix/registration";
import { createLogger, type Logger } from "./observability/logger";
import { applyReload, type ReloadOutcome } from "./compose/reload";
import { createMetrics, type Metrics } from "./observability/metrics";
import { startMetricsServer } from "./observability/metricsServer";
import { RosterChannelOps } from "./rooms/channelOps";
import { Portals } from "./rooms/portals";
import { homeserverQueues } from "./compose/homeserverQueues";
import { ghostLimits, type GhostSettings } from "./compose/ghostLimits";
import type { AccessRecords } from "./rooms/accessRecords";
import { channelAccess } from "./compose/channelAccess";
import { accessControl } from "./compose/accessControl";
import type { BanLists } from "./access/banLists";
import type { ConfiguredAccess } from "./access/accessPolicy";
import { privateMessages } from "./compose/privateMessages";
import { connectionProcess } from "./compose/connectionProcess";
import type { BridgeLink } from "./pool/bridgeLink";
import { PowerLevelCache } from "./rooms/powerLevels";
import { RoomIndex } from "./rooms/roomIndex";
import { addMappedRooms } from "./rooms/mappedRooms";
import { bridgedRooms } from "./compose/bridgedRooms";
import type { RoomQueues } from "./rooms/roomQueues";
import { parsePendingSend } from "./rooms/pendingSends";
import { ClientCertificates } from "./puppets/clientCertificates";
import { CredentialStore } from "./puppets/credentialStore";
import { PasswordSeal } from "./secrets/passwordSeal";
import { PmBodySeal } from "./secrets/pmSeal";
import { openStore, storeSettings, type StoreSettings } from "./compose/openStore";
import { loadSeal } from "./compose/passwordKey";
import { loadStsPolicies } from "./compose/stsPolicies";
import type { Store } from "./store/store";
import { close } from "./util/http";
import { WriteWatch } from "./store/writeWatch";
import { identService } from "./compose/identService";
import { mediaService, mediaSettings, type MediaSettings } from "./compose/media";
import type { IdentServer } from "./ident/identServer";

/** How long a stopping bridge waits for the IRC servers to close its connections after their QUITs. */
const QUIT_WAIT_MS = 5000;

/** Transactions older than this are forgotten; the homeserver never retries one that long. */
const TXN_RETENTION_MS = 7 * 24 * 3600 * 1000;
/** How long /health says degraded after a promise rejection nothing handled. */
const UNHANDLED_DEGRADED_MS = 5 * 60 * 1000;

export interface AppOptions {
  readonly config: BridgeConfig;
  readonly registration: Registration;
  /** Listen port; overrides bridge.port (the command line's -p). */
  readonly port?: number;
  readonly logger?: Logger;
  /** Password seal to use instead of the configured key file (tests). */
  readonly seal?: PasswordSeal;
  /** Store to use instead of opening the configured one (tests). */
  readonly store?: Store;
}

interface Running {
  readonly store: Store;
  readonly appservice: AppserviceServer;
  readonly bridges: readonly NetworkBridge[];
  readonly queues: RoomQueues;
  readonly notifier: AdminNotifier;
  readonly metricsServer: Server | undefined;
  readonly accessRecords: AccessRecords;
  readonly ident: IdentServer | undefined;
}

/**
 * The composition root: builds every service from the config and wires them. No logic lives here.
 * Construction does no I/O; `start` opens the store and the listeners and contacts the homeserver.
 */
export class App {
  readonly log: Logger;
  readonly metrics: Metrics;
  readonly networks: readonly NetworkContext[];
  private readonly api: MatrixApi;
  private readonly botUserId: string;
  private readonly listen: { readonly host: string; readonly port: number };
  private readonly metricsListen: { readonly enabled: boolean; readonly host: string; readonly port: number };
  private readonly datastore: StoreSettings;
  private readonly maxQueuedPerRoom: number;
  private readonly maxTxnSize: number;
  private readonly ghostSettings: GhostSettings;
  private readonly seal: PasswordSeal | undefined;
  private readonly admins: ReadonlySet<string>;
  private readonly watch: HomeserverWatch;
  /** Whether the store's disk takes writes (full, read-only: degraded until repaired). */
  readonly writes: WriteWatch;
  private lastUnhandled: number | undefined;
  /** Who may use the bridge, and the ban lists it follows (src/access/). */
  private readonly access: { readonly policy: ConfiguredAccess; readonly banLists: BanLists };
  private readonly identConfig: BridgeConfig["ident"];
  private readonly provisioningSettings: ProvisioningSettings;
  private readonly mediaSettings: MediaSettings;
  private running: Running | undefined;
  private readonly pool: BridgeLink | undefined;
  /** The config in effect (the one started with, plus what a reload applied). */
  private config: BridgeConfig;

  constructor(private readonly options: AppOptions) {
    const { config, registration } = options;
    this.config = config;
    this.log = options.logger ?? createLogger(config.logging);
    this.metrics = createMetrics();
    this.seal = options.seal ?? loadSeal(config.bridge.passwordKeyFile);
    // Passwords in the config (clear, from a file, or sealed) are read once, here: a wrong one stops the bridge (exit 3).
    const secrets = collectProblems(config.ircNetworks.map((n, i) => () => networkSecrets(n, `ircNetworks[${i}]`, this.seal)));
    for (const warning of secrets.flatMap((s) => s.warnings)) this.log.warn(warning);
    ({ link: this.pool, networks: this.networks } = connectionProcess(config, this.log, (n, i) => buildNetworkContext(n, config.homeserver.domain, secrets[i])));
    this.api = new MatrixApi(config.homeserver.url, registration.as_token);
    this.botUserId = `@${registration.sender_localpart}:${config.homeserver.domain}`;
    this.listen = { host: config.bridge.host, port: options.port ?? config.bridge.port };
    this.metricsListen = { enabled: config.metrics.enabled, host: config.metrics.host, port: config.metrics.port };
    this.datastore = storeSettings(config.datastore);
    this.maxQueuedPerRoom = config.homeserver.maxQueuedPerRoom;
    this.maxTxnSize = config.bridge.maxTxnSize;
    const { maxCached, registrationsPerSecond, registrationBurst } = config.ghosts;
    this.ghostSettings = { maxCached, registrationsPerSecond, registrationBurst };
    this.admins = new Set(config.bridge.admins);
    this.writes = new WriteWatch({
      clock: systemClock,
      log: this.log.child({ module: "store" }),
      count: (failing, code) => {
        this.metrics.storeWritesFailing.set(failing);
        if (code !== undefined) this.metrics.storeWriteFailures.inc({ code });
      },
    });
    this.access = accessControl(config.access, this.api, this.botUserId, this.log);
    this.identConfig = { enabled: config.ident.enabled, port: config.ident.port, address: config.ident.address };
    this.provisioningSettings = provisioningSettings(config.provisioning);
    this.mediaSettings = mediaSettings(config, registration.url);
    this.watch = new HomeserverWatch(
      () => checkHomeserver(this.api, registration),
      this.metrics,
      this.log.child({ module: "homeserver" }),
    );
  }

  /** The port the application-service API listens on. */
  get port(): number {
    return this.listen.port;
  }

  async start(): Promise<void> {
    const log = this.log;
    await this.pool?.start();
    const store = this.options.store ?? (await openStore(this.datastore, { pmSeal: new PmBodySeal(this.seal), log, reports: this.writes }));
    await loadStsPolicies(this.networks, store.stsPolicies, log.child({ module: "sts" }));
    const pruned = await store.transactions.prune(Date.now() - TXN_RETENTION_MS);
    if (pruned > 0) log.debug("forgot old transactions", { count: pruned });

    const rooms = new RoomIndex(store.rooms);
    await rooms.load();
    await addMappedRooms(rooms, this.networks, log);
    // Rooms whose queue is retrying because the homeserver failed: the bridge is degraded meanwhile.
    const { queues, retrying } = homeserverQueues(this.metrics, log, systemClock, { maxPerRoom: this.maxQueuedPerRoom, api: this.api, botUserId: this.botUserId });
    const adminNetworks = this.networks.map((n) => ({ id: n.id, name: n.name }));
    const adminRooms = new AdminRooms({ api: this.api, botUserId: this.botUserId, store: store.adminRooms, networks: adminNetworks, log: log.child({ module: "admin" }) });
    await adminRooms.load();
    const notifier = new AdminNotifier({
      rooms: adminRooms,
      api: this.api,
      botUserId: this.botUserId,
      enqueue: (key, op) => queues.enqueue(key, op),
      clock: systemClock,
      log: log.child({ module: "admin" }),
    });
    const ghosts = new Ghosts(this.api, this.botUserId, ghostLimits(this.ghostSettings, this.metrics, systemClock));
    const { access: roomAccess, keys, records: accessRecords } = await channelAccess({ store, api: this.api, queues, botUserId: this.botUserId, seal: this.seal, clock: systemClock, log });
    rooms.onRemoved((room) => roomAccess.directory.removed(room.roomId));
    const credentials = new CredentialStore(store.puppets, this.seal, log.child({ module: "credentials" }));
    const certificates = new ClientCertificates(store.puppets, this.seal, log.child({ module: "certificates" }));
    const { index: pmIndex, pms, directChats } = await privateMessages({
      store,
      api: this.api,
      ghosts,
      queues,
      networks: this.networks,
      clock: systemClock,
      metrics: this.metrics,
      log,
      // Outside a transaction: the outbox writes these cause are awaited by their sends alone.
      replay: (events) => events.forEach((event) => routeMatrixEvent(event, { ...matrixCtx, keep: () => undefined })),
    });
    const messages = new MessageLog();
    const { botNotice, sends } = ircToMatrixSends({
      api: this.api,
      botUserId: this.botUserId,
      queues,
      ghosts,
      rooms,
      networks: this.networks,
      messages,
      metrics: this.metrics,
      log,
      datastorePath: this.datastore.path,
      writes: this.writes,
      seal: this.seal,
      maxPerRoom: this.maxQueuedPerRoom,
      pms,
      markDelivered: (s) => byId.get(s.network)?.bridge.markDelivered(s.channel, s.ts, s.msgid),
    });
    const isPrivateRoom = (roomId: string) => adminRooms.userOf(roomId) !== undefined || pmIndex.room(roomId) !== undefined;
    const { links, inbox, attach: attachLinks, api: provisioningApi } = provisioning({
      bridgeId: this.options.config.bridge.id,
      settings: this.provisioningSettings,
      botUserId: this.botUserId,
      api: this.api,
      rooms,
      queues,
      ghosts,
      access: this.access.policy,
      isAdmin: (userId) => this.admins.has(userId),
      isPrivateRoom,
      notice: botNotice,
      clock: systemClock,
      log,
      maxBodyBytes: this.maxTxnSize,
    });
    const bridges = this.networks.map(
      (network) =>
        new NetworkBridge({
          network,
          store,
          rooms,
          queues,
          sends,
          messages,
          ghosts,
          api: this.api,
          botUserId: this.botUserId,
          clock: systemClock,
          log: log.child({ network: network.id }),
          metrics: this.metrics,
          notify: (userId, text) => notifier.notify(userId, text),
          credentials: (record) => ({ auth: credentials.opened(record), certificate: certificates.opened(record) }),
          pms,
          access: roomAccess,
          keys,
          notice: botNotice,
          accessPolicy: this.access.policy,
          version: readBridgeVersion(),
          botHeard: (message) => inbox.heard(message),
          attached: (bridge, connection, userId) => invites.attach(bridge, connection, userId),
        }),
    );
    attachLinks(bridges);
    const bridged = bridgedRooms({ bridgeId: this.options.config.bridge.id, botUserId: this.botUserId, api: this.api, rooms, queues, access: roomAccess, bans: store.bans, bridges, adminRooms, isPrivateRoom, notice: botNotice, log });
    // A ban that arrives closes the connections it now covers, on every network.
    this.access.banLists.onBanned(() => {
      for (const bridge of bridges) {
        const closed = bridge.puppets.enforceAccess();
        if (closed > 0) log.info("closed connections a ban list now covers", { network: bridge.network.id, count: closed });
      }
    });
    const byId = networkRuntimes(bridges);
    const media = mediaService({
      settings: this.mediaSettings,
      homeserverUrl: this.options.config.homeserver.url,
      asToken: this.options.registration.as_token,
      api: this.api,
      queues,
      botUserId: this.botUserId,
      isPmRoom: (roomId) => pmIndex.room(roomId) !== undefined,
      pmNotice: (roomId, text) => pms.notice(roomId, text),
      botNotice,
      metrics: this.metrics,
      log,
    });
    const commands = adminCommands({ networks: adminNetworks, bridges, rooms, admins: this.admins, credentials, certificates, links, notifier, api: this.api, botUserId: this.botUserId, log });
    const seen = new RecentIds(20000);
    let lastSeq = 0;
    const portals = new Portals({
      bridgeId: this.options.config.bridge.id,
      networks: this.networks,
      rooms,
      api: this.api,
      botUserId: this.botUserId,
      log: log.child({ module: "portals" }),
      now: () => systemClock.now(),
      modes: (networkId, channel) => byId.get(networkId)?.bridge.portalModes(channel) ?? Promise.resolve({ kind: "unknown", why: "no such network" }),
      opensLater: (roomId, rule) => roomAccess.opensLater(roomId, rule),
      created: (room) => byId.get(room.network)?.bridge.roomAdded(room),
    });
    // Who is op or voiced in each channel, from the rosters the IRC -> Matrix side keeps.
    const channelOps = new RosterChannelOps(new Map(bridges.map((b) => [b.network.id, b.feed.roster])));
    const invites = ircInvites({ portals, rooms, api: this.api, botUserId: this.botUserId, channelOps, notify: (userId, text) => notifier.notify(userId, text), clock: systemClock, log });
    const matrixCtx: MatrixContext = {
      botUserId: this.botUserId,
      rooms,
      networks: byId,
      log,
      metrics: this.metrics,
      admin: {
        ownerOf: (roomId) => adminRooms.userOf(roomId),
        adopt: (roomId, userId) => adminRooms.adopt(roomId, userId),
        abandon: (roomId, why, leave) => adminRooms.abandon(roomId, why, leave),
        command: (roomId, userId, body, eventId) => commands.handle(roomId, userId, body, eventId),
      },
      pms: {
        roomOf: (roomId) => pmIndex.room(roomId),
        isOpening: (roomId) => directChats.isOpening(roomId),
        hold: (roomId, event) => directChats.hold(roomId, event),
        open: (roomId, userId, network, ghost) => directChats.open(roomId, userId, network, ghost),
        userMembership: (roomId, membership) => pms.userMembership(roomId, membership),
        refuse: (roomId, userId) => pms.refuse(roomId, userId),
        ghostRemoved: (roomId, by) => pms.ghostRemoved(roomId, by),
        notice: (roomId, text) => pms.notice(roomId, text),
      },
      access: this.access.policy,
      banLists: this.access.banLists,
      isBridgeUser: (userId) => userId === this.botUserId || this.networks.some((n) => n.ids.nickOfGhost(userId) !== undefined),
      notice: botNotice,
      persist: (networkId, userId) => byId.get(networkId)?.bridge.persist(userId),
      outbox: store.outbox,
      messages,
      fetchEvent: (roomId, eventId, as) => this.api.event(roomId, as, eventId),
      media: media.hooks,
      keep: () => {
        throw new Error("keep() is only available while a transaction is handled");
      },
      seenBefore: (eventId) => seen.checkAndAdd(eventId),
      nextSeq: () => (lastSeq = Math.max(lastSeq + 1, Date.now() * 1000)),
      now: () => systemClock.now(),
      forgetGhost: (roomId, userId) => ghosts.forget(roomId, userId),
      channelOps,
      links,
      powerLevels: new PowerLevelCache((roomId) => this.api.getState(roomId, this.botUserId, "m.room.power_levels")),
      bans: store.bans,
      restoreGhost: (roomId, userId, banned) =>
        queues.enqueue(roomId, {
          what: "ghost back after a removal IRC did not follow",
          run: () => ghosts.restore(roomId, userId, banned ? "the ban could not be carried out on IRC" : undefined),
        }),
      acceptInvite: bridged.acceptInvite,
      upgrades: bridged.upgrades,
      ...channelRooms({ rooms, networks: this.networks, sends, nicks: (id) => byId.get(id)?.nicks }),
    };
    const appservice = new AppserviceServer(
      this.options.registration.hs_token,
      {
        onTransaction: (txn) => this.onTransaction(txn, matrixCtx),
        onUserQuery: (userId) => answerUserQuery(userId, matrixCtx, ghosts),
        onAliasQuery: (alias) => portals.onAliasQuery(alias),
        thirdParty: new ThirdPartyLookups(this.networks),
        health: () => {
          const unhandled = this.lastUnhandled !== undefined && Date.now() - this.lastUnhandled < UNHANDLED_DEGRADED_MS;
          const reasons = [
            ...(this.watch.problem === undefined ? [] : [this.watch.problem]),
            ...(retrying() === 0 ? [] : [`the homeserver is failing: ${retrying()} room(s) waiting to retry`]),
            ...(this.writes.problem === undefined ? [] : [this.writes.problem]),
            ...(unhandled ? ["an error was not handled (see the log)"] : []),
          ];
          const details = { roomQueue: queues.depth, roomsRetrying: retrying(), ircToMatrixPending: sends.size };
          return { status: reasons.length === 0 ? "ok" : "degraded", reasons, details };
        },
      },
      store.transactions,
      this.metrics,
      log.child({ module: "appservice" }),
      this.maxTxnSize,
      [media.proxy, ...(provisioningApi === undefined ? [] : [provisioningApi])],
    );
    // Reconnect users, and queue what a crash left unsent, before the homeserver sends anything new.
    // IRC messages a crash or restart left unsent go to Matrix first, in their order.
    const replayed = sends.replay(parsePendingSend);
    if (replayed > 0) log.info("sending IRC messages accepted before a restart", { count: replayed });
    // The ban lists are read before anyone is reconnected, so a banned user is not, even briefly.
    await this.access.banLists.start();
    // Listening before the first connection opens: servers ask about a connection as it arrives.
    const ident = identService(this.identConfig, () => bridges, log);
    await ident?.start();
    for (const bridge of bridges) await bridge.start();
    // Messages a crash left accepted but unconfirmed go out first, in their order.
    const unsent = await store.outbox.pending();
    if (unsent.length > 0) log.info("sending messages accepted before a restart", { count: unsent.length });
    for (const { entry, handed } of unsent) {
      seen.checkAndAdd(entry.eventId);
      lastSeq = Math.max(lastSeq, entry.seq);
      sendToIrc(entry, matrixCtx, handed);
    }
    await appservice.listen(this.listen.host, this.listen.port);
    log.info("application service listening", { host: this.listen.host, port: this.listen.port });
    let metricsServer: Server | undefined;
    if (this.metricsListen.enabled) {
      metricsServer = await startMetricsServer(this.metrics.registry, this.metricsListen.host, this.metricsListen.port, this.maxTxnSize, () =>
        this.metrics.rejectedRequests.inc({ reason: "too_large" }),
      );
      log.info("metrics listening", { host: this.metricsListen.host, port: this.metricsListen.port });
    }
    this.running = { store, appservice, bridges, queues, notifier, metricsServer, accessRecords, ident };
    void this.watch.start();
    for (const room of rooms.all()) if (room.origin === "mapped") matrixCtx.acceptInvite(room.roomId);
  }

  /**
   * The last line for a promise rejection nothing handled (main.ts): logged, counted, and /health
   * says degraded for a while. Not a fix: each one is a bug to handle where it happens.
   */
  unhandledRejection(reason: unknown): void {
    this.lastUnhandled = Date.now();
    this.metrics.unhandledRejections.inc();
    this.log.error("a promise rejection was not handled", { error: errorText(reason) });
  }

  /** A config read again (SIGHUP): logging and access lists change now, the rest waits for a restart (compose/reload.ts). */
  reload(next: BridgeConfig): ReloadOutcome {
    const enforceAccess = () => (this.running?.bridges ?? []).reduce((closed, bridge) => closed + bridge.puppets.enforceAccess(), 0);
    const outcome = applyReload(this.config, next, { log: this.log, access: this.access.policy, enforceAccess });
    this.config = outcome.config;
    return outcome;
  }

  async stop(): Promise<void> {
    this.watch.stop();
    this.writes.stop();
    const running = this.running;
    this.running = undefined;
    if (running !== undefined) {
      await running.appservice.close();
      await this.pool?.stop(); // connections left up in their connection processes (no QUIT), for the next run
      this.access.banLists.stop();
      running.notifier.stop();
      // In-process connections: up to QUIT_WAIT_MS for the servers to let their nicks go (NetworkBridge.stop).
      await Promise.all(running.bridges.map((bridge) => bridge.stop(this.pool === undefined ? QUIT_WAIT_MS : 0)));
      if (running.metricsServer !== undefined) await close(running.metricsServer);
      await running.ident?.stop();
      await running.accessRecords.flushed();
      await running.store.close();
    }
    this.api.close();
    this.log.info("bridge stopped");
  }

  /**
   * Matrix events are routed synchronously, in order; the IRC lines they cause are queued, and the
   * writes that make them durable (the outbox) are awaited before we acknowledge.
   */
  private async onTransaction(txn: Transaction, shared: MatrixContext): Promise<void> {
    const writes: Promise<void>[] = [];
    const ctx: MatrixContext = { ...shared, keep: (write) => writes.push(write) };
    for (const event of txn.events) {
      try {
        routeMatrixEvent(event, ctx);
      } catch (err) {
        this.log.error("failed to handle a Matrix event", { type: event.type, room: event.room_id, error: errorText(err) });
      }
    }
    routeEphemeralEvents(txn.ephemeral, ctx);
    if (this.running !== undefined) this.metrics.roomQueueDepth.set(this.running.queues.depth);
    await Promise.all(writes);
  }
}
