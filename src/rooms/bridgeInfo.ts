import type { MatrixApi } from "../matrix/matrixApi";

/**
 * Bridge-info state (MSC2346): every bridged room says, in its state, that it is bridged, by which
 * bot, to which network and channel, so clients can show it. Written under the MSC's unstable
 * type too (`uk.half-shot.bridge`), which Element reads. Removed (empty content) when the link ends.
 */
export const BRIDGE_INFO_TYPES = ["m.bridge", "uk.half-shot.bridge"] as const;

export interface BridgeInfoTarget {
  readonly bridgeId: string;
  readonly botUserId: string;
  readonly network: { readonly id: string; readonly name: string };
  readonly channel: string;
  /** Who made the link, when a Matrix user did. */
  readonly creator?: string;
}

/** One state key per bridge, network and channel (the MSC asks it be unique per remote room). */
export function bridgeInfoStateKey(target: Pick<BridgeInfoTarget, "bridgeId" | "network" | "channel">): string {
  return `${target.bridgeId}/${target.network.id}/${target.channel}`;
}

export function bridgeInfoContent(target: BridgeInfoTarget): Record<string, unknown> {
  return {
    bridgebot: target.botUserId,
    ...(target.creator === undefined ? {} : { creator: target.creator }),
    protocol: { id: "irc", displayname: "IRC" },
    network: { id: target.network.id, displayname: target.network.name },
    channel: { id: target.channel, displayname: target.channel },
  };
}

/** Writes the room's bridge-info state (both types). */
export async function writeBridgeInfo(api: MatrixApi, roomId: string, target: BridgeInfoTarget): Promise<void> {
  const content = bridgeInfoContent(target);
  for (const type of BRIDGE_INFO_TYPES) await api.setState(roomId, target.botUserId, type, bridgeInfoStateKey(target), content);
}

/** Clears it (empty content: state cannot be deleted in Matrix). */
export async function clearBridgeInfo(api: MatrixApi, roomId: string, target: Pick<BridgeInfoTarget, "bridgeId" | "botUserId" | "network" | "channel">): Promise<void> {
  for (const type of BRIDGE_INFO_TYPES) await api.setState(roomId, target.botUserId, type, bridgeInfoStateKey(target), {});
}
