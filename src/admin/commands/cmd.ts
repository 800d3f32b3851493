import { rawRequest, serviceRequest } from "../../irc/replies";
import type { NetworkCommand } from "../command";
import { planRawCommand, rawCarriesSecret } from "../rawPolicy";
import { liveConnection, noAnswer, renderLines } from "../replies";

/**
 * !cmd [network] COMMAND parameters...: one raw IRC command through the user's own connection,
 * checked first (rawPolicy.ts: allow-list, admin-only commands, parameters, message targets);
 * nothing is sent when a check fails. Replies with what the server answered.
 */
export const cmd: NetworkCommand = {
  name: "cmd",
  args: "[network] COMMAND parameters...",
  summary: "Sends a raw IRC command through your connection (a ':' word starts the last parameter).",
  takesNetwork: true,
  // A key or a password (JOIN #c key, PASS, PRIVMSG NickServ :IDENTIFY pw...): the runner redacts the message.
  carriesSecret: rawCarriesSecret,
  async run(ctx, argv) {
    const puppets = ctx.puppets(ctx.target.id);
    const open = puppets.connection(ctx.userId);
    const plan = planRawCommand(argv, ctx.rawCommands(ctx.target.id), {
      isAdmin: ctx.isAdmin(ctx.userId),
      channels: open?.channelNames ?? [],
      same: (a, b) => (open === undefined ? a.toLowerCase() === b.toLowerCase() : open.same(a, b)),
    });
    if (!plan.ok) return plan.reason;
    const connection = liveConnection(ctx);
    if (typeof connection === "string") return `Not sent. ${connection}`;
    const { command, params } = plan;
    const [target = "", text = ""] = params;
    const request = plan.to === "service" && (command === "PRIVMSG" || command === "NOTICE") ? serviceRequest(command, target, text) : rawRequest(command, params);
    const reply = await connection.request(request);
    const name = ctx.target.name;
    switch (reply.kind) {
      case "ok": {
        if (plan.to === "channel") return `Sent to ${target} on ${name} (the bridge does not show it in the Matrix room).`;
        if (reply.lines.length === 0) return `Sent ${command} to ${name}; the server did not answer.`;
        return `${name} answered ${command}:\n${renderLines(reply.lines)}`;
      }
      case "error":
        return `${name} refused ${command} (${reply.numeric}):\n${renderLines(reply.lines)}`;
      case "timeout": {
        const partial = reply.lines.length === 0 ? "" : `\nWhat came before:\n${renderLines(reply.lines)}`;
        return `${noAnswer(reply, ctx.target, command)}${partial}`;
      }
      default:
        return noAnswer(reply, ctx.target, command);
    }
  },
};
