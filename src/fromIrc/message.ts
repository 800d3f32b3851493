import { createHash } from "node:crypto";
import { ircToMatrix } from "../format/ircToMatrix";
import { matrixContent } from "../format/matrixContent";
import { roomsOf, type IrcHandler } from "./context";

/**
 * A channel message -> an m.text / m.notice / m.emote from the sender's ghost, in every room bridged
 * to the channel, through the durable pending sends (see pendingSends.ts). Our own puppets' messages
 * are skipped: they came from Matrix and are already there. The transaction id derives from the
 * dedupe key, so a retried send is not duplicated. A reply (`+draft/reply=<msgid>`) becomes an
 * m.in_reply_to in each room whose log holds that msgid by its delivery (else a plain message there), with the
 * answered Matrix user (a puppet's, not a ghost) among its m.mentions.
 */
export const onMessage: IrcHandler<"message"> = ({ key, ev }, ctx) => {
  const { e } = ev;
  if (ctx.isOurs(e.from)) return;
  const ghost = ctx.network.ids.ghostUserId(e.from);
  const text = ircToMatrix(e.text, ctx.nicks);
  const replyTo = e.tags["+draft/reply"];
  const txnId = `irc.${createHash("sha1").update(`${ctx.network.id}\0${key}`).digest("hex").slice(0, 24)}`;
  for (const room of roomsOf(ctx, ev.channel)) {
    // A reply (+draft/reply) answers the message with that msgid in this room's log, never another room's.
    const original = replyTo === undefined || replyTo === "" ? undefined : ctx.messages.byMsgid(room.roomId, replyTo);
    const answered = original === undefined ? undefined : ctx.userOfNick(original.nick);
    const mentions = answered === undefined || text.mentions.includes(answered) ? text.mentions : [...text.mentions, answered];
    const content = matrixContent(e.kind, text, { mentions, ...(original === undefined ? {} : { inReplyTo: original.eventId }) });
    ctx.sends.enqueue({
      id: `${txnId}.${room.roomId}`,
      roomId: room.roomId,
      network: ctx.network.id,
      channel: ev.channel,
      nick: e.from,
      ghost,
      content,
      txnId: `${txnId}.${room.roomId}`,
      ts: e.time,
      msgid: e.tags.msgid,
      // Not logged yet (an earlier message still on its way, or a Matrix user's awaiting its echo): looked up again when delivered.
      ...(replyTo !== undefined && replyTo !== "" && original === undefined ? { replyTo } : {}),
    });
  }
};
