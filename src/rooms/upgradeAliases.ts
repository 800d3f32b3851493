import type { NetworkIds } from "../matrix/networkIds";
import type { MatrixApi } from "../matrix/matrixApi";

/**
 * A portal was upgraded: its aliases must lead to the new room. The homeserver moves a room's local
 * aliases on upgrade when it can (Synapse does, for aliases on its own domain); this makes sure of
 * it either way, for the bridge's own aliases only (those of the network's aliasTemplate): each one
 * the old room still has, and the channel's alias, is pointed at the new room. An alias that leads
 * to some third room is left alone (it is not the bridge's to take). Idempotent. Returns the
 * aliases it had to repoint (for the log).
 */
export async function followAliases(api: MatrixApi, botUserId: string, ids: NetworkIds, channel: string, oldRoomId: string, newRoomId: string): Promise<string[]> {
  const ours = (await api.localAliases(oldRoomId, botUserId)).filter((alias) => ids.channelOfAlias(alias) !== undefined);
  const wanted = [...new Set([ids.portalAlias(channel), ...ours])];
  const moved: string[] = [];
  for (const alias of wanted) {
    const target = await api.resolveAlias(alias, botUserId);
    if (target === newRoomId || (target !== undefined && target !== oldRoomId)) continue;
    if (target === oldRoomId) await api.deleteAlias(alias, botUserId);
    await api.setAlias(alias, newRoomId, botUserId);
    moved.push(alias);
  }
  return moved;
}
