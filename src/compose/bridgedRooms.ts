import type { AdminRooms } from "../admin/adminRooms";
import type { NetworkContext } from "../irc/networkContext";
import { errorText } from "../errors";
import type { RoomUpgradeHooks } from "../fromMatrix/context";
import type { MatrixApi } from "../matrix/matrixApi";
import type { Logger } from "../observability/logger";
import { ensureBridgeInfo } from "../rooms/bridgeInfo";
import type { RoomAccess } from "../rooms/roomAccess";
import type { RoomIndex } from "../rooms/roomIndex";
import type { RoomQueues } from "../rooms/roomQueues";
import type { BanStore, RoomRecord } from "../store/store";
import { RoomUpgrades } from "../rooms/roomUpgrades";

/**
 * The bot's part in bridged rooms it did not create: joining a room it is invited to (a static
 * mapping's: then its bridge-info state, written only when missing or different, so a restart
 * writes nothing new), and following rooms that are upgraded (rooms/roomUpgrades.ts), admin rooms
 * included.
 */
export function bridgedRooms(deps: {
  readonly bridgeId: string;
  readonly botUserId: string;
  readonly api: MatrixApi;
  readonly rooms: RoomIndex;
  readonly queues: RoomQueues;
  readonly access: RoomAccess;
  readonly bans: Pick<BanStore, "moveRoom">;
  /** The networks' bridges (NetworkBridge): `roomAdded(room, true)` for a room that replaced another. */
  readonly bridges: readonly { readonly network: NetworkContext; roomAdded(room: RoomRecord, replacing: boolean): void }[];
  readonly adminRooms: Pick<AdminRooms, "adopt" | "userOf">;
  readonly isPrivateRoom: (roomId: string) => boolean;
  readonly notice: (roomId: string, text: string) => void;
  readonly log: Logger;
}): { readonly upgrades: RoomUpgradeHooks; readonly acceptInvite: (roomId: string) => void } {
  const { api, botUserId, rooms, adminRooms, log } = deps;
  const networks = new Map(deps.bridges.map((bridge) => [bridge.network.id, { network: bridge.network, roomMoved: (room: RoomRecord) => bridge.roomAdded(room, true) }]));
  const upgrades = new RoomUpgrades({ ...deps, networks, log: log.child({ module: "upgrades" }) });
  const followAdminRoom = (oldRoomId: string, newRoomId: string, owner: string): void => {
    void adminRooms.adopt(newRoomId, owner).then(() => {
      if (adminRooms.userOf(newRoomId) === owner) return;
      upgrades.awaitInvite(newRoomId, () => followAdminRoom(oldRoomId, newRoomId, owner));
      deps.notice(oldRoomId, `This room was upgraded. Invite me (${botUserId}) to the new room to use it as your admin room; until then this room still is.`);
    });
  };
  const acceptInvite = (roomId: string): void => {
    const record = rooms.room(roomId);
    if (record === undefined) return;
    deps.queues.enqueue(roomId, {
      what: "bot joins",
      run: async () => {
        await api.join(roomId, botUserId);
        const network = networks.get(record.network)?.network;
        if (record.origin !== "mapped" || network === undefined) return;
        const target = { bridgeId: deps.bridgeId, botUserId, network: { id: network.id, name: network.name }, channel: record.channel };
        await ensureBridgeInfo(api, roomId, target).catch((err: unknown) => log.warn("could not write the bridge-info state of a mapped room", { room: roomId, error: errorText(err) }));
      },
    });
  };
  return {
    upgrades: {
      follow: (oldRoomId, newRoomId, by) => upgrades.follow(oldRoomId, newRoomId, by),
      followAdminRoom,
      invited: (roomId) => upgrades.invited(roomId),
    },
    acceptInvite,
  };
}
