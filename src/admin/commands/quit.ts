import type { NetworkCommand } from "../command";

/** !quit [network]: disconnects the user and keeps them disconnected, across restarts, until !reconnect. */
export const quit: NetworkCommand = {
  name: "quit",
  args: "[network]",
  summary: "Disconnects you from the IRC network until you send !reconnect.",
  takesNetwork: true,
  run(ctx, argv) {
    if (argv.length > 0) return Promise.resolve("!quit takes no other arguments. Usage: !quit [network]");
    return ctx.puppets(ctx.target.id).quit(ctx.userId);
  },
};
