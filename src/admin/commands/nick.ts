import { nickRequest } from "../../irc/replies";
import { nickProblem } from "../../irc/syntax";
import type { AdminConnection, NetworkCommand, NetworkCommandContext } from "../command";
import { noAnswer, serverSaid, shown } from "../replies";

/**
 * !nick [network] [nick | --reset]: shows the user's nick, or changes it. The nick is checked
 * against what the network's server allows (its NICKLEN from ISUPPORT, the RFC's nick characters)
 * before anything is sent. A connected user's NICK is sent and the server's answer reported (our
 * NICK echo, or why it refused); without a live connection the nick is stored for the next one.
 *
 * Guarantee: a nick chosen here is stored as the user's chosen nick (desiredNick): every connection
 * asks for it, across reconnects and restarts, and a displayname change never replaces it. Only
 * another !nick changes it, or `--reset`, which goes back to the network's nickTemplate (the user's
 * displayname, followed from then on when nickFollowsDisplayname is on).
 */
export const nick: NetworkCommand = {
  name: "nick",
  args: "[network] [nick | --reset]",
  summary: "Shows your IRC nick, or changes it: a nick you choose stays (restarts, displayname changes) until you choose another; --reset goes back to the nick made from your displayname.",
  takesNetwork: true,
  async run(ctx, argv) {
    if (argv.length > 1) return "Usage: !nick [network] [nick | --reset] (a nick has no spaces).";
    const wanted = argv[0];
    const connection = ctx.puppets(ctx.target.id).connection(ctx.userId);
    if (wanted === undefined) return current(ctx, connection);
    if (wanted === "--reset") return reset(ctx, connection);
    // The server's NICKLEN: what this connection heard, else what the network's connections heard.
    const nicklen = Number(connection?.isupport("NICKLEN")) || ctx.puppets(ctx.target.id).nicklen();
    const problem = nickProblem(wanted, nicklen);
    if (problem !== undefined) return `"${shown(wanted)}" cannot be your nick: ${problem}.`;
    if (connection?.isRegistered !== true) return storeForLater(ctx, connection, wanted);
    if (connection.nick === wanted) {
      await ctx.puppets(ctx.target.id).setNick(ctx.userId, wanted);
      connection.preferNick(wanted);
      return `You already are ${wanted} on ${ctx.target.name}.`;
    }
    return change(ctx, connection, wanted);
  },
};

async function current(ctx: NetworkCommandContext, connection: AdminConnection | undefined): Promise<string> {
  const name = ctx.target.name;
  const puppets = ctx.puppets(ctx.target.id);
  const stored = await puppets.stored(ctx.userId);
  const chosen = stored?.desiredNick === undefined ? "" : ` You chose ${stored.desiredNick} with !nick: it stays until you choose another (!nick --reset goes back to the nick made from your displayname).`;
  if (connection?.isRegistered === true) return `Your nick on ${name} is ${connection.nick} (connected).${chosen}`;
  if (connection !== undefined) return `Your nick on ${name} is to be ${connection.nick}; you are not connected right now: ${connection.downReason ?? "connecting"}.${chosen}`;
  if (stored === undefined) return `You have never connected to ${name}; your nick will come from the bridge's nick template. Choose one now with !nick ${ctx.target.id} <nick>.`;
  const next = stored.desiredNick ?? stored.nick;
  if (puppets.hasQuit(ctx.userId)) return `You left ${name} with !quit; your nick will be ${next} when you !reconnect.${chosen}`;
  return `You are not connected to ${name}; your nick will be ${next} when you next connect.${chosen}`;
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

/** Back to the nickTemplate: the chosen nick is forgotten at once, and the template's nick asked for. */
async function reset(ctx: NetworkCommandContext, connection: AdminConnection | undefined): Promise<string> {
  const name = ctx.target.name;
  const follows = "your nick follows your displayname again";
  const nick = await ctx.puppets(ctx.target.id).resetNick(ctx.userId);
  if (connection?.isRegistered !== true) {
    connection?.preferNick(nick);
    return `You are not connected to ${name}; ${follows}: it will be ${nick} when you next connect.`;
  }
  connection.preferNick(nick);
  if (connection.nick === nick) return `Your nick on ${name} is ${nick}, and ${follows}.`;
  const reply = await connection.request(nickRequest(nick));
  if (reply.kind === "ok") {
    const echoed = reply.lines.find((l) => l.command === "NICK")?.params[0] ?? nick;
    return `Your nick on ${name} changed to ${echoed}, and ${follows}.`;
  }
  const again = "Your nick follows your displayname again";
  if (reply.kind === "error") return `${again}, but your nick on ${name} is still ${connection.nick} for now: ${refusal(reply.numeric, nick)} ${serverSaid(reply)}.`;
  return `${noAnswer(reply, ctx.target, `NICK ${nick}`)} ${again}; your nick is ${connection.nick} as far as the bridge knows.`;
}

function refusal(numeric: string, wanted: string): string {
  return numeric === "433" ? `the nick ${wanted} is in use`
    : numeric === "432" ? `${wanted} is not a nick this server accepts`
    : numeric === "437" ? `the nick ${wanted} is temporarily unavailable`
    : numeric === "438" ? "you are changing nicks too fast"
    : `the server refused the nick ${wanted}`;
}

async function change(ctx: NetworkCommandContext, connection: AdminConnection, wanted: string): Promise<string> {
  const name = ctx.target.name;
  const reply = await connection.request(nickRequest(wanted));
  switch (reply.kind) {
    case "ok": {
      // The server may have adjusted it (case); our NICK echo says what it is.
      const echoed = reply.lines.find((l) => l.command === "NICK")?.params[0] ?? wanted;
      await ctx.puppets(ctx.target.id).setNick(ctx.userId, echoed);
      // Asked for at the connection's reconnections too.
      connection.preferNick(echoed);
      return `Your nick on ${name} changed to ${echoed}.`;
    }
    case "error":
      return `Your nick on ${name} is still ${connection.nick}: ${refusal(reply.numeric, wanted)} ${serverSaid(reply)}.`;
    default:
      return `${noAnswer(reply, ctx.target, `NICK ${wanted}`)} Your nick is ${connection.nick} as far as the bridge knows.`;
  }
}
