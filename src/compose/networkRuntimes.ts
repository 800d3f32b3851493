import type { NetworkBridge } from "../bridge/networkBridge";
import { ChannelOrder } from "../fromMatrix/channelOrder";
import type { NetworkRuntime } from "../fromMatrix/context";

/** A network as the Matrix handlers see it, with the bridge it comes from. */
export type BridgedNetwork = NetworkRuntime & { readonly bridge: NetworkBridge };

/** Each network's runtime for the Matrix -> IRC handlers, by network id. */
export function networkRuntimes(bridges: readonly NetworkBridge[]): Map<string, BridgedNetwork> {
  return new Map(
    bridges.map((bridge) => [
      bridge.network.id,
      {
        network: bridge.network,
        puppets: bridge.puppets,
        order: new ChannelOrder(bridge.network.pacing.maxQueuedLines, bridge.network.maxOrderHoldMs),
        history: (channel: string, since: number) => bridge.history(channel, since),
        actors: bridge.actors,
        nicks: bridge.nicks,
        noteTopic: (roomId: string, topic: string) => bridge.noteTopic(roomId, topic),
        removeFromRoom: (roomId: string, userId: string, reason: string) => bridge.removeFromRoom(roomId, userId, reason),
        joinedInMatrix: (roomId: string, userId: string, displayname: string | undefined) => bridge.joinedInMatrix(roomId, userId, displayname),
        bridge,
      },
    ]),
  );
}
