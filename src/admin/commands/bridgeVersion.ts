import type { PlainCommand } from "../command";

/** !bridgeversion: the version of the bridge software. */
export const bridgeVersion: PlainCommand = {
  name: "bridgeversion",
  args: "",
  summary: "Shows the version of the bridge.",
  run(ctx) {
    return Promise.resolve(`matrix-irc-puppet-bridge ${ctx.version}`);
  },
};
