import { matrixContent } from "../format/matrixContent";
import { createHash, randomUUID } from "node:crypto";
import { ircToMatrix } from "../format/ircToMatrix";
import type { MessageEvent } from "../irc/events";
import { pmKey } from "../rooms/pmIndex";
import type { IrcContext } from "./context";


/** A message to a Matrix user's own connection (not to a channel). */
export interface PrivateMessage {
  /** The Matrix user whose connection received it, and that connection's nick. */
  readonly userId: string;
  readonly ownNick: string;
  readonly e: MessageEvent;
  /** Whether the sender is logged in to an account; undefined when the server does not say. */
  readonly registered: boolean | undefined;
  /** Answers the sender with a NOTICE from the user's connection. */
  readonly reply: (text: string) => void;
}

/**
 * Whether the sender of a message is logged in: the IRCv3 account-tag where the server sends it (no
 * tag: not logged in), else what extended-join or account-notify said about the nick; undefined
 * when the server does not tell.
 */
export function senderRegistered(account: string | undefined, accountTags: boolean, known: string | null | undefined): boolean | undefined {
  if (account !== undefined) return true;
  if (accountTags) return false;
  return known === undefined ? undefined : known !== null;
}

/**
 * A PRIVMSG / NOTICE / ACTION to a Matrix user's puppet -> an m.text / m.notice / m.emote from the
 * sender's ghost in the conversation's private room (made on the first message: see pmRooms.ts),
 * through the durable pending sends, with the original time. The transaction id derives from the
 * msgid, else from the server time and content, so a retried send is not posted twice. CTCP other
 * than ACTION (VERSION, PING, ...) is never shown; formatting and mentions as in a channel (ircToMatrix); our own echoes are skipped. A message the
 * network's spam protection refuses (pmGuard.ts) is logged and counted, and the sender is told
 * with a NOTICE (rate-limited; never in answer to a NOTICE, as IRC wants).
 */
export function onPrivateMessage(pm: PrivateMessage, ctx: IrcContext): void {
  const { e, userId } = pm;
  if (e.from === "" || ctx.fold(e.from) === ctx.fold(pm.ownNick)) return;
  // irc-framework reports CTCP requests and replies apart; a stray \x01 is a CTCP all the same.
  if (e.text.startsWith("\u0001")) return;
  const network = ctx.network.id;
  const folded = ctx.fold(e.from);
  const refusal = ctx.pmGuard.admit(userId, folded, ctx.pms.find(network, userId, folded) !== undefined, pm.registered);
  if (refusal !== undefined) {
    ctx.metrics.undeliverable.inc({ direction: "irc_to_matrix", reason: "pm_refused" });
    ctx.log.info("a private message from IRC was not bridged", { network, user: userId, from: e.from, why: refusal.why });
    if (e.kind !== "notice" && ctx.pmGuard.mayAnswer(userId, folded)) pm.reply(refusal.answer);
    return;
  }
  ctx.busy(userId);
  const origin = e.tags.msgid ?? (e.time === undefined ? randomUUID() : `${e.time}\0${e.from}\0${e.kind}\0${e.text}`);
  const text = ircToMatrix(e.text, ctx.nicks);
  const txnId = `irc.pm.${createHash("sha1").update(`${network}\0${userId}\0${origin}`).digest("hex").slice(0, 24)}`;
  ctx.sends.enqueue({
    id: txnId,
    roomId: pmKey(network, userId, folded),
    network,
    channel: e.from,
    nick: e.from,
    ghost: ctx.network.ids.ghostUserId(e.from),
    content: matrixContent(e.kind, text, { emptyMentions: false }),
    txnId,
    ts: e.time,
    msgid: e.tags.msgid,
    pm: { userId },
  });
}
