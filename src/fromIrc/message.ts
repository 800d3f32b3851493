import { createHash } from "node:crypto";
import { ircToMatrix } from "../format/ircToMatrix";
import { roomsOf, type IrcHandler } from "./context";

const MSGTYPE = { privmsg: "m.text", notice: "m.notice", action: "m.emote" } as const;

/**
 * A channel message -> an m.text / m.notice / m.emote from the sender's ghost, in every room bridged
 * to the channel, through the durable pending sends (see pendingSends.ts). Our own puppets' messages
 * are skipped: they came from Matrix and are already there. The transaction id derives from the
 * dedupe key, so a retried send is not duplicated.
 */
export const onMessage: IrcHandler<"message"> = ({ key, ev }, ctx) => {
  const { e } = ev;
  if (ctx.isOurs(e.from)) return;
  const ghost = ctx.network.ids.ghostUserId(e.from);
  const text = ircToMatrix(e.text, ctx.nicks);
  const content = {
    msgtype: MSGTYPE[e.kind],
    body: text.body,
    ...(text.html === undefined ? {} : { format: "org.matrix.custom.html", formatted_body: text.html }),
    "m.mentions": text.mentions.length === 0 ? {} : { user_ids: [...text.mentions] },
  };
  const txnId = `irc.${createHash("sha1").update(`${ctx.network.id}\0${key}`).digest("hex").slice(0, 24)}`;
  for (const room of roomsOf(ctx, ev.channel)) {
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
    });
  }
};
