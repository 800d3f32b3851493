import type { PlainCommand } from "../command";
import { linkArgs, refusalText } from "../linkArgs";

const USAGE = "!plumb <room id or alias> <network> #channel";

/**
 * !plumb <room> <network> #channel: a bridge admin links a room to a channel without asking a
 * channel operator (Links.plumb: the same checks as any link). The bot must be invited to the room
 * (or the room be public). The room is told by the link itself.
 */
export const plumb: PlainCommand = {
  name: "plumb",
  args: "<room id or alias> <network> #channel",
  summary: "Bridges a Matrix room to an IRC channel without asking its operators (invite the bot to the room first).",
  adminOnly: true,
  async run(ctx, argv) {
    const args = await linkArgs(ctx, argv, USAGE);
    if (typeof args === "string") return args;
    try {
      const info = await ctx.links.plumb({ networkId: args.network.id, channel: args.channel, roomId: args.roomId }, ctx.userId);
      return `Bridged ${info.roomId} to ${info.channel} on ${args.network.name}.`;
    } catch (err) {
      return `Not bridged: ${refusalText(err)}`;
    }
  },
};
