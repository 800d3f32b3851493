/**
 * What is said when a network's connect breaker trips (irc/connectScheduler.ts), to the log and to
 * the users whose connections wait.
 *
 * - The server refused connections (throttle, limit, ban wording): a warning in the log, and each
 *   waiting user is told when theirs is retried.
 * - The server refused the bridge's server password: the operator's to fix, so an error in the log
 *   naming the keys, and each waiting user told once that it is the bridge's configuration, not
 *   theirs (ConnectionNews.passwordRefused keeps it to once per user, however often the breaker trips).
 */
import type { TripCause } from "../irc/connectScheduler";
import type { IrcConnection } from "../irc/connection";
import type { NetworkContext } from "../irc/networkContext";
import type { Logger } from "../observability/logger";
import type { ConnectionNews } from "./connectionNews";

export interface BreakerNewsDeps {
  readonly network: NetworkContext;
  readonly log: Logger;
  readonly news: ConnectionNews;
  readonly notify: (userId: string, text: string) => void;
  /** The users' connections now. */
  readonly connections: () => Iterable<[string, IrcConnection]>;
}

export function tellBreakerTrip(deps: BreakerNewsDeps, reason: string, forMs: number, cause: TripCause): void {
  const { network, log } = deps;
  const seconds = Math.round(forMs / 1000);
  if (cause === "server-password") {
    const configured = network.server.password !== undefined;
    log.error(
      configured
        ? "the network refused the bridge's server password: fix ircNetworks[].password (or passwordFile) and restart the bridge"
        : "the network asks for a server password: set ircNetworks[].password (or passwordFile) and restart the bridge",
      { network: network.id, reason, retryInSeconds: seconds },
    );
    for (const [userId, connection] of deps.connections()) if (!connection.isRegistered) deps.news.passwordRefused(userId, configured);
    return;
  }
  log.warn("the IRC server refused connections; backing the network off", { network: network.id, reason, seconds: forMs / 1000 });
  for (const [userId, connection] of deps.connections()) {
    if (!connection.isRegistered) deps.notify(userId, `${network.name} refused new connections from the bridge (${reason}). Yours will be retried in ${seconds} s.`);
  }
}
