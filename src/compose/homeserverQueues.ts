import { randomUUID } from "node:crypto";
import { errorText } from "../errors";
import type { Clock } from "../irc/pacedQueue";
import { MatrixApiError, type MatrixApi } from "../matrix/matrixApi";
import type { Logger } from "../observability/logger";
import type { Metrics } from "../observability/metrics";
import { RoomQueues } from "../rooms/roomQueues";

/** The bound on each room's queue, and who tells the room what did not fit. */
export interface QueueBound {
  readonly maxPerRoom: number;
  readonly api: MatrixApi;
  readonly botUserId: string;
}

/**
 * The per-room queues of Matrix operations, wired to the metrics and the log; `retrying` is how
 * many rooms are waiting on a failing homeserver (the bridge is degraded while it is not 0). What
 * a full room's queue refused is counted, and once the queue has drained the bot says in the room
 * how many changes from IRC were not applied (queues keyed otherwise, such as private chats' and
 * admin rooms', only log it: their operations are never refused).
 */
export function homeserverQueues(
  metrics: Metrics,
  log: Logger,
  clock: Clock,
  bound?: QueueBound,
): { readonly queues: RoomQueues; readonly retrying: () => number } {
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
      onDropped: (roomId, op) => {
        metrics.roomOpsDropped.inc();
        log.warn("a change from IRC was not applied: the room's queue for the homeserver is full", { room: roomId, what: op.what });
      },
      onOverflowEnded: (roomId, count) => {
        if (bound === undefined || !roomId.startsWith("!")) return;
        const txnId = `overflow.${randomUUID()}`;
        const body = `${count} change(s) from IRC (members joining or leaving, topics, notices) were not applied to this room: its queue for the homeserver was full (homeserver.maxQueuedPerRoom). The member list may be out of date until members next join or speak.`;
        queues.enqueue(roomId, { what: "overflow notice", run: () => bound.api.send(roomId, bound.botUserId, "m.room.message", { msgtype: "m.notice", body }, txnId).then(() => undefined) });
      },
    },
    clock,
    bound?.maxPerRoom,
  );
  return { queues, retrying: () => retrying.size };
}
