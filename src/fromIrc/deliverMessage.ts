import type { MessageLog } from "../rooms/messageLog";
import type { Ghosts } from "../matrix/ghosts";
import type { MatrixApi } from "../matrix/matrixApi";
import type { Metrics } from "../observability/metrics";
import type { NetworkContext } from "../irc/networkContext";
import type { PendingSend } from "../rooms/pendingSends";
import type { RoomIndex } from "../rooms/roomIndex";
import { lateReply } from "./lateReply";

export interface DeliverDeps {
  readonly ghosts: Ghosts;
  readonly api: MatrixApi;
  readonly metrics: Metrics;
  /** Where the delivered message is logged (its event id and msgid, for replies and reactions). */
  readonly messages: MessageLog;
  /** Records the message as the channel's last delivered (for chathistory catch-up). */
  readonly markDelivered: (send: PendingSend) => void;
  /** Whether the message's room is still bridged to its channel (see isBridged). */
  readonly bridged: (send: PendingSend) => boolean;
  /** The displayname of the message's ghost (the network's ghostDisplayname for its nick). */
  readonly ghostDisplayname: (send: PendingSend) => string;
}

/**
 * Sends one IRC message into its Matrix room as its ghost (joining the ghost first), with its
 * original time; a reply whose original was not logged yet is looked up again (lateReply.ts). A
 * message whose room was unlinked while it waited is dropped (counted): nothing crosses after an unlink, and the room is told it was unlinked (provisioning/unlink.ts).
 */
export async function deliverMessage(send: PendingSend, deps: DeliverDeps): Promise<void> {
  if (!deps.bridged(send)) {
    deps.metrics.undeliverable.inc({ direction: "irc_to_matrix", reason: "unlinked" });
    return;
  }
  await deps.ghosts.ensureJoined(send.roomId, send.ghost, deps.ghostDisplayname(send));
  const content = send.replyTo === undefined ? send.content : await lateReply(send, send.replyTo, deps.messages);
  const eventId = await deps.api.send(send.roomId, send.ghost, "m.room.message", content, send.txnId, send.ts);
  const body = send.content.body;
  deps.messages.record({ roomId: send.roomId, eventId, nick: send.nick, text: typeof body === "string" ? body : "", ...(send.msgid === undefined ? {} : { msgid: send.msgid }) });
  deps.metrics.bridgedMessages.inc({ direction: "irc_to_matrix" });
  deps.markDelivered(send);
}

/** Whether the room of a channel message is bridged to that channel right now. */
export function isBridged(rooms: Pick<RoomIndex, "room">, networks: readonly NetworkContext[], send: PendingSend): boolean {
  const room = rooms.room(send.roomId);
  const network = networks.find((n) => n.id === send.network);
  return network !== undefined && room?.network === send.network && room.folded === network.channels.fold(send.channel);
}
