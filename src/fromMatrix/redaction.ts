import { redactedEventId } from "../access/policyRules";
import { redactRequest } from "../irc/replies";
import { detach, failureOf } from "./chanops";
import type { MatrixHandler } from "./context";

/** A redaction's reason is cut to this many characters on IRC (one line: 512 bytes with the channel and msgid). */
const REASON_CHARS = 200;

/**
 * A redaction of a bridged message -> `REDACT <channel> <msgid> [:reason]` (IRCv3
 * draft/message-redaction), from the redacting user's own registered connection, where the server
 * has the capability and the room's own log knows the message's msgid (never another room's).
 * - Their own message (they sent it from Matrix): always tried; IRC lets users delete their own
 *   (Ergo: when logged in to an account, or as a channel operator).
 * - Someone else's (a Matrix moderator deleting an IRC user's or another Matrix user's message):
 *   only when their connection is a channel operator there, whom IRC lets delete any message of
 *   the channel; IRC stays the authority, so a moderator without operator status on IRC deletes
 *   on Matrix only, and is told so.
 * When the server refuses (or does not answer) the user is told in the room that the message is
 * gone on Matrix but not on IRC. Nothing is sent, and nothing said, where the server cannot delete
 * messages (no draft/message-redaction, e.g. InspIRCd), for a message the log does not know (not
 * bridged, or from before a restart), or when the user has no registered connection.
 */
export const onRedaction: MatrixHandler = (event, ctx) => {
  const { room_id: roomId, sender, event_id: eventId } = event;
  const redacts = redactedEventId(event);
  if (roomId === undefined || sender === undefined || redacts === undefined || ctx.isBridgeUser(sender)) return;
  const room = ctx.rooms.room(roomId);
  const runtime = room === undefined ? undefined : ctx.networks.get(room.network);
  if (room === undefined || runtime === undefined) return;
  if (eventId !== undefined && ctx.seenBefore(eventId)) return;
  const logged = ctx.messages.byEvent(roomId, redacts);
  const connection = runtime.puppets.get(sender);
  if (logged?.msgid === undefined || connection === undefined || !connection.isRegistered || !connection.hasCap("draft/message-redaction")) return;
  const tell = (why: string) => ctx.notice(roomId, `${sender}: the message was deleted here but not on IRC: ${why}.`);
  if (logged.sender !== sender && !ctx.channelOps.isOp(runtime.network.id, room.channel, connection.nick)) {
    tell(`only a channel operator may delete someone else's message on IRC, and you are not one in ${room.channel}`);
    return;
  }
  // Kept well inside one IRC line (512 bytes with the channel and the msgid).
  const reason = typeof event.content.reason === "string" ? Array.from(event.content.reason).slice(0, REASON_CHARS).join("") : "";
  const done = connection.request(redactRequest(room.channel, logged.msgid, reason)).then((reply) => {
    if (reply.kind !== "ok") tell(failureOf(reply));
  });
  detach(ctx, "redaction", done);
};
