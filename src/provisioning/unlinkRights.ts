/**
 * Who may end a bridge (links.ts `Unlinker`): a bridge admin, a moderator of the Matrix room (a
 * user who may change its power levels: rooms/roomModerator.ts, read fresh), or an operator of the
 * IRC channel (o or higher, in the channel right now, as the bridge's connections in it see it).
 * A refusal is a ProvisionError saying what the requester lacks; nothing is changed before it.
 */
import { errorText } from "../errors";
import { RosterChannelOps } from "../rooms/channelOps";
import { isRoomModerator } from "../rooms/roomModerator";
import type { RoomRecord } from "../store/store";
import type { ProvisioningDeps, ProvisioningNetwork } from "./deps";
import { ProvisionError, type Unlinker } from "./links";

/** Throws a 403 ProvisionError unless `by` may end the bridge of `room`. */
export async function checkUnlinker(deps: ProvisioningDeps, net: ProvisioningNetwork, room: RoomRecord, by: Unlinker): Promise<void> {
  if (by.kind === "irc") {
    if (isChannelOperator(net, room.channel, by.nick)) return;
    throw new ProvisionError(403, "M_FORBIDDEN", `${by.nick} is not an operator of ${room.channel} on ${net.network.name} right now: only channel operators may end its bridges.`);
  }
  if (deps.isAdmin(by.userId)) return;
  let moderator: boolean;
  try {
    moderator = await isRoomModerator(deps.api, deps.botUserId, room.roomId, by.userId);
  } catch (err) {
    deps.log.warn("cannot read a room's power levels to check an unlink", { room: room.roomId, error: errorText(err) });
    throw new ProvisionError(503, "M_UNKNOWN", "The bridge could not read the room's power levels to check you may do that; try again later.");
  }
  if (!moderator) throw new ProvisionError(403, "M_FORBIDDEN", `Only a moderator of the room (who may change its power levels) or a bridge admin may unlink it.`);
}

/** o or higher in the channel right now, as the bridge's connections in it see it (unknown: no). */
export function isChannelOperator(net: Pick<ProvisioningNetwork, "network" | "roster">, channel: string, nick: string): boolean {
  return new RosterChannelOps(new Map([[net.network.id, net.roster]])).isOp(net.network.id, channel, nick);
}

/** How the unlinker is named in the room's notice and the log. */
export function unlinkerName(by: Unlinker): string {
  return by.kind === "matrix" ? by.userId : `${by.nick} on IRC`;
}
