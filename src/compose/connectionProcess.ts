import type { BridgeConfig } from "../config/schema";
import type { NetworkContext } from "../irc/networkContext";
import type { Logger } from "../observability/logger";
import { BridgeLink } from "../pool/bridgeLink";

/**
 * The bridge's link to its connection processes (config connectionProcess), or undefined when the
 * bridge holds its connections itself. Every key is read here, enabled or not. No Redis connection
 * is made before the link starts.
 */
export function connectionProcessLink(config: BridgeConfig["connectionProcess"], log: Logger): BridgeLink | undefined {
  const { enabled, redisUrl, streamPrefix, openTimeoutSeconds, leaseSeconds } = config;
  if (!enabled) return undefined;
  return new BridgeLink({ redisUrl, prefix: streamPrefix, openTimeoutMs: openTimeoutSeconds * 1000, leaseMs: leaseSeconds * 1000, log });
}

/** A network whose connections (users' and bot's) go through the link when there is one. */
export function throughLink(network: NetworkContext, link: BridgeLink | undefined): NetworkContext {
  if (link === undefined) return network;
  return { ...network, server: { ...network.server, connectionProcess: { link, network: network.id } } };
}
