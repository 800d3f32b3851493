/**
 * Lines another connection already delivered. Every member of a channel hears each JOIN, PART,
 * message and TAGMSG there; the broker delivers it once, from the channel's reader, and drops the
 * other members' copies. A copy that the broker already delivered costs the other members nothing
 * here: irc-framework's dispatch (its command object, event and middleware) and the bridge's typed
 * event are skipped. Asked through `delivered` (broker/networkFeed.ts: this connection is not the
 * channel's reader, and the line's msgid was delivered already).
 *
 * Guarantee: a line is skipped only when all of these hold, and is dispatched as before otherwise:
 * - it is a PRIVMSG, NOTICE, JOIN, PART or TAGMSG to a channel (not to us, not to "@#chan");
 * - it carries a msgid and no batch (multiline, chathistory and netsplit batches are dispatched);
 * - it comes from another nick than ours (our echoes settle our sends; our JOIN updates our state);
 * - it is not a CTCP (each connection answers those to itself);
 * - `delivered(channel, msgid)` says the broker delivered it, from another connection.
 * Such a line changes no state of irc-framework's (it keeps no channel members) nor of this
 * connection's; the raw line is still seen by the connection's own watchers ("raw" comes first).
 */
import type { Client, IrcMessage } from "irc-framework";

const SKIPPABLE = new Set(["PRIVMSG", "NOTICE", "JOIN", "PART", "TAGMSG"]);

export interface SkipContext {
  /** Whether the broker already delivered this msgid in this channel, from another connection. */
  readonly delivered: (channel: string, msgid: string) => boolean;
  /** Whether a nick is ours (this connection's, in the server's casemapping). */
  readonly isMe: (nick: string) => boolean;
  readonly isChannel: (name: string) => boolean;
}

/** Whether the parsed line may be skipped (see the guarantee above). */
export function deliveredElsewhere(message: IrcMessage, ctx: SkipContext): boolean {
  const command = message.command.toUpperCase();
  if (!SKIPPABLE.has(command)) return false;
  const msgid = message.tags.msgid;
  if (msgid === undefined || msgid === "" || message.tags.batch !== undefined) return false;
  const channel = message.params[0];
  if (channel === undefined || message.nick === "" || !ctx.isChannel(channel) || ctx.isMe(message.nick)) return false;
  if ((command === "PRIVMSG" || command === "NOTICE") && (message.params[1] ?? "").startsWith("\u0001")) return false;
  return ctx.delivered(channel, msgid);
}

/** Makes the client skip the lines another connection delivered (before irc-framework dispatches them). */
export function skipDeliveredLines(client: Client, ctx: SkipContext): void {
  client.raw_middleware.use((_command, message, _line, _client, next) => {
    if (!deliveredElsewhere(message, ctx)) next();
  });
}
