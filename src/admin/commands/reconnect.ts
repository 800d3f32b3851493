import type { NetworkCommand } from "../command";

/** !reconnect [network]: drops the user's IRC connection and opens a new one in the same channels. */
export const reconnect: NetworkCommand = {
  name: "reconnect",
  args: "[network]",
  summary: "Reconnects you to the IRC network, rejoining your channels (also ends a !quit).",
  takesNetwork: true,
  run(ctx, argv) {
    if (argv.length > 0) return Promise.resolve(`!reconnect takes no other arguments. Usage: !reconnect [network]`);
    return ctx.reconnect(ctx.target.id, ctx.userId);
  },
};
