import type { MatrixHandler } from "./context";

/**
 * The homeserver's m.typing (an ephemeral event: who is typing in a room now) -> `TAGMSG <channel>`
 * with `+typing=active` from each listed user's connection, and `+typing=done` from each
 * connection that was said to be typing there and is no longer listed. Only from a registered
 * connection that is in the channel, where the server has message-tags: no connection is ever
 * made, or joined, just to type. `active` is repeated at most every 3 s per user and channel, and
 * `done` follows only an `active` (irc/typingNotes.ts). A `done` is looked for among the users said to
 * be typing in the channel (puppets/typists.ts), so an update costs its room's typists, not every connection.
 */
export const onTyping: MatrixHandler = (event, ctx) => {
  const roomId = event.room_id;
  const listed = event.content.user_ids;
  const room = roomId === undefined ? undefined : ctx.rooms.room(roomId);
  const runtime = room === undefined ? undefined : ctx.networks.get(room.network);
  if (room === undefined || runtime === undefined || !Array.isArray(listed)) return;
  const typing = new Set(listed.filter((u): u is string => typeof u === "string"));
  const fold = (name: string) => runtime.network.channels.fold(name);
  for (const userId of typing) {
    const connection = runtime.puppets.get(userId);
    if (connection === undefined || !connection.isRegistered || !connection.channelNames.some((c) => fold(c) === room.folded)) continue;
    if (!connection.typingNotes.start(room.channel, ctx.now())) continue;
    if (connection.tagmsg(room.channel, { "+typing": "active" })) runtime.puppets.typists.said(room.channel, userId);
    else connection.typingNotes.stop(room.channel);
  }
  // Only those said to be typing here may need a `done` (puppets/typists.ts), not every connection.
  const typists = runtime.puppets.typists;
  for (const userId of typists.in(room.channel)) {
    if (typing.has(userId)) continue;
    typists.remove(room.channel, userId);
    const connection = runtime.puppets.get(userId);
    if (connection?.typingNotes.stop(room.channel) === true) connection.tagmsg(room.channel, { "+typing": "done" });
  }
};
