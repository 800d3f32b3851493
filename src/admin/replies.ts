/**
 * Wording shared by the commands that act on a user's IRC connection, so that every command says
 * the same thing the same way: not connected (and why), timed out (after how long), connection
 * lost (and whether the line had gone out), and what the server answered.
 */
import { isNumeric, lastParam, type IrcLine } from "../irc/ircLine";
import type { IrcReply } from "../irc/requests";
import type { AdminConnection, AdminNetwork, NetworkCommandContext } from "./command";

const MAX_ECHO = 40;

/** User input repeated in a reply, cut short. */
export function shown(text: string): string {
  return text.length > MAX_ECHO ? `${text.slice(0, MAX_ECHO)}…` : text;
}

/** The user's registered connection to the command's network, or the reply saying why there is none. */
export function liveConnection(ctx: NetworkCommandContext): AdminConnection | string {
  const puppets = ctx.puppets(ctx.target.id);
  if (puppets.hasQuit(ctx.userId)) return `You are not connected to ${ctx.target.name}: you left it with !quit. Send !reconnect ${ctx.target.id} to connect again.`;
  const connection = puppets.connection(ctx.userId);
  if (connection === undefined) return `You are not connected to ${ctx.target.name}. Join a channel (!join ${ctx.target.id} #channel) or speak in one of its rooms to connect.`;
  if (!connection.isRegistered) return `You are not connected to ${ctx.target.name} right now: ${connection.downReason ?? "connecting"}.`;
  return connection;
}

/** A reply that is no answer (timeout, connection lost), for a request described by `what`. */
export function noAnswer(reply: Extract<IrcReply, { kind: "timeout" | "lost" }>, network: AdminNetwork, what: string): string {
  if (reply.kind === "timeout") return `Timed out after ${Math.round(reply.afterMs / 1000)} s waiting for the server of ${network.name} to answer ${what}.`;
  if (!reply.sent) return `${what} was not sent: ${reply.reason}.`;
  return `Your connection to ${network.name} was lost before the server answered ${what} (${reply.reason}); it may or may not have taken effect.`;
}

/** The server's own words for an error, quoted. */
export function serverSaid(reply: Extract<IrcReply, { kind: "error" }>): string {
  return reply.text === "" ? `(${reply.numeric})` : `(the server said: "${reply.text}")`;
}

/** One line of an answer, readable: a numeric's parameters after our nick, a notice as "from: text". */
export function renderLine(line: IrcLine): string {
  if (isNumeric(line)) return line.params.slice(1).join(" ");
  if (line.command === "NOTICE" || line.command === "PRIVMSG") return `${line.source ?? "server"}: ${lastParam(line)}`;
  return [line.source, line.command, ...line.params].filter((p) => p !== undefined).join(" ");
}

/** At most `max` lines of an answer, saying how many more there were. */
export function renderLines(lines: readonly IrcLine[], max = 30): string {
  const shownLines = lines.slice(0, max).map(renderLine);
  if (lines.length > max) shownLines.push(`… and ${lines.length - max} more lines`);
  return shownLines.join("\n");
}
