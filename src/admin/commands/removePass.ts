import type { NetworkCommand } from "../command";

/** !removepass [network]: forgets the user's stored IRC password. */
export const removePass: NetworkCommand = {
  name: "removepass",
  args: "[network]",
  summary: "Forgets your stored IRC password.",
  takesNetwork: true,
  async run(ctx, argv) {
    if (argv.length > 0) return "!removepass takes no other arguments. Usage: !removepass [network]";
    const removed = await ctx.removePassword(ctx.target.id, ctx.userId);
    return removed ? `Your password for ${ctx.target.name} was removed; your next connection will not identify.` : `You had no stored password for ${ctx.target.name}.`;
  },
};
