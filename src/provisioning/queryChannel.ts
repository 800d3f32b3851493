import type { ProvisioningDeps } from "./deps";
import { ProvisionError, type ChannelQuery } from "./links";

/** The channel's operators right now, through the network's IRC bot (see links.ts). */
export function queryChannel(_deps: ProvisioningDeps, _networkId: string, _channel: string): Promise<ChannelQuery> {
  return Promise.reject(new ProvisionError(501, "M_UNRECOGNIZED", "channel queries are not built yet"));
}
