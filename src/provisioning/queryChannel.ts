import { isValidChannelName } from "../irc/channelName";
import type { ProvisioningDeps } from "./deps";
import { ProvisionError, type ChannelQuery } from "./links";
import { findNetwork } from "./targetChecks";

/**
 * The channel's operators right now, asked of the IRC server through the network's bot (NAMES:
 * see channelBot.ts), so it answers for channels the bridge is not in. Refuses, saying why, for an
 * unknown network, an invalid or excluded channel, or a network without a bot. Changes nothing.
 */
export async function queryChannel(deps: ProvisioningDeps, networkId: string, channel: string): Promise<ChannelQuery> {
  const net = findNetwork(deps, networkId);
  if (net === undefined) throw new ProvisionError(404, "IRC_UNKNOWN_NETWORK", `There is no IRC network ${networkId} on this bridge.`);
  if (!isValidChannelName(channel)) throw new ProvisionError(400, "M_INVALID_PARAM", `${channel} is not an IRC channel name.`);
  if (net.network.channels.isExcluded(channel)) throw new ProvisionError(403, "M_FORBIDDEN", `${channel} may not be bridged on ${net.network.name}.`);
  const bot = deps.channelBot(net);
  if (bot === undefined) throw new ProvisionError(400, "IRC_NO_BOT", `${net.network.name} runs no IRC bot on this bridge (bot.enabled): it cannot look at channels.`);
  return { operators: await bot.operators(channel) };
}
