import type { AccessPolicy } from "../access/accessPolicy";
import type { NetworkBridge } from "../bridge/networkBridge";
import type { Clock } from "../irc/pacedQueue";
import type { MatrixApi } from "../matrix/matrixApi";
import type { Logger } from "../observability/logger";
import { BotInbox } from "../provisioning/botInbox";
import type { ProvisioningNetwork, ProvisioningSettings } from "../provisioning/deps";
import { channelBotOf } from "../provisioning/channelBot";
import { ConsentDesk } from "../provisioning/consent";
import { LinkService } from "../provisioning/linkService";
import { ProvisioningAuth, type ProvisioningSessions } from "../provisioning/api/auth";
import { RateLimit } from "../provisioning/api/rateLimit";
import { ProvisioningApi, type OpenIdExchange } from "../provisioning/api/router";
import { findNetwork } from "../provisioning/targetChecks";
import type { RoomIndex } from "../rooms/roomIndex";
import type { RoomQueues } from "../rooms/roomQueues";

/** Runtime links (src/provisioning/): the service every entry point uses, and the IRC bots' inbox. */
export function provisioning(deps: {
  readonly bridgeId: string;
  readonly settings: ProvisioningSettings;
  readonly botUserId: string;
  readonly api: MatrixApi;
  readonly rooms: RoomIndex;
  readonly queues: RoomQueues;
  readonly access: AccessPolicy;
  readonly isAdmin: (userId: string) => boolean;
  readonly isPrivateRoom: (roomId: string) => boolean;
  readonly notice: (roomId: string, text: string) => void;
  readonly clock: Clock;
  readonly log: Logger;
  /** Largest provisioning request body (bridge.maxTxnSize caps it). */
  readonly maxBodyBytes: number;
  /** OpenID widget sessions and their token exchange (provisioning/openId.ts), when built. */
  readonly sessions?: ProvisioningSessions;
  readonly exchangeOpenId?: OpenIdExchange;
}): {
  readonly links: LinkService;
  readonly inbox: BotInbox;
  readonly attach: (bridges: readonly NetworkBridge[]) => void;
  /** The HTTP API, when provisioning.enabled (served on the appservice port). */
  readonly api: ProvisioningApi | undefined;
} {
  const networks = new Map<string, ProvisioningNetwork>();
  const inbox = new BotInbox();
  const { requestTimeoutSeconds, maxPendingPerChannel, maxPendingPerUser } = deps.settings;
  const consents = new ConsentDesk(deps.clock, { maxPerChannel: maxPendingPerChannel, maxPerUser: maxPendingPerUser, timeoutMs: requestTimeoutSeconds * 1000 }, inbox);
  const log = deps.log.child({ module: "provisioning" });
  const links = new LinkService({
    bridgeId: deps.bridgeId,
    botUserId: deps.botUserId,
    api: deps.api,
    rooms: deps.rooms,
    networks,
    inbox,
    channelBot: (net) => {
      const connection = net.bot();
      return connection === undefined ? undefined : channelBotOf(connection);
    },
    consents,
    queues: deps.queues,
    access: deps.access,
    isAdmin: deps.isAdmin,
    isPrivateRoom: deps.isPrivateRoom,
    notice: deps.notice,
    settings: deps.settings,
    clock: deps.clock,
    log,
  });
  // The networks exist only once their bridges do, and the bridges need the inbox first.
  const attach = (bridges: readonly NetworkBridge[]) => {
    for (const bridge of bridges) {
      networks.set(bridge.network.id, {
        network: bridge.network,
        bot: () => bridge.bot?.connection,
        puppets: bridge.puppets,
        roster: bridge.feed.roster,
        fold: (name) => bridge.feed.fold(name),
      });
    }
  };
  const { enabled, secret, roomLimit, requestsPerMinute } = deps.settings;
  const apiNetwork = (net: ProvisioningNetwork) => ({ id: net.network.id, name: net.network.name, address: net.network.server.host });
  const api =
    enabled && secret !== undefined && secret !== ""
      ? new ProvisioningApi({
          routes: {
            links,
            networks: () => [...networks.values()].map(apiNetwork),
            findNetwork: (server) => {
              const net = findNetwork({ networks }, server);
              return net === undefined ? undefined : apiNetwork(net);
            },
            botUserId: deps.botUserId,
            roomCount: () => deps.rooms.all().length,
            roomLimit,
          },
          auth: new ProvisioningAuth(secret, deps.sessions),
          rateLimit: new RateLimit(requestsPerMinute, deps.clock),
          maxBodyBytes: Math.min(deps.maxBodyBytes, 64 * 1024),
          log,
          ...(deps.exchangeOpenId === undefined ? {} : { exchangeOpenId: deps.exchangeOpenId }),
        })
      : undefined;
  return { links, inbox, attach, api };
}
