import { errorText } from "../errors";
import type { Clock } from "../irc/pacedQueue";
import { MatrixApiError } from "../matrix/matrixApi";
import type { Logger } from "../observability/logger";
import type { Metrics } from "../observability/metrics";
import { RoomQueues } from "../rooms/roomQueues";

/**
 * The per-room queues of Matrix operations, wired to the metrics and the log; `retrying` is how
 * many rooms are waiting on a failing homeserver (the bridge is degraded while it is not 0).
 */
export function homeserverQueues(metrics: Metrics, log: Logger, clock: Clock): { readonly queues: RoomQueues; readonly retrying: () => number } {
  const retrying = new Set<string>();
  const recovered = (roomId: string) => {
    retrying.delete(roomId);
    if (retrying.size === 0) metrics.homeserverReachable.set(1);
  };
  const queues = new RoomQueues(
    {
      onGiveUp: (roomId, op, err) => {
        recovered(roomId);
        metrics.roomOpsGivenUp.inc();
        log.warn("the homeserver refused an operation; moving on", { room: roomId, what: op.what, error: errorText(err) });
      },
      onRetry: (roomId, op, err, delayMs) => {
        if (err instanceof MatrixApiError && err.transient) {
          retrying.add(roomId);
          metrics.homeserverReachable.set(0);
        }
        log.info("retrying an operation", { room: roomId, what: op.what, error: errorText(err), delayMs });
      },
      onRecovered: recovered,
    },
    clock,
  );
  return { queues, retrying: () => retrying.size };
}
