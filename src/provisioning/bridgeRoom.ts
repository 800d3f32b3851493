import { errorText } from "../errors";
import type { RoomRecord } from "../store/store";
import { writeBridgeInfo } from "../rooms/bridgeInfo";
import type { ProvisioningDeps, ProvisioningNetwork } from "./deps";
import { ProvisionError, type LinkInfo, type LinkTarget } from "./links";

/**
 * Makes a checked target a bridged room: the bot joins the room (it must be invited, or the room
 * public; refused otherwise, and nothing is changed), the record (from now on messages flow both ways, and the
 * bot joins the channel: RoomIndex.onAdded), the bridge-info state, and a notice saying who linked
 * it. The record comes first so a link is never shown in state without being live; a failure to
 * write the state is logged and the link stands (it is cosmetic, and written again on relink).
 */
export async function bridgeRoom(deps: ProvisioningDeps, net: ProvisioningNetwork, target: LinkTarget, by: string, how: string): Promise<LinkInfo> {
  const { network } = net;
  try {
    await deps.api.join(target.roomId, deps.botUserId);
  } catch (err) {
    deps.log.info("the bot could not join a room to link", { room: target.roomId, error: errorText(err) });
    throw new ProvisionError(403, "M_FORBIDDEN", `The bridge bot ${deps.botUserId} cannot join ${target.roomId}: invite it to the room first.`);
  }
  const record: RoomRecord = {
    roomId: target.roomId,
    network: network.id,
    channel: target.channel,
    folded: net.fold(target.channel),
    origin: "linked",
    linkedBy: by,
    linkedAt: deps.clock.now(),
  };
  await deps.rooms.add(record);
  deps.log.info("linked a room to a channel", { room: target.roomId, network: network.id, channel: target.channel, by, how });
  try {
    await writeBridgeInfo(deps.api, target.roomId, { bridgeId: deps.bridgeId, botUserId: deps.botUserId, network: { id: network.id, name: network.name }, channel: target.channel, creator: by });
  } catch (err) {
    deps.log.warn("could not write the bridge-info state of a linked room", { room: target.roomId, error: errorText(err) });
  }
  deps.notice(target.roomId, `This room is now bridged to ${target.channel} on ${network.name} (${how}).`);
  return { networkId: network.id, channel: target.channel, roomId: target.roomId, origin: "linked" };
}
