/**
 * When the whole network refuses the bridge, what the log says and who is told: the connect
 * scheduler's breaker trips (throttle, K-line, too many connections), and TLS refusals (the
 * server's certificate is the network's problem, not one user's).
 *
 * Guarantees:
 * - A breaker trip is logged, counted, and told to every user whose connection is not registered
 *   (a refused server password once per user, as the operator's to fix: breakerNews.ts).
 * - A TLS refusal on any of the network's connections (the bot's included) is told at once to every
 *   user whose connection is waiting or failing, once each until it connects (ConnectionNews):
 *   while the network is down the scheduler lets one connection probe at a time, so the others
 *   would otherwise never learn why they wait.
 */
import type { IrcConnection } from "../irc/connection";
import type { ConnectHooks, TripCause } from "../irc/connectScheduler";
import { tellBreakerTrip } from "./breakerNews";
import type { NetworkContext } from "../irc/networkContext";
import type { Logger } from "../observability/logger";
import type { Metrics } from "../observability/metrics";
import type { ConnectionNews } from "./connectionNews";

export interface NetworkTroubleDeps {
  readonly network: NetworkContext;
  readonly news: ConnectionNews;
  readonly notify: (userId: string, text: string) => void;
  readonly log: Logger;
  readonly metrics: Metrics;
  /** The users' connections (their registry is built after the scheduler that calls us). */
  readonly connections: () => Iterable<[string, IrcConnection]>;
}

export class NetworkTrouble implements ConnectHooks {
  constructor(private readonly deps: NetworkTroubleDeps) {}

  /** A trip is counted, and told as breakerNews.ts says (a refused server password is the operator's). */
  onTrip(reason: string, forMs: number, cause: TripCause): void {
    this.deps.metrics.connectBreakerTrips.inc({ network: this.deps.network.id });
    tellBreakerTrip(this.deps, reason, forMs, cause);
  }

  onRecovered(): void {
    this.deps.log.info("the IRC server accepts connections again", { network: this.deps.network.id });
  }

  /** Watches one of the network's connections (a user's or the bot's) for TLS refusals. */
  watch(connection: IrcConnection): void {
    connection.on("closed", (e) => {
      if (e.tlsRefused !== true || !e.willReconnect) return;
      for (const [userId, waiting] of this.deps.connections()) if (!waiting.isRegistered && !waiting.isClosed) this.deps.news.dropped(userId, e.reason, true);
    });
  }
}
