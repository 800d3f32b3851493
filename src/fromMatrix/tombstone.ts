import type { MatrixHandler } from "./context";

/**
 * m.room.tombstone: the room was upgraded (replaced by `replacement_room`).
 * - A bridged room: the bridge follows it to the new room (rooms/roomUpgrades.ts).
 * - An admin room: the bot follows it too (it joins the new room, which becomes the user's admin
 *   room); until it can (the user invites it), the old room stays their admin room.
 * - A private-message room is not followed: the conversation stays in the old room, which keeps
 *   working both ways, and the user is told that inviting the nick's ghost to the new room as a
 *   direct chat moves it there (the usual direct-chat path, src/pms/). Following it would need the
 *   ghost to be invited anyway, and a chat with one IRC nick has no state worth carrying over.
 * Retried transactions change nothing (the event id is remembered; a moved room is no longer found).
 */
export const onTombstone: MatrixHandler = (event, ctx) => {
  const { room_id: roomId, sender } = event;
  const replacement = event.content.replacement_room;
  if (roomId === undefined || sender === undefined || event.state_key !== "" || typeof replacement !== "string" || !replacement.startsWith("!")) return;
  if (event.event_id !== undefined && ctx.seenBefore(event.event_id)) return;
  const owner = ctx.admin.ownerOf(roomId);
  if (owner !== undefined) {
    ctx.upgrades.followAdminRoom(roomId, replacement, owner);
    return;
  }
  const pm = ctx.pms.roomOf(roomId);
  if (pm !== undefined) {
    const ghost = ctx.networks.get(pm.network)?.network.ids.ghostUserId(pm.nick) ?? pm.nick;
    ctx.pms.notice(roomId, `This room was upgraded, but your conversation with ${pm.nick} stays here. To continue it in the new room, invite ${ghost} to it as a direct chat.`);
    return;
  }
  if (ctx.rooms.room(roomId) !== undefined) ctx.upgrades.follow(roomId, replacement, sender);
};
