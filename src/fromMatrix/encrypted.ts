import type { MatrixHandler } from "./context";

/** At most one notice per room this often about encrypted messages that could not reach IRC. */
export const ENCRYPTED_NOTICE_EVERY_MS = 10 * 60_000;

/**
 * An encrypted message (m.room.encrypted) in a bridged room: the bridge cannot read it, so it
 * cannot reach IRC. Never silent: the room is told why and what to do, at most once per room per
 * ENCRYPTED_NOTICE_EVERY_MS (ctx.encryptedNotices; the encryption.ts notice counts as one), by the
 * bot in a channel's room and by the nick's ghost in a private chat (as pmEncryption.ts). Every
 * such message is counted (undeliverable, reason "encrypted"). The bridge's own users' events
 * (the bot, ghosts) are not answered.
 */
export const onEncrypted: MatrixHandler = (event, ctx) => {
  const { room_id: roomId, sender } = event;
  if (roomId === undefined || sender === undefined || ctx.isBridgeUser(sender)) return;
  const room = ctx.rooms.room(roomId);
  const pm = room === undefined ? ctx.pms.roomOf(roomId) : undefined;
  if (room === undefined && pm === undefined) return;
  ctx.metrics.undeliverable.inc({ direction: "matrix_to_irc", reason: "encrypted" });
  if (!ctx.encryptedNotices.take(roomId, ctx.now())) return;
  if (room !== undefined) {
    ctx.notice(
      roomId,
      `An encrypted message was not sent to IRC (${room.channel}): the bridge cannot read encrypted messages. Only messages sent without encryption reach IRC; a room bridged to IRC should not be encrypted (encryption cannot be turned off in a room, so use a room without it).`,
    );
  } else if (pm !== undefined) {
    ctx.pms.notice(
      roomId,
      `An encrypted message was not sent to ${pm.nick}: the bridge cannot read encrypted messages. Start a new direct chat with ${pm.nick}'s ghost with encryption turned off.`,
    );
  }
};
