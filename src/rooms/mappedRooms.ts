import type { NetworkContext } from "../irc/networkContext";
import type { Logger } from "../observability/logger";
import type { RoomIndex } from "./roomIndex";

/**
 * The config's static mappings become bridged rooms at start, after the stored rooms are loaded.
 *
 * Guarantees:
 * - A mapped room that was upgraded (a stored record lists it among its `predecessors`) is not
 *   bridged again: its successor is, and the operator is told at every start, until the config
 *   names the new room, which room id to put in its place. So an upgrade is never undone by a
 *   restart, and the channel never gets two rooms from one mapping.
 * - A mapping's room that is stored already (the same channel) keeps its stored record (and the
 *   rooms it replaced), so naming the upgraded room in the config changes nothing else.
 * - The channel keys of a mapping follow its upgraded rooms (ChannelPolicy.noteUpgrade).
 */
export async function addMappedRooms(rooms: RoomIndex, networks: readonly NetworkContext[], log: Logger): Promise<void> {
  for (const record of rooms.all()) {
    const network = networks.find((n) => n.id === record.network);
    for (const before of record.predecessors ?? []) network?.channels.noteUpgrade(before, record.roomId);
  }
  for (const network of networks) {
    for (const { channel, roomIds } of network.channels.allMappings()) {
      const folded = network.channels.fold(channel);
      for (const roomId of roomIds) {
        const successor = rooms.successorOf(roomId);
        if (successor !== undefined) {
          log.warn("a mapped room was upgraded: the bridge uses the new room; replace the old room id in the config's mapping", {
            network: network.id,
            channel,
            configured: roomId,
            bridged: successor.roomId,
            key: `ircNetworks[${network.id}].mappings["${channel}"].roomIds`,
          });
          continue;
        }
        const stored = rooms.room(roomId);
        if (stored?.network === network.id && stored.folded === folded && stored.origin === "mapped") continue;
        await rooms.add({ roomId, network: network.id, channel, folded, origin: "mapped" });
      }
    }
  }
}
