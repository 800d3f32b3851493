import { isFirstLine, stripFormatting } from "../irc/lines";
import { prepareOutgoing, type Outgoing, type SenderNote } from "./outgoing/prepare";
import { targetNickProblem } from "../irc/nickRules";
import { randomUUID } from "node:crypto";
import type { MatrixEvent } from "../matrix/events";
import type { OutboxEntry } from "../store/store";
import type { MatrixContext, NetworkRuntime } from "./context";
import type { IrcMessage } from "./ircMessage";
import { ircTargetOf, type IrcTarget } from "./ircTarget";
import { pmFailureReason } from "../pms/refusalWords";
import { logWriteFailure } from "../store/writeWatch";
import { errorText } from "../errors";

/**
 * Accepts a Matrix message for IRC: written to the outbox before the transaction is acknowledged,
 * then handed to the sender's connection (sendToIrc). A retried transaction does not send an event
 * twice.
 */
export function acceptForIrc(event: MatrixEvent, message: IrcMessage, ctx: MatrixContext): void {
  const { room_id: roomId, sender } = event;
  if (roomId === undefined || sender === undefined) return;
  const target = ircTargetOf(roomId, ctx);
  const runtime = target === undefined ? undefined : ctx.networks.get(target.network);
  if (runtime === undefined) return;
  if (event.event_id !== undefined && ctx.seenBefore(event.event_id)) return;
  const eventId = event.event_id ?? `local.${randomUUID()}`;
  const entry: OutboxEntry = {
    eventId,
    roomId,
    sender,
    kind: message.kind,
    body: message.body,
    seq: ctx.nextSeq(),
    ...(target?.kind === "nick" ? { pm: true as const } : {}),
    ...(message.replyTo === undefined ? {} : { replyTo: message.replyTo }),
    ...(message.replaces === undefined ? {} : { replaces: message.replaces }),
  };
  const stored = ctx.outbox.add(entry);
  ctx.keep(stored);
  runtime.puppets.touch(sender);
  sendToIrc(entry, ctx, false, stored);
}

/**
 * Hands one accepted message to the sender's own IRC connection (created if needed), for its
 * room's target: a channel (the connection joins it first if it is not in it) or a nick (only the
 * private room's own user speaks to it; a refusal is told in plain words). Also used
 * at start-up for the messages a crash left unconfirmed in the outbox.
 *
 * Guarantees: one sender's messages to one target are handed to IRC one at a time, in the order
 * they were accepted, each after the server confirmed the previous; between senders whose
 * connections are flowing the target's order holds, and a stalled sender holds nobody else (see
 * channelOrder.ts); a message is never
 * on the wire before it is in the outbox, and it leaves the outbox once the server confirmed it or
 * it failed and the sender was told why, in the room. A message that could not be written within
 * the network's maxWait (its connection is down, or the target's earlier messages held it) is
 * given up, and the sender is told, message by message. A message whose room is unlinked before it
 * is handed to IRC is not sent (the sender is told).
 * Not guaranteed: that a message handed to IRC just before a crash is not sent twice; it is checked
 * against the channel's history where the server keeps one, and sent again otherwise.
 */
