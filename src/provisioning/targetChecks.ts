/**
 * The checks every runtime link passes, whoever asks (links.ts): the network exists, the channel
 * is a valid channel the network may bridge, the room is no admin or private-message room and not
 * bridged already, and the Matrix user asking may use the bridge at all (src/access/). Pure: no I/O.
 */
import { isValidChannelName } from "../irc/channelName";
import type { ProvisioningDeps, ProvisioningNetwork } from "./deps";
import { ProvisionError, type LinkTarget } from "./links";

const ROOM_ID = /^![^:\s]+:\S+$/;

/** The network named by its id, or by its server's address (the incumbent's `remote_room_server`). */
export function findNetwork(deps: Pick<ProvisioningDeps, "networks">, server: string): ProvisioningNetwork | undefined {
  const byId = deps.networks.get(server);
  if (byId !== undefined) return byId;
  const host = server.toLowerCase();
  for (const net of deps.networks.values()) if (net.network.server.host.toLowerCase() === host) return net;
  return undefined;
}

/** The target's network, after every check; throws a ProvisionError naming the first that fails. */
export function checkTarget(deps: ProvisioningDeps, target: LinkTarget, userId: string): ProvisioningNetwork {
  const net = findNetwork(deps, target.networkId);
  if (net === undefined) throw new ProvisionError(404, "M_NOT_FOUND", `There is no IRC network ${target.networkId} on this bridge.`);
  if (!ROOM_ID.test(target.roomId)) throw new ProvisionError(400, "M_INVALID_PARAM", `${target.roomId} is not a Matrix room id (!id:server).`);
  if (!isValidChannelName(target.channel)) throw new ProvisionError(400, "M_INVALID_PARAM", `${target.channel} is not an IRC channel name.`);
  const { channels } = net.network;
  if (channels.isExcluded(target.channel)) throw new ProvisionError(403, "M_FORBIDDEN", `${target.channel} may not be bridged on ${net.network.name}.`);
  const verdict = deps.access.check(userId);
  if (!verdict.ok) throw new ProvisionError(403, "M_FORBIDDEN", verdict.reason);
  if (deps.isPrivateRoom(target.roomId)) throw new ProvisionError(400, "M_INVALID_PARAM", "That room is an admin or private-message room of the bridge; it cannot be bridged to a channel.");
  const existing = deps.rooms.room(target.roomId);
  if (existing !== undefined) {
    throw new ProvisionError(409, "M_CONFLICT", `That room is already bridged to ${existing.channel} on ${deps.networks.get(existing.network)?.network.name ?? existing.network}.`);
  }
  return net;
}
