/**
 * The network's IRC bot, as the consent flow needs it: who operates a channel right now (asked of
 * the server with NAMES, so it works for channels the bridge is not in), and a private message to
 * a nick. The real one wraps the bot's IrcConnection; tests give a fake.
 *
 * Guarantees: `operators` answers the server's view at the time of asking (never the bridge's
 * roster, which covers only the channels the bridge is in), or rejects with a ProvisionError
 * saying why it could not ask (bot offline, refused entry, no answer in time). Servers show a
 * channel's members only to its members (Ergo does, even for channels that are not +s), so a bot
 * not in the channel JOINs it to look and PARTs again (as the incumbent bridge does); that JOIN is
 * not remembered by the connection, so it is never rejoined after a reconnect.
 * Not guaranteed: a channel the bot may not enter (+i, +k, banned) cannot be looked at.
 */
import type { IrcConnection } from "../irc/connection";
import type { IrcLine } from "../irc/ircLine";
import type { PrefixMode } from "../irc/modes";
import { joinRequest, names, namesRequest, partRequest } from "../irc/replies";
import type { Viewpoint } from "../irc/requests";
import { ProvisionError } from "./links";

export interface ChannelBot {
  /** The bot's current nick (not an operator to ask). */
  readonly nick: string;
  /** Nicks with channel operator status or higher in the channel right now. */
  operators(channel: string): Promise<readonly string[]>;
  /** A private message from the bot; false when it could not be queued. */
  tell(nick: string, text: string): boolean;
  /** Whether two nicks are the same on this server. */
  readonly same: (a: string, b: string) => boolean;
}

/**
 * The operators (mode o or any higher prefix mode) among the 353 lines of a NAMES answer; each
 * entry may carry several prefixes (multi-prefix) and a hostmask (userhost-in-names).
 */
export function operatorsOf(lines: readonly IrcLine[], prefix: readonly PrefixMode[], channel: string, we: Viewpoint): string[] {
  const rankOfOp = prefix.findIndex((p) => p.mode === "o");
  const opSymbols = new Set(prefix.slice(0, rankOfOp === -1 ? 0 : rankOfOp + 1).map((p) => p.symbol));
  const allSymbols = new Set(prefix.map((p) => p.symbol));
  const ops: string[] = [];
  for (const line of lines) {
    if (line.command !== "353" || !names(line, 2, channel, we)) continue;
    for (const entry of (line.params[3] ?? "").split(" ")) {
      let i = 0;
      let op = false;
      while (i < entry.length && allSymbols.has(entry.charAt(i))) {
        if (opSymbols.has(entry.charAt(i))) op = true;
        i++;
      }
      const nick = entry.slice(i).split("!")[0] ?? "";
      if (op && nick !== "") ops.push(nick);
    }
  }
  return ops;
}

/** The ChannelBot of a live bot connection. */
export function channelBotOf(connection: IrcConnection): ChannelBot {
  return {
    get nick() {
      return connection.nick;
    },
    async operators(channel) {
      if (!connection.isRegistered) throw new ProvisionError(503, "IRC_BOT_OFFLINE", "The bridge's IRC bot is not connected to that network right now; try again later.");
      const inside = connection.channelNames.some((c) => connection.same(c, channel));
      if (!inside) {
        const joined = await connection.request(joinRequest(channel, undefined));
        if (joined.kind === "error") throw new ProvisionError(403, "IRC_BAD_OPERATOR_TARGET", `The bridge's bot cannot enter ${channel} to see who operates it: ${joined.text}`);
        if (joined.kind !== "ok") throw new ProvisionError(504, "IRC_BOT_OFFLINE", `The IRC server did not let the bridge's bot into ${channel} in time; try again later.`);
      }
      try {
        const reply = await connection.request(namesRequest(channel));
        if (reply.kind === "lost" || reply.kind === "timeout") throw new ProvisionError(504, "IRC_BOT_OFFLINE", `The IRC server did not tell the bridge's bot who operates ${channel} in time; try again later.`);
        if (reply.kind === "error") throw new ProvisionError(400, "IRC_UNKNOWN_CHANNEL", `The IRC server refused to list ${channel}: ${reply.text}`);
        const we = { me: connection.nick, same: (a: string, b: string) => connection.same(a, b) };
        return operatorsOf(reply.lines, connection.modeSpec.prefix, channel, we).filter((n) => !connection.same(n, connection.nick));
      } finally {
        // Unless something made the bot belong there meanwhile (a link: NetworkBridge joins it).
        if (!inside && !connection.channelNames.some((c) => connection.same(c, channel))) void connection.request(partRequest(channel, "looked up the channel's operators for a link request"));
      }
    },
    tell(nick, text) {
      const sent = connection.say("privmsg", nick, text);
      if (sent === false) return false;
      sent.catch(() => undefined);
      return true;
    },
    same: (a, b) => connection.same(a, b),
  };
}
