import type { MatrixHandler } from "./context";

const KINDS: Readonly<Record<string, "privmsg" | "notice" | "action">> = { "m.text": "privmsg", "m.notice": "notice", "m.emote": "action" };
const MEDIA = new Set(["m.image", "m.file", "m.video", "m.audio"]);

/** Drops the quoted fallback ("> <@x> ...") at the top of a reply: IRC users see the reply only. */
function withoutReplyFallback(body: string, isReply: boolean): string {
  if (!isReply || !body.startsWith("> <")) return body;
  const lines = body.split("\n");
  let i = 0;
  while (i < lines.length && (lines[i] ?? "").startsWith(">")) i++;
  while (i < lines.length && (lines[i] ?? "") === "") i++;
  return lines.slice(i).join("\n");
}

/**
 * A Matrix message -> PRIVMSG / NOTICE / ACTION from the sender's own IRC connection (created if
 * needed; it joins the channel first if it is not in it). Lines are queued at once, in order; if
 * they cannot be sent the sender is told in the room why.
 */
export const onRoomMessage: MatrixHandler = (event, ctx) => {
  const { room_id: roomId, sender } = event;
  if (roomId === undefined || sender === undefined || ctx.isBridgeUser(sender)) return;
  const room = ctx.rooms.room(roomId);
  if (room === undefined) return;
  const runtime = ctx.networks.get(room.network);
  if (runtime === undefined) return;
  const msgtype = typeof event.content.msgtype === "string" ? event.content.msgtype : "";
  const rawBody = typeof event.content.body === "string" ? event.content.body : "";
  const relates = event.content["m.relates_to"];
  const isReply = typeof relates === "object" && relates !== null && "m.in_reply_to" in relates;
  let kind = KINDS[msgtype];
  let body = withoutReplyFallback(rawBody, isReply);
  if (kind === undefined && MEDIA.has(msgtype)) {
    const url = typeof event.content.url === "string" ? event.content.url : "";
    kind = "action";
    body = `sent a file: ${body}${url ? ` (${url})` : ""}`;
  }
  if (kind === undefined || body.trim() === "") return;

  const ensured = runtime.puppets.ensure(sender);
  if (!ensured.ok) {
    ctx.metrics.undeliverable.inc({ direction: "matrix_to_irc", reason: "limit" });
    ctx.notice(roomId, `Your message was not sent to IRC: ${ensured.reason}.`);
    return;
  }
  const connection = ensured.connection;
  const inChannel = connection.channelNames.some((c) => runtime.network.channels.fold(c) === room.folded);
  if (!inChannel) {
    connection.join(room.channel);
    ctx.persist(room.network, sender);
  }
  const accepted = runtime.order.enqueue(`${room.network}\0${room.folded}`, {
    send: () => connection.say(kind, room.channel, body),
    onSent: () => ctx.metrics.bridgedMessages.inc({ direction: "matrix_to_irc" }),
    onFailed: (reason) => {
      ctx.metrics.undeliverable.inc({ direction: "matrix_to_irc", reason: "refused" });
      ctx.notice(roomId, `Your message was not sent to IRC: ${reason}.`);
    },
  });
  if (!accepted) {
    ctx.metrics.undeliverable.inc({ direction: "matrix_to_irc", reason: "queue_full" });
    ctx.notice(roomId, `Your message was not sent to IRC: too many messages are already waiting for ${room.channel}.`);
  }
};
