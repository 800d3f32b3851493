import type { MatrixHandler } from "./context";

/**
 * Encryption turned on in a channel's bridged room (m.room.encryption; a portal, a mapped or a
 * linked room): from now on what is written there cannot reach IRC, as the bridge cannot read it.
 * The bot says so at once rather than let the room talk to no one (encryption cannot be turned
 * off again, so the bridge does not try). A change of an encryption already on (its settings) is
 * not announced again. The notice counts as the room's encrypted-message notice (encrypted.ts),
 * so the first encrypted message right after it is not answered a second time. Private chats have
 * pmEncryption.ts.
 */
export const onEncryption: MatrixHandler = (event, ctx) => {
  const { room_id: roomId, sender } = event;
  if (roomId === undefined || sender === undefined || event.state_key !== "" || ctx.isBridgeUser(sender)) return;
  const room = ctx.rooms.room(roomId);
  if (room === undefined || !ctx.networks.has(room.network)) return;
  const before = event.unsigned?.prev_content;
  if (typeof before === "object" && before !== null && "algorithm" in before && before.algorithm !== undefined) return;
  ctx.encryptedNotices.note(roomId, ctx.now());
  ctx.notice(
    roomId,
    `This room is encrypted now, and the bridge cannot read encrypted messages: from now on messages written here do not reach IRC (${room.channel}). Encryption cannot be turned off in a room; to talk with IRC, use a room without encryption.`,
  );
};
