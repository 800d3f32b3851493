import { usage, type PlainCommand } from "../command";

/** !help: the commands this user may run, rendered from the registry. */
export const help: PlainCommand = {
  name: "help",
  args: "",
  summary: "Lists the commands.",
  run(ctx) {
    const admin = ctx.isAdmin(ctx.userId);
    const shown = ctx.commands.filter((c) => c.adminOnly !== true || admin);
    const lines = shown.map((c) => `${usage(c)}: ${c.summary}${c.adminOnly === true ? " (bridge admins only)" : ""}`);
    const networks = ctx.networks.map((n) => `${n.id} (${n.name})`).join(", ");
    const note =
      ctx.networks.length === 1
        ? `[network] may be left out: this bridge serves only ${networks}.`
        : `[network] is one of: ${networks}.`;
    return Promise.resolve(["Commands:", ...lines, note].join("\n"));
  },
};
