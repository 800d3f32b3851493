import type { PlainCommand } from "../command";
import { linkArgs, refusalText } from "../linkArgs";

const USAGE = "!unlink <room id> [network] #channel";

/**
 * !unlink <room> [network] #channel: ends a room's bridge (a link or a portal; mapped rooms are the
 * config's). Bridge admins may end any room's; other users those of rooms they moderate
 * (Links.unlink checks, as for every way of unlinking).
 */
export const unlink: PlainCommand = {
  name: "unlink",
  args: "<room id> [network] #channel",
  summary: "Ends the bridge of a Matrix room with an IRC channel (bridge admins: any room; others: rooms they moderate).",
  async run(ctx, argv) {
    const args = await linkArgs(ctx, argv, USAGE);
    if (typeof args === "string") return args;
    try {
      await ctx.links.unlink({ networkId: args.network.id, channel: args.channel, roomId: args.roomId, by: { kind: "matrix", userId: ctx.userId } });
      return `Unlinked ${args.roomId} from ${args.channel} on ${args.network.name}.`;
    } catch (err) {
      return `Not unlinked: ${refusalText(err)}`;
    }
  },
};
