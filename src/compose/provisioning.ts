import type { BridgeConfig } from "../config/schema";
import type { NetworkBridge } from "../bridge/networkBridge";
import { BotInbox } from "../provisioning/botInbox";
import { botHelp } from "../provisioning/botHelp";
import { ircUnlinkListener } from "../provisioning/ircUnlink";
import type { ProvisioningDeps, ProvisioningNetwork, ProvisioningSettings } from "../provisioning/deps";
import { channelBotOf } from "../provisioning/channelBot";
import { ConsentDesk } from "../provisioning/consent";
import { LinkService } from "../provisioning/linkService";
import { handleExchange, OpenIdExchange } from "../provisioning/openId";
import { federationHttp } from "../provisioning/openId/federationHttp";
import { ProvisioningSessions } from "../provisioning/openId/sessions";
import { ProvisioningAuth } from "../provisioning/api/auth";
import { RateLimit } from "../provisioning/api/rateLimit";
import { ProvisioningApi } from "../provisioning/api/router";
import { findNetwork } from "../provisioning/targetChecks";

/** How long the bridge waits for a homeserver's .well-known or OpenID userinfo answer. */
const OPENID_TIMEOUT_MS = 10_000;
/** The largest such answer read (both are a few hundred bytes). */
const OPENID_MAX_ANSWER_BYTES = 64 * 1024;
/** Provisioning sessions held at most, and per Matrix user (a user's newest end their oldest). */
const MAX_SESSIONS = 10_000;
const MAX_SESSIONS_PER_USER = 10;

/** The `provisioning` config section as the services take it (read in App's constructor: every key). */
export function provisioningSettings(section: BridgeConfig["provisioning"]): ProvisioningSettings {
  const { enabled, secret, requestTimeoutSeconds, unlinkGhostsLeave, maxPendingPerChannel, maxPendingPerUser, roomLimit, requestsPerMinute } = section;
  const { openIdDisallowedIpRanges, openIdOverrides, openIdSessionLifetimeSeconds } = section;
  const openId = { disallowedIpRanges: [...openIdDisallowedIpRanges], overrides: { ...openIdOverrides }, sessionLifetimeSeconds: openIdSessionLifetimeSeconds };
  return { enabled, secret, requestTimeoutSeconds, unlinkGhostsLeave, maxPendingPerChannel, maxPendingPerUser, roomLimit, requestsPerMinute, openId };
}

/** Runtime links (src/provisioning/): the service every entry point uses, and the IRC bots' inbox. */
export function provisioning(
  deps: Pick<
    ProvisioningDeps,
    "bridgeId" | "settings" | "botUserId" | "api" | "rooms" | "queues" | "ghosts" | "access" | "isAdmin" | "isPrivateRoom" | "notice" | "clock" | "log"
  > & {
    /** Largest provisioning request body (bridge.maxTxnSize caps it). */
    readonly maxBodyBytes: number;
  },
): {
  readonly links: LinkService;
  readonly inbox: BotInbox;
  readonly attach: (bridges: readonly NetworkBridge[]) => void;
  /** The HTTP API, when provisioning.enabled (served on the appservice port). */
  readonly api: ProvisioningApi | undefined;
  /** Provisioning sessions opened by the OpenID widget sign-in. */
  readonly sessions: OpenIdExchange;
} {
  const networks = new Map<string, ProvisioningNetwork>();
  const inbox = new BotInbox(botHelp(deps.clock));
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
    ghosts: deps.ghosts,
    access: deps.access,
    isAdmin: deps.isAdmin,
    isPrivateRoom: deps.isPrivateRoom,
    notice: deps.notice,
    settings: deps.settings,
    clock: deps.clock,
    log,
  });
  inbox.listen(ircUnlinkListener({ networks, rooms: deps.rooms, log: deps.log.child({ module: "provisioning" }) }, links));
  // The networks exist only once their bridges do, and the bridges need the inbox first.
  const attach = (bridges: readonly NetworkBridge[]) => {
    for (const bridge of bridges) {
      networks.set(bridge.network.id, {
        network: bridge.network,
        bot: () => bridge.bot?.connection,
        puppets: bridge.puppets,
        roster: bridge.feed.roster,
        fold: (name) => bridge.feed.fold(name),
        botBelongsIn: (room) => bridge.botBelongsIn(room),
      });
    }
  };
  const openId = deps.settings.openId;
  const sessions = new OpenIdExchange({
    settings: openId,
    net: federationHttp({ timeoutMs: OPENID_TIMEOUT_MS, maxBytes: OPENID_MAX_ANSWER_BYTES }),
    sessions: new ProvisioningSessions(
      { lifetimeMs: openId.sessionLifetimeSeconds * 1000, maxSessions: MAX_SESSIONS, maxPerUser: MAX_SESSIONS_PER_USER },
      deps.clock,
    ),
    log: deps.log.child({ module: "provisioning-openid" }),
  });
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
          auth: new ProvisioningAuth(secret, sessions),
          rateLimit: new RateLimit(requestsPerMinute, deps.clock),
          maxBodyBytes: Math.min(deps.maxBodyBytes, 64 * 1024),
          log,
          exchangeOpenId: handleExchange(sessions),
          signOut: (token) => sessions.signOut(token),
        })
      : undefined;
  return { links, inbox, attach, api, sessions };
}
