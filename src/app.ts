import type { Server } from "node:http";
import type { BridgeConfig } from "./config/schema";
import { buildNetworkContext, type NetworkContext } from "./irc/networkContext";
import { AppserviceServer } from "./matrix/appserviceServer";
import type { Transaction } from "./matrix/events";
import { Homeserver } from "./matrix/homeserver";
import { HomeserverWatch } from "./matrix/homeserverWatch";
import type { Registration } from "./matrix/registration";
import { createLogger, type Logger } from "./observability/logger";
import { createMetrics, type Metrics } from "./observability/metrics";
import { startMetricsServer } from "./observability/metricsServer";
import { openNedbStore } from "./store/nedbStore";
import type { Store } from "./store/store";
import { close } from "./util/http";

/** Transactions older than this are forgotten; the homeserver never retries one that long. */
const TXN_RETENTION_MS = 7 * 24 * 3600 * 1000;

export interface AppOptions {
  readonly config: BridgeConfig;
  readonly registration: Registration;
  /** Listen port; overrides bridge.port (the command line's -p). */
  readonly port?: number;
  readonly logger?: Logger;
  /** Store to use instead of opening the configured one (tests). */
  readonly store?: Store;
}

/**
 * The composition root: builds every service from the config and wires them. No logic lives here.
 * Construction does no I/O; `start` opens the store and the listeners and contacts the homeserver.
 */
export class App {
  readonly log: Logger;
  readonly metrics: Metrics;
  readonly networks: readonly NetworkContext[];
  readonly homeserver: Homeserver;
  private readonly listen: { readonly host: string; readonly port: number };
  private readonly metricsListen: { readonly enabled: boolean; readonly host: string; readonly port: number };
  private readonly datastorePath: string | undefined;
  private readonly watch: HomeserverWatch;
  private store: Store | undefined;
  private appservice: AppserviceServer | undefined;
  private metricsServer: Server | undefined;

  constructor(private readonly options: AppOptions) {
    const { config, registration } = options;
    this.log = options.logger ?? createLogger({ level: config.logging.level, file: config.logging.file });
    this.metrics = createMetrics();
    this.networks = config.ircNetworks.map((n) => buildNetworkContext(n, config.homeserver.domain));
    this.homeserver = new Homeserver(config.homeserver.url, config.homeserver.domain, registration, config.logging.level === "debug" ? "debug" : "off");
    this.listen = { host: config.bridge.host, port: options.port ?? config.bridge.port };
    this.metricsListen = { enabled: config.metrics.enabled, host: config.metrics.host, port: config.metrics.port };
    this.datastorePath = config.datastore.path;
    this.watch = new HomeserverWatch(
      async () => {
        await this.homeserver.ensureBotRegistered();
        return this.homeserver.pingFromHomeserver();
      },
      this.metrics,
      this.log.child({ module: "homeserver" }),
    );
  }

  /** The port the application-service API listens on. */
  get port(): number {
    return this.listen.port;
  }

  async start(): Promise<void> {
    this.store = this.options.store ?? (await openNedbStore(this.datastorePath));
    const pruned = await this.store.transactions.prune(Date.now() - TXN_RETENTION_MS);
    if (pruned > 0) this.log.debug("forgot old transactions", { count: pruned });
    await this.homeserver.initialise();
    this.appservice = new AppserviceServer(
      this.options.registration.hs_token,
      {
        onTransaction: (txn) => this.onTransaction(txn),
        onUserQuery: (userId) => Promise.resolve(this.networks.some((n) => n.ids.nickOfGhost(userId) !== undefined)),
        onAliasQuery: () => Promise.resolve(false),
        health: () => {
          const problem = this.watch.problem;
          return problem === undefined ? { status: "ok", reasons: [] } : { status: "degraded", reasons: [problem] };
        },
      },
      this.store.transactions,
      this.metrics,
      this.log.child({ module: "appservice" }),
    );
    await this.appservice.listen(this.listen.host, this.listen.port);
    this.log.info("application service listening", { host: this.listen.host, port: this.listen.port });
    if (this.metricsListen.enabled) {
      this.metricsServer = await startMetricsServer(this.metrics.registry, this.metricsListen.host, this.metricsListen.port);
      this.log.info("metrics listening", { host: this.metricsListen.host, port: this.metricsListen.port });
    }
    void this.watch.start();
  }

  async stop(): Promise<void> {
    this.watch.stop();
    await this.appservice?.close();
    if (this.metricsServer !== undefined) await close(this.metricsServer);
    await this.homeserver.close();
    await this.store?.close();
    this.log.info("bridge stopped");
  }

  private onTransaction(txn: Transaction): Promise<void> {
    for (const event of txn.events) {
      this.log.debug("matrix event", { type: event.type, room: event.room_id, sender: event.sender });
    }
    return Promise.resolve();
  }
}
