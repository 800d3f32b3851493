import { isRecord } from "../matrix/events";
import type { Json } from "../matrix/matrixApi";
import type { MessageLog } from "../rooms/messageLog";
import type { PendingSend } from "../rooms/pendingSends";
import { LOOKUP_WAIT_MS } from "./withLogged";

/**
 * The content of an IRC reply whose original was not in the room's log when the reply arrived,
 * found at its turn to be delivered: by then the room's earlier IRC messages are delivered (and
 * logged), and a Matrix user's message IRC relayed to others before echoing it to its sender is
 * waited for, while such an echo is on its way and at most LOOKUP_WAIT_MS (MessageLog.whenEchoed).
 * Found: an m.in_reply_to, and the Matrix user it answers among the mentions. Not found: the
 * content as it is, a plain message.
 */
export async function lateReply(send: PendingSend, replyTo: string, messages: MessageLog): Promise<Json> {
  const original = await messages.whenEchoed(send.roomId, replyTo, LOOKUP_WAIT_MS);
  if (original === undefined) return send.content;
  const listed = isRecord(send.content["m.mentions"]) ? send.content["m.mentions"].user_ids : undefined;
  const mentioned = Array.isArray(listed) ? listed.filter((u): u is string => typeof u === "string") : [];
  const answered = original.sender;
  const userIds = answered === undefined || mentioned.includes(answered) ? mentioned : [...mentioned, answered];
  return {
    ...send.content,
    "m.mentions": userIds.length > 0 ? { user_ids: userIds } : {},
    "m.relates_to": { "m.in_reply_to": { event_id: original.eventId } },
  };
}
