import type { AccessPolicy } from "../access/accessPolicy";
import type { NetworkBridge } from "../bridge/networkBridge";
import type { Clock } from "../irc/pacedQueue";
import type { Ghosts } from "../matrix/ghosts";
import type { MatrixApi } from "../matrix/matrixApi";
import type { Logger } from "../observability/logger";
import { BotInbox } from "../provisioning/botInbox";
import { botHelp } from "../provisioning/botHelp";
import { ircUnlinkListener } from "../provisioning/ircUnlink";
import type { ProvisioningNetwork, ProvisioningSettings } from "../provisioning/deps";
import { LinkService } from "../provisioning/linkService";
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
  readonly ghosts: Pick<Ghosts, "leave">;
  readonly access: AccessPolicy;
  readonly isAdmin: (userId: string) => boolean;
  readonly isPrivateRoom: (roomId: string) => boolean;
  readonly notice: (roomId: string, text: string) => void;
  readonly clock: Clock;
  readonly log: Logger;
}): { readonly links: LinkService; readonly inbox: BotInbox; readonly attach: (bridges: readonly NetworkBridge[]) => void } {
  const networks = new Map<string, ProvisioningNetwork>();
  const inbox = new BotInbox(botHelp(deps.clock));
  const links = new LinkService({
    bridgeId: deps.bridgeId,
    botUserId: deps.botUserId,
    api: deps.api,
    rooms: deps.rooms,
    networks,
    inbox,
    queues: deps.queues,
    ghosts: deps.ghosts,
    access: deps.access,
    isAdmin: deps.isAdmin,
    isPrivateRoom: deps.isPrivateRoom,
    notice: deps.notice,
    settings: deps.settings,
    clock: deps.clock,
    log: deps.log.child({ module: "provisioning" }),
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
  return { links, inbox, attach };
}
