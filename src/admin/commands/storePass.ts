import type { NetworkCommand } from "../command";

/**
 * !storepass [network] <password>: seals and stores the user's IRC password (it may contain
 * spaces), used at their next connection for SASL PLAIN, or NickServ IDENTIFY where the server has
 * no SASL. The message carrying it is redacted; the password is never echoed or logged.
 */
export const storePass: NetworkCommand = {
  name: "storepass",
  args: "[network] <password>",
  summary: "Stores your IRC account password (sealed) for SASL / NickServ; your message is redacted.",
  takesNetwork: true,
  // The runner redacts the message (and says so when it cannot) before this runs.
  carriesSecret: () => true,
  async run(ctx, argv) {
    const password = ctx.rawArgs.trim();
    if (argv.length === 0 || password === "") return "Usage: !storepass [network] <password>.";
    const outcome = await ctx.storePassword(ctx.target.id, ctx.userId, password);
    if (!outcome.ok) return `Your password was not stored: ${outcome.reason}.`;
    return `Password stored (sealed) for the account ${outcome.account} on ${ctx.target.name}; it is used from your next connection. Say !reconnect to identify now.`;
  },
};
