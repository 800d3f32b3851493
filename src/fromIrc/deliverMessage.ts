import type { Ghosts } from "../matrix/ghosts";
import type { MatrixApi } from "../matrix/matrixApi";
import type { Metrics } from "../observability/metrics";
import type { PendingSend } from "../rooms/pendingSends";

export interface DeliverDeps {
  readonly ghosts: Ghosts;
  readonly api: MatrixApi;
  readonly metrics: Metrics;
  /** Records the message as the channel's last delivered (for chathistory catch-up). */
  readonly markDelivered: (send: PendingSend) => void;
}

/** Sends one IRC message into its Matrix room as its ghost (joining the ghost first), with its original time. */
export async function deliverMessage(send: PendingSend, deps: DeliverDeps): Promise<void> {
  await deps.ghosts.ensureJoined(send.roomId, send.ghost, send.nick);
  await deps.api.send(send.roomId, send.ghost, "m.room.message", send.content, send.txnId, send.ts);
  deps.metrics.bridgedMessages.inc({ direction: "irc_to_matrix" });
  deps.markDelivered(send);
}
