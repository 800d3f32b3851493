import { randomUUID } from "node:crypto";
import { isFirstLine } from "../irc/lines";
import type { OutboxEntry } from "../store/store";
import type { MatrixContext, MatrixHandler, NetworkRuntime } from "./context";

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
 * they cannot be sent the sender is told in the room why. The message is written to the outbox
 * before the transaction is acknowledged and leaves it once the IRC server confirmed it (or it
 * failed and the sender was told), so a crash in between does not lose it. A retried transaction
 * does not send an event twice.
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

  if (event.event_id !== undefined && ctx.seenBefore(event.event_id)) return;
  const eventId = event.event_id ?? `local.${randomUUID()}`;
  const entry: OutboxEntry = { eventId, roomId, sender, kind, body, seq: ctx.nextSeq() };
  const stored = ctx.outbox.add(entry);
  ctx.keep(stored);
  runtime.puppets.touch(sender);
  sendToIrc(entry, ctx, false, stored);
};

/**
 * Hands one accepted message to the sender's IRC connection, through the channel's order. Also
 * used at start-up for the messages a crash left unconfirmed in the outbox. A message that could
 * not be written to IRC within the network's maxWait (its connection is down, or the channel's
 * earlier messages held it) is given up and the sender is told why, message by message.
 */
export function sendToIrc(entry: OutboxEntry, ctx: MatrixContext, mayHaveGone = false, stored: Promise<void> = Promise.resolve()): void {
  const { roomId, sender, kind, body } = entry;
  const room = ctx.rooms.room(roomId);
  const runtime = room === undefined ? undefined : ctx.networks.get(room.network);
  const settle = () => ctx.outbox.remove(entry.eventId).catch((err: unknown) => ctx.log.error("cannot update the outbox", { error: String(err) }));
  if (room === undefined || runtime === undefined) {
    void settle();
    return;
  }
  const ensured = runtime.puppets.ensure(sender);
  if (!ensured.ok) {
    ctx.metrics.undeliverable.inc({ direction: "matrix_to_irc", reason: ensured.why });
    ctx.notice(roomId, `Your message was not sent to IRC: ${ensured.reason}.`);
    void settle();
    return;
  }
  const connection = ensured.connection;
  const deadline = ctx.now() + runtime.network.maxWaitMs;
  const waited = `not sent within ${Math.round(runtime.network.maxWaitMs / 1000)} s`;
  const inChannel = connection.channelNames.some((c) => runtime.network.channels.fold(c) === room.folded);
  if (!inChannel) {
    connection.join(room.channel);
    ctx.persist(room.network, sender);
  }
  const sayNow = () => {
    if (ctx.now() >= deadline) throw new Error(`${waited}: ${connection.downReason ?? "earlier messages to the channel were still being sent"}`);
    ctx.outbox.handed(entry.eventId);
    return connection.say(kind, room.channel, body, deadline);
  };
  const accepted = runtime.order.enqueue(`${room.network}\0${room.folded}`, {
    send: () => {
      if (mayHaveGone) {
        return alreadyOnIrc(entry, runtime, room.channel, () => connection.nick).then((gone) => {
          if (gone) return;
          const sent = sayNow();
          if (sent === false) throw new Error("too many messages are already waiting on your IRC connection");
          return sent;
        });
      }
      // Never on the wire before it is in the outbox: a crash in between would resend it unchecked.
      return stored.then(() => {
        const sent = sayNow();
        if (sent === false) throw new Error("too many messages are already waiting on your IRC connection");
        return sent;
      });
    },
    onSent: () => {
      ctx.metrics.bridgedMessages.inc({ direction: "matrix_to_irc" });
      ctx.outbox.confirm(entry.eventId).catch((err: unknown) => ctx.log.error("cannot update the outbox", { error: String(err) }));
    },
    onFailed: (reason) => {
      ctx.metrics.undeliverable.inc({ direction: "matrix_to_irc", reason: "refused" });
      ctx.notice(roomId, `Your message was not sent to IRC: ${reason}.`);
      void settle();
    },
  });
  if (!accepted) {
    ctx.metrics.undeliverable.inc({ direction: "matrix_to_irc", reason: "queue_full" });
    ctx.notice(roomId, `Your message was not sent to IRC: too many messages are already waiting for ${room.channel}.`);
    void settle();
  }
}

/**
 * Whether a message handed to IRC just before a crash had reached the channel: the channel's
 * history (fetched when the bridge is back in it) shows its first line from the user's nick, after
 * it was accepted. Without history it is sent again: a rare duplicate is better than a loss.
 */
async function alreadyOnIrc(entry: OutboxEntry, runtime: NetworkRuntime, channel: string, nick: () => string): Promise<boolean> {
  const acceptedAt = Math.floor(entry.seq / 1000) - 1000;
  const history = await runtime.history(channel, acceptedAt);
  const first = entry.body.split(/\r\n|\r|\n/).find((line) => line.trim() !== "") ?? "";
  const fold = (n: string) => runtime.network.channels.fold(n);
  return (history ?? []).some((e) => fold(e.from) === fold(nick()) && e.kind === entry.kind && isFirstLine(e.text, first));
}