export function sendToIrc(entry: OutboxEntry, ctx: MatrixContext, mayHaveGone = false, stored: Promise<void> = Promise.resolve()): void {
  const { roomId, sender } = entry;
  const target = ircTargetOf(roomId, ctx);
  const runtime = target === undefined ? undefined : ctx.networks.get(target.network);
  const settle = () => ctx.outbox.remove(entry.eventId).catch((err: unknown) => logWriteFailure(ctx.log, "cannot update the outbox", err));
  if (target === undefined || runtime === undefined || (target.kind === "nick" && target.userId !== sender)) {
    void settle();
    return;
  }
  // The bot tells in channel rooms; in a private room (where the bot is not) the nick's ghost does.
  const tell =
    target.kind === "channel"
      ? (reason: string) => ctx.notice(roomId, `Your message was not sent to IRC: ${reason}.`)
      : (reason: string) => ctx.pms.notice(roomId, `Your message was not sent to ${target.name}: ${reason}.`);
  // A private chat's nick came from a ghost id: a record from before ids were checked may name a channel or a list.
  const notANick = target.kind === "nick" ? targetNickProblem(target.name, runtime.network.nickLimits) : undefined;
  if (notANick !== undefined) {
    ctx.metrics.undeliverable.inc({ direction: "matrix_to_irc", reason: "not_a_nick" });
    tell(`"${target.name}" is not a single IRC nick (${notANick})`);
    void settle();
    return;
  }
  const ensured = runtime.puppets.ensure(sender);
  if (!ensured.ok) {
    ctx.metrics.undeliverable.inc({ direction: "matrix_to_irc", reason: ensured.why });
    tell(ensured.reason);
    void settle();
    return;
  }
  const connection = ensured.connection;
  const deadline = ctx.now() + runtime.network.maxWaitMs;
  const waited = `not sent within ${Math.round(runtime.network.maxWaitMs / 1000)} s`;
  if (target.kind === "channel" && !connection.channelNames.some((c) => runtime.network.channels.fold(c) === target.folded)) {
    connection.join(target.name, runtime.network.channels.roomKey(roomId, target.name));
    ctx.persist(target.network, sender);
  }
  if (target.kind === "nick") runtime.puppets.busy(sender);
  let unlinked = false;
  let msgid: string | undefined;
  let said = entry.body;
  // What IRC saw (the corrected line, the reply's "nick: "), for the channel's other rooms; undefined: nothing was said.
  let shown: string | undefined;
  // While its echo (its msgid) is awaited, an IRC reply to it may wait for it (MessageLog.whenEchoed).
  let echoed: (() => void) | undefined;
  const sayNow = (out: Outgoing) => {
    // The room may have been unlinked while the message waited its turn: then it is not sent.
    if (target.kind === "channel" && ircTargetOf(roomId, ctx)?.orderKey !== target.orderKey) {
      unlinked = true;
      throw new Error(`this room is no longer bridged to ${target.name}`);
    }
    if (ctx.now() >= deadline) throw new Error(`${waited}: ${connection.downReason ?? `earlier messages to ${target.name} were still being sent`}`);
    said = out.logText ?? out.body;
    if (out.skip === true) return Promise.resolve();
    shown = out.body;
    ctx.outbox.handed(entry.eventId);
    if (target.kind === "channel") {
      echoed?.();
      echoed = ctx.messages.expectEcho(roomId);
    }
    const sent = connection.say(out.kind, target.name, out.body, deadline, out.tags === undefined ? {} : { tags: out.tags });
    if (sent === false) throw new Error("too many messages are already waiting on your IRC connection");
    const heard = sent.then((id) => {
      msgid = id;
    });
    if (target.kind === "channel") return heard;
    return heard.catch((err: unknown) => {
      throw new Error(pmFailureReason(err, target.name));
    });
  };
  // The original of a reply or an edit, read as someone in the room: the bot, or in a private room the nick's ghost.
  const reader = target.kind === "channel" ? ctx.botUserId : runtime.network.ids.ghostUserId(target.name);
  const fetchEvent = (room: string, id: string) =>
    ctx.fetchEvent(room, id, reader).catch((err: unknown) => {
      ctx.log.warn("cannot read the original of a reply or an edit", { room, error: errorText(err) });
      return undefined;
    });
  const nickOf = (userId: string) => runtime.nicks.nickOfUser(userId) ?? runtime.network.ids.nickOfGhost(userId);
  const media = ctx.media;
  const prepared = () =>
    prepareOutgoing(entry, {
      messages: ctx.messages,
      hasCap: (cap) => connection.hasCap(cap),
      fetchEvent,
      nickOf,
      ownNick: connection.nick,
      ...(media === undefined
        ? {}
        : {
            longText: { target: target.name, ...runtime.network.longText, paste: (text: string) => media.paste(text), log: ctx.log },
            tellSender: (room: string, eventId: string, note: SenderNote) => media.tellSender(room, eventId, note),
          }),
    });
  const accepted = runtime.order.enqueue(target.orderKey, {
    sender,
    ready: () => connection.isRegistered,
    send: () => {
      // Never on the wire before it is in the outbox: a crash in between would resend it unchecked.
      if (!mayHaveGone) return stored.then(prepared).then(sayNow);
      return alreadyOnIrc(entry, runtime, target, () => connection.nick).then((gone) => (gone ? undefined : prepared().then(sayNow)));
    },
    onSent: () => {
      ctx.metrics.bridgedMessages.inc({ direction: "matrix_to_irc" });
      ctx.messages.record({ roomId, eventId: entry.eventId, sender, nick: connection.nick, text: stripFormatting(said), ...(msgid === undefined ? {} : { msgid }) });
      echoed?.();
      if (target.kind === "channel" && shown !== undefined) ctx.echoToOtherRooms(entry, connection.nick, shown, msgid);
      ctx.outbox.confirm(entry.eventId).catch((err: unknown) => logWriteFailure(ctx.log, "cannot update the outbox", err));
    },
    onFailed: (reason) => {
      echoed?.();
      ctx.metrics.undeliverable.inc({ direction: "matrix_to_irc", reason: unlinked ? "unlinked" : "refused" });
      tell(reason);
      void settle();
    },
  });
  if (!accepted) {
    ctx.metrics.undeliverable.inc({ direction: "matrix_to_irc", reason: "queue_full" });
    tell(`too many messages are already waiting for ${target.name}`);
    void settle();
  }
}

/**
 * Whether a message handed to IRC just before a crash had reached its channel: the channel's
 * history (fetched when the bridge is back in it) shows its first line from the user's nick, after
 * it was accepted. Without history (and for private messages) it is sent again: a rare duplicate
 * is better than a loss.
 */
async function alreadyOnIrc(entry: OutboxEntry, runtime: NetworkRuntime, target: IrcTarget, nick: () => string): Promise<boolean> {
  if (target.kind !== "channel") return false;
  const acceptedAt = Math.floor(entry.seq / 1000) - 1000;
  const history = await runtime.history(target.name, acceptedAt);
  const first = entry.body.split(/\r\n|\r|\n/).find((line) => line.trim() !== "") ?? "";
  const fold = (n: string) => runtime.network.channels.fold(n);
  return (history ?? []).some((e) => fold(e.from) === fold(nick()) && e.kind === entry.kind && isFirstLine(e.text, first));
}
