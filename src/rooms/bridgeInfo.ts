import { isDeepStrictEqual } from "node:util";
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

/** The state events for a room created bridged (a portal's initial_state). */
export function bridgeInfoState(target: BridgeInfoTarget): { type: string; state_key: string; content: Record<string, unknown> }[] {
  const content = bridgeInfoContent(target);
  return BRIDGE_INFO_TYPES.map((type) => ({ type, state_key: bridgeInfoStateKey(target), content }));
}

/**
 * Writes the bridge-info state only where the room does not already have it with this content
 * (a static mapping's room, at every start: no new state event when nothing changed). True when
 * something was written.
 */
export async function ensureBridgeInfo(api: MatrixApi, roomId: string, target: BridgeInfoTarget): Promise<boolean> {
  const content = bridgeInfoContent(target);
  let wrote = false;
  for (const type of BRIDGE_INFO_TYPES) {
    const current = await api.getState(roomId, target.botUserId, type, bridgeInfoStateKey(target));
    if (current !== undefined && isDeepStrictEqual(current, content)) continue;
    await api.setState(roomId, target.botUserId, type, bridgeInfoStateKey(target), content);
    wrote = true;
  }
  return wrote;
}

/** Clears the bridge-info state where the room has it (a room the bridge moved away from). */
export async function clearBridgeInfoIfPresent(api: MatrixApi, roomId: string, target: Pick<BridgeInfoTarget, "bridgeId" | "botUserId" | "network" | "channel">): Promise<void> {
  for (const type of BRIDGE_INFO_TYPES) {
    const current = await api.getState(roomId, target.botUserId, type, bridgeInfoStateKey(target));
    if (current !== undefined && Object.keys(current).length > 0) await api.setState(roomId, target.botUserId, type, bridgeInfoStateKey(target), {});
  }
}
