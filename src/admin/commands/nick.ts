import { nickRequest } from "../../irc/replies";
import { DEFAULT_NICKLEN, nickProblem } from "../../irc/syntax";
import type { AdminConnection, NetworkCommand, NetworkCommandContext } from "../command";
import { noAnswer, serverSaid, shown } from "../replies";

/**
 * !nick [network] [nick]: shows the user's nick, or changes it. A connected user's NICK is sent and
 * the server's answer reported (our NICK echo, or why it refused); the new nick is stored so a
 * restart keeps it. Without a live connection the nick is stored for the next one.
 */
export const nick: NetworkCommand = {
  name: "nick",
  args: "[network] [nick]",
  summary: "Shows your IRC nick, or changes it (kept across restarts).",
  takesNetwork: true,
  async run(ctx, argv) {
    if (argv.length > 1) return "Usage: !nick [network] [nick] (a nick has no spaces).";
    const wanted = argv[0];
    const connection = ctx.puppets(ctx.target.id).connection(ctx.userId);
    if (wanted === undefined) return current(ctx, connection);
    const nicklen = Number(connection?.isupport("NICKLEN") ?? DEFAULT_NICKLEN) || DEFAULT_NICKLEN;
    const problem = nickProblem(wanted, nicklen);
    if (problem !== undefined) return `"${shown(wanted)}" cannot be your nick: ${problem}.`;
    if (connection?.isRegistered !== true) return storeForLater(ctx, connection, wanted);
    if (connection.nick === wanted) return `You already are ${wanted} on ${ctx.target.name}.`;
    return change(ctx, connection, wanted);
  },
};

async function current(ctx: NetworkCommandContext, connection: AdminConnection | undefined): Promise<string> {
  const name = ctx.target.name;
  if (connection?.isRegistered === true) return `Your nick on ${name} is ${connection.nick} (connected).`;
  if (connection !== undefined) return `Your nick on ${name} is to be ${connection.nick}; you are not connected right now: ${connection.downReason ?? "connecting"}.`;
  const puppets = ctx.puppets(ctx.target.id);
  const stored = await puppets.stored(ctx.userId);
  if (stored === undefined) return `You have never connected to ${name}; your nick will come from the bridge's nick template. Choose one now with !nick ${ctx.target.id} <nick>.`;
  if (puppets.hasQuit(ctx.userId)) return `You left ${name} with !quit; your nick will be ${stored.nick} when you !reconnect.`;
  return `You are not connected to ${name}; your nick will be ${stored.nick} when you next connect.`;
}

async function storeForLater(ctx: NetworkCommandContext, connection: AdminConnection | undefined, wanted: string): Promise<string> {
  const puppets = ctx.puppets(ctx.target.id);
  await puppets.setNick(ctx.userId, wanted);
  connection?.preferNick(wanted);
  const name = ctx.target.name;
  if (connection !== undefined) return `You are not connected to ${name} right now (${connection.downReason ?? "connecting"}); your nick will be ${wanted} when you are.`;
  if (puppets.hasQuit(ctx.userId)) return `You left ${name} with !quit; your nick will be ${wanted} when you !reconnect.`;
  return `You are not connected to ${name}; your nick will be ${wanted} when you next connect.`;
}

async function change(ctx: NetworkCommandContext, connection: AdminConnection, wanted: string): Promise<string> {
  const name = ctx.target.name;
  const reply = await connection.request(nickRequest(wanted));
  switch (reply.kind) {
    case "ok": {
      // The server may have adjusted it (case); our NICK echo says what it is.
      const echoed = reply.lines.find((l) => l.command === "NICK")?.params[0] ?? wanted;
      await ctx.puppets(ctx.target.id).setNick(ctx.userId, echoed);
      return `Your nick on ${name} changed to ${echoed}.`;
    }
    case "error": {
      const why =
        reply.numeric === "433" ? `the nick ${wanted} is in use`
        : reply.numeric === "432" ? `${wanted} is not a nick this server accepts`
        : reply.numeric === "437" ? `the nick ${wanted} is temporarily unavailable`
        : reply.numeric === "438" ? "you are changing nicks too fast"
        : `the server refused the nick ${wanted}`;
      return `Your nick on ${name} is still ${connection.nick}: ${why} ${serverSaid(reply)}.`;
    }
    default:
      return `${noAnswer(reply, ctx.target, `NICK ${wanted}`)} Your nick is ${connection.nick} as far as the bridge knows.`;
  }
}
