import type { NetworkContext } from "../irc/networkContext";
import type { Clock } from "../irc/pacedQueue";
import type { MatrixEvent } from "../matrix/events";
import type { Ghosts } from "../matrix/ghosts";
import type { MatrixApi } from "../matrix/matrixApi";
import type { Logger } from "../observability/logger";
import type { Metrics } from "../observability/metrics";
import { DirectChats } from "../pms/directChats";
import { PmRooms } from "../pms/pmRooms";
import { PmIndex } from "../rooms/pmIndex";
import type { RoomQueues } from "../rooms/roomQueues";
import type { Store } from "../store/store";

/** The private-message rooms (src/pms/), loaded from the store. */
export async function privateMessages(deps: {
  readonly store: Store;
  readonly api: MatrixApi;
  readonly ghosts: Ghosts;
  readonly queues: RoomQueues;
  readonly networks: readonly NetworkContext[];
  readonly clock: Clock;
  readonly metrics: Metrics;
  readonly log: Logger;
  /** Routes events a direct chat held while its ghost was joining. */
  readonly replay: (events: readonly MatrixEvent[]) => void;
}): Promise<{ readonly index: PmIndex; readonly pms: PmRooms; readonly directChats: DirectChats }> {
  const { api, ghosts, clock } = deps;
  const index = new PmIndex(deps.store.pmRooms);
  await index.load();
  const log = deps.log.child({ module: "pms" });
  const networks = new Map(deps.networks.map((n) => [n.id, n]));
  const enqueue = deps.queues.enqueue.bind(deps.queues);
  const pms = new PmRooms({ index, api, ghosts, enqueue, networks, clock, log, metrics: deps.metrics });
  const directChats = new DirectChats({ pms, api, ghosts, enqueue, networks, clock, log, replay: deps.replay });
  return { index, pms, directChats };
}
