import { whoisRequest } from "../../irc/replies";
import { paramProblem } from "../../irc/syntax";
import { describeSeconds, parseWhois, type WhoisInfo } from "../../irc/whois";
import type { NetworkCommand, NetworkCommandContext } from "../command";
import { liveConnection, noAnswer, serverSaid, shown } from "../replies";

const USER_ID = /^@[^:\s]+:\S+$/;
const NO_SUCH = new Set(["401", "402", "406"]);

/**
 * !whois [network] <nick | @matrix:id>: a nick is looked up with a real WHOIS through the user's
 * own connection (open to everyone: IRC shows the same to anyone). A Matrix user id is answered
 * from the bridge: the nick and channels that user's connection has on the network. Another
 * user's connection is private (it tells which channels they read): only bridge admins
 * (bridge.admins) see it; anyone may look up their own.
 */
export const whois: NetworkCommand = {
  name: "whois",
  args: "[network] <nick or @user:server>",
  summary: "Tells who is behind an IRC nick, or which nick a Matrix user has on IRC.",
  takesNetwork: true,
  async run(ctx, argv) {
    const [who] = argv;
    if (who === undefined || argv.length > 1) return "Usage: !whois [network] <nick or @user:server>.";
    if (who.startsWith("@")) return matrixUser(ctx, who);
    const problem = paramProblem(who, false) ?? (who.includes(",") ? "one nick at a time" : undefined);
    if (problem !== undefined) return `"${shown(who)}" is not a nick: ${problem}.`;
    const connection = liveConnection(ctx);
    if (typeof connection === "string") return `${connection} (WHOIS goes through your own connection.)`;
    const reply = await connection.request(whoisRequest(who));
    if (reply.kind === "ok") return describe(parseWhois(who, reply.lines));
    if (reply.kind === "error") {
      return NO_SUCH.has(reply.numeric) ? `There is no nick ${who} on ${ctx.target.name} right now.` : `${ctx.target.name} did not answer WHOIS ${who} ${serverSaid(reply)}.`;
    }
    return noAnswer(reply, ctx.target, `WHOIS ${who}`);
  },
};

function matrixUser(ctx: NetworkCommandContext, userId: string): string {
  if (!USER_ID.test(userId)) return `"${shown(userId)}" is not a Matrix user id such as @alice:example.org.`;
  if (userId !== ctx.userId && !ctx.isAdmin(ctx.userId)) {
    return "Only bridge admins may look up another Matrix user's IRC connection. To see who is behind an IRC nick, use !whois <nick>.";
  }
  const connection = ctx.puppets(ctx.target.id).connection(userId);
  const name = ctx.target.name;
  if (connection === undefined) return `${userId} is not connected to ${name} through this bridge.`;
  const channels = connection.channelNames.length === 0 ? "" : `\nchannels: ${connection.channelNames.join(" ")}`;
  if (!connection.isRegistered) return `${userId} is connecting to ${name} through this bridge, as ${connection.nick}.${channels}`;
  return `${userId} is connected to ${name} as ${connection.nick}.${channels}`;
}

function describe(info: WhoisInfo): string {
  if (info.user === undefined) return `The server said nothing about ${info.nick}.`;
  const lines = [`${info.nick} is ${info.nick}!${info.user}@${info.host ?? "?"} (${info.realname ?? ""})`];
  if (info.server !== undefined) lines.push(`server: ${info.server}${info.serverInfo === undefined ? "" : ` (${info.serverInfo})`}`);
  lines.push(`account: ${info.account ?? "not logged in (or the server does not say)"}`);
  if (info.channels.length > 0) lines.push(`channels: ${info.channels.join(" ")}`);
  if (info.idleSeconds !== undefined) {
    const since = info.signedOnAt === undefined ? "" : `, connected since ${new Date(info.signedOnAt).toISOString().replace("T", " ").slice(0, 16)} UTC`;
    lines.push(`idle: ${describeSeconds(info.idleSeconds)}${since}`);
  }
  if (info.away !== undefined) lines.push(`away: ${info.away}`);
  const flags = [info.operator ? "is an IRC operator" : undefined, info.secure ? "uses a secure connection" : undefined].filter((f) => f !== undefined);
  if (flags.length > 0) lines.push(flags.join("; "));
  return lines.join("\n");
}
