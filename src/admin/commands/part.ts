import { partRequest } from "../../irc/replies";
import { channelProblem } from "../../irc/syntax";
import type { NetworkCommand } from "../command";
import { liveConnection, noAnswer, serverSaid, shown } from "../replies";

/**
 * !part [network] #channel: leaves the channel on IRC. It is forgotten before the PART is sent, so
 * no reconnect or restart rejoins it whatever the server answers.
 */
export const part: NetworkCommand = {
  name: "part",
  args: "[network] #channel",
  summary: "Leaves an IRC channel (it is no longer rejoined).",
  takesNetwork: true,
  async run(ctx, argv) {
    const [channel] = argv;
    if (channel === undefined || argv.length > 1) return "Usage: !part [network] #channel.";
    const problem = channelProblem(channel);
    if (problem !== undefined) return `"${shown(channel)}" is not a channel: ${problem}.`;
    const connection = liveConnection(ctx);
    if (typeof connection === "string") return connection;
    const name = ctx.target.name;
    const written = connection.channelNames.find((c) => connection.same(c, channel));
    if (written === undefined) return `You are not in ${channel} on ${name}.`;
    connection.forget(written);
    await ctx.puppets(ctx.target.id).persist(ctx.userId);
    const reply = await connection.request(partRequest(written, "leaving"));
    const again = " A message you send in a Matrix room bridged to it joins it again.";
    if (reply.kind === "ok") return `Left ${written} on ${name}.${again}`;
    if (reply.kind === "error") return `${name} says you were not in ${written} ${serverSaid(reply)}; it will not be rejoined.`;
    return `${noAnswer(reply, ctx.target, `PART ${written}`)} It will not be rejoined.`;
  },
};
