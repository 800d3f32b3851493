import { randomUUID } from "node:crypto";
import { deliverMessage, isBridged } from "../fromIrc/deliverMessage";
import type { NetworkContext } from "../irc/networkContext";
import type { Ghosts } from "../matrix/ghosts";
import type { MatrixApi } from "../matrix/matrixApi";
import type { Logger } from "../observability/logger";
import type { Metrics } from "../observability/metrics";
import type { MessageLog } from "../rooms/messageLog";
import { pendingSendCodec } from "../rooms/pendingSendCodec";
import { PendingSends, type PendingSend } from "../rooms/pendingSends";
import type { RoomIndex } from "../rooms/roomIndex";
import type { RoomQueues } from "../rooms/roomQueues";
import type { PasswordSeal } from "../secrets/passwordSeal";
import { PmBodySeal } from "../secrets/pmSeal";
import { SendJournal } from "../store/sendJournal";
import type { WriteWatch } from "../store/writeWatch";

export interface IrcToMatrixSendsDeps {
  readonly api: MatrixApi;
  readonly botUserId: string;
  readonly queues: RoomQueues;
  readonly ghosts: Ghosts;
  readonly rooms: RoomIndex;
  readonly networks: readonly NetworkContext[];
  readonly messages: MessageLog;
  readonly metrics: Metrics;
  readonly log: Logger;
  readonly datastorePath: string | undefined;
  readonly writes: WriteWatch;
  readonly seal: PasswordSeal | undefined;
  readonly maxPerRoom: number;
  /** Private chats deliver and tell through their own rooms (src/pms/). */
  readonly pms: { deliver(send: PendingSend, userId: string): Promise<void>; noticeFor(send: PendingSend, text: string): void };
  /** Records a channel message as its channel's last delivered (chathistory catch-up). */
  readonly markDelivered: (send: PendingSend) => void;
}

/**
 * The bot's notices in a room (queued with the room's operations; droppable when the queue is
 * full) and the durable IRC -> Matrix sends (rooms/pendingSends.ts, journaled in the datastore).
 */
export function ircToMatrixSends(deps: IrcToMatrixSendsDeps): { readonly botNotice: (roomId: string, text: string) => void; readonly sends: PendingSends } {
  const { api, botUserId, queues, metrics, log } = deps;
  const botNotice = (roomId: string, text: string) => {
    // Fixed before the first attempt, so a retry after a failure never posts the notice twice.
    const txnId = `notice.${randomUUID()}`;
    queues.enqueue(roomId, {
      what: "notice",
      droppable: true,
      run: async () => {
        await api.send(roomId, botUserId, "m.room.message", { msgtype: "m.notice", body: text }, txnId);
      },
    });
  };
  const sends = new PendingSends({
    journal: new SendJournal<PendingSend>(
      deps.datastorePath,
      "irc-to-matrix.log",
      deps.writes,
      pendingSendCodec(new PmBodySeal(deps.seal), (id) => log.warn("a private message from IRC left by a restart cannot be opened (was the password key file changed?); dropped", { id })),
    ),
    queues,
    deliver: (send) =>
      send.pm !== undefined
        ? deps.pms.deliver(send, send.pm.userId)
        : deliverMessage(send, {
            ghosts: deps.ghosts,
            api,
            metrics,
            messages: deps.messages,
            markDelivered: deps.markDelivered,
            bridged: (s) => isBridged(deps.rooms, deps.networks, s),
            ghostDisplayname: (s) => deps.networks.find((n) => n.id === s.network)?.ids.ghostDisplayname(s.nick) ?? s.nick,
          }),
    notice: (send, text) => (send.pm !== undefined ? deps.pms.noticeFor(send, text) : botNotice(send.roomId, text)),
    maxPerRoom: deps.maxPerRoom,
    depth: (total) => metrics.pendingMatrixSends.set(total),
    dropped: (send) => {
      metrics.undeliverable.inc({ direction: "irc_to_matrix", reason: "queue_full" });
      log.warn("an IRC message was dropped: the room's queue for the homeserver is full", { room: send.roomId, from: send.nick });
    },
  });
  return { botNotice, sends };
}
