import { isRecord } from "../matrix/events";
import type { MatrixHandler } from "./context";

/** Reaction keys longer than this are not sent to IRC. */
const MAX_KEY_BYTES = 64;


/**
 * An m.reaction (m.annotation) on a message of a bridged room -> `TAGMSG <channel>` with
 * `+draft/react=<key>` and `+draft/reply=<msgid of the reacted message>`, from the reacting user's
 * own connection, which must be registered and in the channel (no connection is made just to
 * react). Only where the server has message-tags and the room's own log knows the message's msgid
 * (never another room's): a reaction is no text, so otherwise nothing reaches IRC and nobody is
 * told (IRC users without reactions never see them anyway).
 */
export const onReaction: MatrixHandler = (event, ctx) => {
  const { room_id: roomId, sender, event_id: eventId } = event;
  const relates = event.content["m.relates_to"];
  if (roomId === undefined || sender === undefined || ctx.isBridgeUser(sender) || !isRecord(relates)) return;
  const { rel_type: relType, event_id: reactedTo, key } = relates;
  // A reaction key is an emoji or a short word; a longer one would not fit an IRC tag (and is not a reaction IRC clients show).
  if (relType !== "m.annotation" || typeof reactedTo !== "string" || typeof key !== "string" || key === "" || Buffer.byteLength(key) > MAX_KEY_BYTES) return;
  const room = ctx.rooms.room(roomId);
  const runtime = room === undefined ? undefined : ctx.networks.get(room.network);
  if (room === undefined || runtime === undefined) return;
  if (eventId !== undefined && ctx.seenBefore(eventId)) return;
  const msgid = ctx.messages.byEvent(roomId, reactedTo)?.msgid;
  const connection = runtime.puppets.get(sender);
  if (msgid === undefined || connection === undefined) return;
  if (!connection.channelNames.some((c) => runtime.network.channels.fold(c) === room.folded)) return;
  if (connection.tagmsg(room.channel, { "+draft/react": key, "+draft/reply": msgid })) runtime.puppets.touch(sender);
};
