import { inviteRequest } from "../../irc/channelRequests";
import { channelProblem, paramProblem } from "../../irc/syntax";
import type { NetworkCommand } from "../command";
import { liveConnection, noAnswer, serverSaid, shown } from "../replies";

/** Why a server refuses an INVITE, by numeric ({nick}, {channel} filled in). */
const REFUSALS: Readonly<Record<string, string>> = {
  "401": "there is no nick {nick} on the network right now",
  "403": "there is no channel {channel}",
  "442": "you are not in {channel} (join it first: !join {network} {channel})",
  "443": "{nick} is already in {channel}",
  "482": "you are not a channel operator of {channel}, and only operators may invite into it",
};

/**
 * !invite [network] #channel nick: an IRC INVITE of `nick` into the channel, through the user's own
 * connection (so the server decides, as for any IRC user: operators of +i channels, members of
 * others), answered with what the server said: 341 (RPL_INVITING) is "Invited", a refusal is put in
 * words (482 not an operator, 443 already there, 401 no such nick, 442 not in the channel).
 */
export const invite: NetworkCommand = {
  name: "invite",
  args: "[network] #channel nick",
  summary: "Invites an IRC nick into a channel, through your connection.",
  takesNetwork: true,
  async run(ctx, argv) {
    const [channel, nick] = argv;
    if (channel === undefined || nick === undefined || argv.length > 2) return "Usage: !invite [network] #channel nick.";
    const badChannel = channelProblem(channel);
    if (badChannel !== undefined) return `"${shown(channel)}" is not a channel: ${badChannel}.`;
    const badNick = paramProblem(nick, false) ?? (nick.includes(",") ? "one nick at a time" : undefined);
    if (badNick !== undefined) return `"${shown(nick)}" is not a nick: ${badNick}.`;
    const connection = liveConnection(ctx);
    if (typeof connection === "string") return `${connection} (INVITE goes through your own connection.)`;
    const reply = await connection.request(inviteRequest(nick, channel));
    const name = ctx.target.name;
    if (reply.kind === "ok") return `Invited ${nick} to ${channel} on ${name}.`;
    if (reply.kind === "error") {
      const words = REFUSALS[reply.numeric]?.replace(/\{nick\}/g, nick).replace(/\{channel\}/g, channel).replace(/\{network\}/g, ctx.target.id) ?? "the server refused";
      return `Cannot invite ${nick} to ${channel} on ${name}: ${words} ${serverSaid(reply)}.`;
    }
    return noAnswer(reply, ctx.target, `INVITE ${nick} ${channel}`);
  },
};
