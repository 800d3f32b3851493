import type { NetworkCommand } from "../command";

/** !listrooms [network]: the user's channels on the network and the Matrix rooms bridged to each. */
export const listRooms: NetworkCommand = {
  name: "listrooms",
  args: "[network]",
  summary: "Lists your IRC channels and the Matrix rooms bridged to each.",
  takesNetwork: true,
  async run(ctx, argv) {
    if (argv.length > 0) return "!listrooms takes no other arguments. Usage: !listrooms [network]";
    const puppets = ctx.puppets(ctx.target.id);
    const name = ctx.target.name;
    const connection = puppets.connection(ctx.userId);
    let header: string;
    let channels: readonly string[];
    if (connection !== undefined) {
      channels = connection.channelNames;
      header = connection.isRegistered
        ? `Your channels on ${name} (connected as ${connection.nick}):`
        : `Your channels on ${name} (not connected right now: ${connection.downReason ?? "connecting"}; they are rejoined when you are):`;
    } else {
      channels = (await puppets.stored(ctx.userId))?.channels ?? [];
      const how = puppets.hasQuit(ctx.userId) ? `you left with !quit; !reconnect ${ctx.target.id} rejoins them` : "you rejoin them when you next connect";
      header = `You are not connected to ${name}; your channels there (${how}):`;
    }
    if (channels.length === 0) return connection === undefined ? `You are not connected to ${name} and have no channels there.` : `You are in no channel on ${name}.`;
    const lines = [...channels]
      .sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase()))
      .map((channel) => {
        const rooms = ctx.roomsFor(ctx.target.id, channel);
        const where = rooms.length === 0 ? "no bridged Matrix room" : rooms.map((r) => (r.alias === undefined ? r.roomId : `${r.alias} (${r.roomId})`)).join(", ");
        return `${channel}: ${where}`;
      });
    return [header, ...lines].join("\n");
  },
};
