import { usernameProblem } from "../../irc/syntax";
import type { NetworkCommand } from "../command";
import { shown } from "../replies";

/**
 * !username [network] <name>: the username (ident) of the user's next connection: 1 to 10
 * characters a-z 0-9, unique on the network. Stored; it takes effect when they next connect.
 */
export const username: NetworkCommand = {
  name: "username",
  args: "[network] <name>",
  summary: "Sets your IRC username (ident) for your next connection.",
  takesNetwork: true,
  async run(ctx, argv) {
    const [wanted] = argv;
    if (wanted === undefined || argv.length > 1) return "Usage: !username [network] <name> (1 to 10 characters a-z 0-9).";
    const problem = usernameProblem(wanted);
    if (problem !== undefined) return `"${shown(wanted)}" cannot be your username: ${problem}.`;
    const puppets = ctx.puppets(ctx.target.id);
    const name = ctx.target.name;
    if ((await puppets.stored(ctx.userId))?.username === wanted) return `Your username on ${name} already is ${wanted}.`;
    if ((await puppets.setUsername(ctx.userId, wanted)) === "taken") return `The username ${wanted} is already used by another Matrix user on ${name}; choose another.`;
    const connected = puppets.connection(ctx.userId) !== undefined;
    const when = connected ? `It takes effect when you next connect: send !reconnect ${ctx.target.id} to use it now.` : "It takes effect when you next connect.";
    return `Your username on ${name} will be ${wanted}. ${when}`;
  },
};
