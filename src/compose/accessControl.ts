import { BanLists, type ListRoomsApi } from "../access/banLists";
import { ConfiguredAccess } from "../access/accessPolicy";
import type { BridgeConfig } from "../config/schema";
import type { Logger } from "../observability/logger";

/**
 * Who may use the bridge (src/access/), built from the config's `access` section: the policy every
 * connection passes (allow, deny and exclusion lists, and the bans of the subscribed lists), and
 * the subscriptions to those lists. No I/O until `banLists.start()`.
 */
export function accessControl(config: BridgeConfig["access"], api: ListRoomsApi, botUserId: string, log: Logger): { readonly policy: ConfiguredAccess; readonly banLists: BanLists } {
  const banLists = new BanLists({ api, botUserId, lists: config.banLists.rooms, log: log.child({ module: "access" }) });
  const policy = new ConfiguredAccess(
    {
      allowedUsers: config.allowedUsers,
      deniedUsers: config.deniedUsers,
      allowedServers: config.allowedServers,
      deniedServers: config.deniedServers,
      excludedUsers: config.excludedUsers,
    },
    banLists,
  );
  return { policy, banLists };
}
