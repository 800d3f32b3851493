import type { MatrixHandler } from "./context";

/**
 * A text message in an admin room: when its owner sent it, it is a command for the bridge (never
 * bridged to IRC). Anything else there (notices, other senders, media) is ignored. A retried
 * transaction does not run a command twice.
 */
export const onAdminMessage: MatrixHandler = (event, ctx) => {
  const { room_id: roomId, sender } = event;
  if (roomId === undefined || sender === undefined || sender !== ctx.admin.ownerOf(roomId)) return;
  if (event.content.msgtype !== "m.text" || typeof event.content.body !== "string") return;
  if (event.event_id !== undefined && ctx.seenBefore(event.event_id)) return;
  void ctx.admin.command(roomId, sender, event.content.body, event.event_id);
};
