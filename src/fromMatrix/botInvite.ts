import type { MatrixHandler } from "./context";

/**
 * The bot is invited to a room. A direct chat that a real user opens with it, in a room that is not
 * bridged, becomes that user's admin room; an invite to a room an upgrade is waiting for completes
 * that upgrade (rooms/roomUpgrades.ts); any other invite is for acceptInvite (which joins bridged
 * rooms only).
 */
export const onBotInvite: MatrixHandler = (event, ctx) => {
  const { room_id: roomId, sender } = event;
  if (roomId === undefined) return;
  if (ctx.upgrades.invited(roomId)) return;
  const isDirect = event.content.is_direct === true && sender !== undefined && !ctx.isBridgeUser(sender);
  if (isDirect && ctx.rooms.room(roomId) === undefined) void ctx.admin.adopt(roomId, sender);
  else ctx.acceptInvite(roomId);
};
