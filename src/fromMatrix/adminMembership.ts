import type { MatrixHandler } from "./context";

/**
 * Membership in an admin room: only its owner and the bot belong there. Anyone else joining makes
 * the bot leave and forget the room (the next notice creates a new one); the bot being removed
 * forgets it. The owner leaving changes nothing (see AdminRooms).
 */
export const onAdminMember: MatrixHandler = (event, ctx) => {
  const { room_id: roomId, state_key: target } = event;
  if (roomId === undefined || target === undefined) return;
  const owner = ctx.admin.ownerOf(roomId);
  if (owner === undefined) return;
  const membership = event.content.membership;
  if (target === ctx.botUserId) {
    if (membership === "leave" || membership === "ban") void ctx.admin.abandon(roomId, `the bot was removed by ${event.sender ?? "someone"}`, false);
    return;
  }
  if (target !== owner && membership === "join") void ctx.admin.abandon(roomId, `${target} joined`, true);
};
