/**
 * What ending a bridge does after the room left the index (unlink.ts): the users' puppets that were
 * in the channel only for this room PART it (and forget it, so no reconnect or restart rejoins it),
 * the IRC bot PARTs a channel no bridged room needs any more, a portal's aliases stop leading to
 * the room, the bridge-info state is cleared and the ghosts leave (or stay: unlinkGhostsLeave).
 *
 * Guarantees: a user who is in another room bridged to the same channel (or whose connection is
 * in the channel without being in this room, by !join) keeps the channel; when a membership
 * cannot be read nobody is PARTed (a wrong PART is worse than a puppet left behind, which the
 * user can !part). The room's changes (state, ghost leaves) go through the room's queue, after
 * whatever IRC had queued for it, one ghost at a time (each leave queues the next, so the queue
 * stays short and other rooms are never held); a room linked to the same channel again before
 * they run keeps its state and ghosts. Nothing here throws: failures are logged.
 */
import { errorText } from "../errors";
import { clearBridgeInfo } from "../rooms/bridgeInfo";
import type { RoomRecord } from "../store/store";
import type { ProvisioningDeps, ProvisioningNetwork } from "./deps";

const PUPPET_PART_REASON = "the Matrix room was unlinked from this channel";
const BOT_PART_REASON = "no Matrix room is bridged to this channel any more";

/** PARTs the puppets that were in the channel for this room alone; the users PARTed. */
export async function partPuppets(deps: ProvisioningDeps, net: ProvisioningNetwork, room: RoomRecord): Promise<string[]> {
  const inChannel = [...net.puppets.all()].flatMap(([userId, connection]) => {
    const written = connection.channelNames.find((c) => net.fold(c) === room.folded);
    return written === undefined ? [] : [{ userId, connection, written }];
  });
  if (inChannel.length === 0) return [];
  let members: Set<string>;
  const stay = new Set<string>();
  try {
    members = new Set(await deps.api.joinedMembers(room.roomId, deps.botUserId));
    for (const other of deps.rooms.roomsFor(room.network, room.folded)) {
      for (const userId of await deps.api.joinedMembers(other.roomId, deps.botUserId)) stay.add(userId);
    }
  } catch (err) {
    deps.log.warn("cannot read who is in the rooms of an unlinked channel; no puppet PARTs it", { room: room.roomId, channel: room.channel, error: errorText(err) });
    return [];
  }
  const parted: string[] = [];
  for (const { userId, connection, written } of inChannel) {
    if (!members.has(userId) || stay.has(userId)) continue;
    connection.part(written, PUPPET_PART_REASON);
    parted.push(userId);
    net.puppets.persist(userId).catch((err: unknown) => deps.log.warn("cannot save a connection's channels after an unlink", { user: userId, error: errorText(err) }));
  }
  return parted;
}

/** The bot PARTs the channel when no room still bridged to it needs the bot there; true when it did. */
export function partBot(deps: ProvisioningDeps, net: ProvisioningNetwork, room: RoomRecord): boolean {
  if (!net.botBelongsIn(room)) return false;
  if (deps.rooms.roomsFor(room.network, room.folded).some((r) => net.botBelongsIn(r))) return false;
  const bot = net.bot();
  if (bot === undefined) return false;
  const written = bot.channelNames.find((c) => net.fold(c) === room.folded) ?? room.channel;
  bot.part(written, BOT_PART_REASON);
  return true;
}

/** A portal's aliases of this network are removed, so they no longer lead to the room (the next join by alias makes a new portal). */
export async function removePortalAliases(deps: ProvisioningDeps, net: ProvisioningNetwork, room: RoomRecord): Promise<void> {
  if (room.origin !== "portal") return;
  try {
    const aliases = new Set(await deps.api.localAliases(room.roomId, deps.botUserId));
    aliases.add(net.network.ids.portalAlias(room.channel));
    for (const alias of aliases) {
      if (net.network.ids.channelOfAlias(alias) === undefined) continue;
      if ((await deps.api.resolveAlias(alias)) !== room.roomId) continue;
      await deps.api.deleteAlias(alias, deps.botUserId);
    }
  } catch (err) {
    deps.log.warn("cannot remove the aliases of an unlinked portal", { room: room.roomId, error: errorText(err) });
  }
}

/** Whether the room was linked to the same channel again since (its state and ghosts are the new link's). */
function relinked(deps: ProvisioningDeps, room: RoomRecord): boolean {
  const now = deps.rooms.room(room.roomId);
  return now?.network === room.network && now.folded === room.folded;
}

/** Clears the bridge-info state, through the room's queue. */
export function clearState(deps: ProvisioningDeps, net: ProvisioningNetwork, room: RoomRecord): void {
  deps.queues.enqueue(room.roomId, {
    what: "clear the bridge-info state of an unlinked room",
    run: async () => {
      if (relinked(deps, room)) return;
      await clearBridgeInfo(deps.api, room.roomId, { bridgeId: deps.bridgeId, botUserId: deps.botUserId, network: { id: net.network.id, name: net.network.name }, channel: room.channel });
    },
  });
}

/** The network's ghosts leave the room, one at a time through its queue (the list is read when the first runs). */
export function removeGhosts(deps: ProvisioningDeps, net: ProvisioningNetwork, room: RoomRecord): void {
  const { queues, api, botUserId, ghosts } = deps;
  const leaveFrom = (left: readonly string[]) => {
    const [ghost, ...rest] = left;
    if (ghost === undefined) return;
    queues.enqueue(room.roomId, {
      what: "a ghost leaves an unlinked room",
      run: async () => {
        if (!relinked(deps, room)) await ghosts.leave(room.roomId, ghost);
      },
      settled: () => leaveFrom(rest),
    });
  };
  queues.enqueue(room.roomId, {
    what: "list the ghosts of an unlinked room",
    run: async () => {
      if (relinked(deps, room)) return;
      const members = await api.joinedMembers(room.roomId, botUserId);
      const found = members.filter((userId) => net.network.ids.nickOfGhost(userId) !== undefined);
      deps.log.info("ghosts leave an unlinked room", { room: room.roomId, count: found.length });
      leaveFrom(found);
    },
  });
}
