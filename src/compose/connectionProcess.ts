import type { BridgeConfig, NetworkConfig } from "../config/schema";
import type { NetworkContext } from "../irc/networkContext";
import type { Logger } from "../observability/logger";
import { BridgeLink } from "../pool/bridgeLink";

/**
 * The networks, and the bridge's link to its connection processes (config connectionProcess) when
 * they hold the connections: every network's connections (users' and the bot's) then go through the
 * link (irc/clientOptions.ts picks the transport). Every key is read here, enabled or not. No Redis
 * connection is made before the link starts.
 */
export function connectionProcess(
  config: BridgeConfig,
  log: Logger,
  build: (network: NetworkConfig, index: number) => NetworkContext,
): { readonly link: BridgeLink | undefined; readonly networks: NetworkContext[] } {
  const { enabled, redisUrl, streamPrefix, openTimeoutSeconds, leaseSeconds } = config.connectionProcess;
  const link = enabled ? new BridgeLink({ redisUrl, prefix: streamPrefix, openTimeoutMs: openTimeoutSeconds * 1000, leaseMs: leaseSeconds * 1000, log: log.child({ module: "pool" }) }) : undefined;
  const networks = config.ircNetworks.map((n, i) => {
    const network = build(n, i);
    return link === undefined ? network : { ...network, server: { ...network.server, connectionProcess: { link, network: network.id } } };
  });
  return { link, networks };
}
