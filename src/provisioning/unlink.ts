/**
 * Ends a bridge (links.ts): a link, or a portal. Mapped rooms are the config's and refused (remove
 * them from ircNetworks[].mappings). Who may: unlinkRights.ts.
 *
 * Guarantees, in this order:
 * 1. Checks first (the room is bridged to that channel, not mapped, the unlinker may): a refusal
 *    changes nothing.
 * 2. RoomIndex.remove: from that moment no lookup finds the room, so nothing more crosses either
 *    way. Already queued messages do not cross either: a Matrix message not yet handed to its
 *    sender's connection is not sent (the sender is told; sendToIrc.ts), and an IRC message not
 *    yet delivered to the room is dropped (counted; deliverMessage.ts). At most one message per
 *    sender, already on its connection's queue, may still reach the channel. The store forgets the
 *    record, so a restart does not bring it back.
 * 3. The clean-up (unlinkEffects.ts): a portal's aliases, the puppets that were there for this room
 *    alone PART (and forget the channel), the bot PARTs a channel no room needs; the room is told
 *    who ended it (a notice through its queue), then its bridge-info state is cleared and the
 *    ghosts leave (or stay: provisioning.unlinkGhostsLeave), through the room's queue.
 * The bot stays in the room (so a moderator can `!irc link` it again); they may remove it.
 */
import { errorText } from "../errors";
import type { ProvisioningDeps } from "./deps";
import { ProvisionError, type UnlinkRequest } from "./links";
import { findNetwork } from "./targetChecks";
import { clearState, partBot, partPuppets, removeGhosts, removePortalAliases } from "./unlinkEffects";
import { checkUnlinker, unlinkerName } from "./unlinkRights";

export async function unlink(deps: ProvisioningDeps, request: UnlinkRequest): Promise<void> {
  const net = findNetwork(deps, request.networkId);
  if (net === undefined) throw new ProvisionError(404, "M_NOT_FOUND", `There is no IRC network ${request.networkId} on this bridge.`);
  const { network } = net;
  const room = deps.rooms.room(request.roomId);
  if (room?.network !== network.id || room.folded !== net.fold(request.channel)) {
    throw new ProvisionError(404, "M_NOT_FOUND", `${request.roomId} is not bridged to ${request.channel} on ${network.name}.`);
  }
  if (room.origin === "mapped") {
    throw new ProvisionError(
      409,
      "M_CONFLICT",
      `${request.roomId} is bridged to ${room.channel} by the bridge's config (a static mapping): remove it from ircNetworks[${network.id}].mappings and restart the bridge to end it.`,
    );
  }
  await checkUnlinker(deps, net, room, request.by);
  const by = unlinkerName(request.by);
  let saved = true;
  try {
    await deps.rooms.remove(room.roomId);
  } catch (err) {
    // Out of the index already (nothing flows), but the store still has it: a restart would bring it back.
    saved = false;
    deps.log.error("an unlinked room could not be removed from the store", { room: room.roomId, error: errorText(err) });
  }
  deps.log.info("unlinked a room from a channel", { room: room.roomId, network: network.id, channel: room.channel, origin: room.origin, by });
  await removePortalAliases(deps, net, room);
  const parted = await partPuppets(deps, net, room);
  const botParted = partBot(deps, net, room);
  deps.log.info("left the channel of an unlinked room", { room: room.roomId, channel: room.channel, puppets: parted.length, bot: botParted });
  deps.notice(room.roomId, `This room is no longer bridged to ${room.channel} on ${network.name} (unlinked by ${by}).`);
  clearState(deps, net, room);
  if (deps.settings.unlinkGhostsLeave) removeGhosts(deps, net, room);
  if (!saved) {
    throw new ProvisionError(500, "M_UNKNOWN", "The room is unlinked now, but the bridge could not save that: it would be bridged again after a restart. The bridge's log has the details.");
  }
}
