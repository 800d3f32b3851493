import { channelModesRequest, joinRequest, modeLetters } from "../../irc/replies";
import { channelProblem, paramProblem } from "../../irc/syntax";
import type { IrcReply } from "../../irc/requests";
import type { AdminConnection, NetworkCommand, NetworkCommandContext } from "../command";
import { noAnswer, serverSaid, shown } from "../replies";

type BridgedRoom = { readonly roomId: string; readonly alias: string | undefined };

/** Why a server refuses a JOIN, by numeric. */
const REFUSALS: Readonly<Record<string, string>> = {
  "403": "there is no such channel (or its name is not allowed)",
  "405": "you are in too many channels",
  "437": "the channel is temporarily unavailable",
  "471": "it is full (+l)",
  "473": "it is invite-only (+i)",
  "474": "you are banned from it (+b)",
  "475": "it needs the right key (+k): !join [network] #channel <key>",
  "477": "it needs a registered, identified nick",
  "489": "it needs a secure (TLS) connection",
  "520": "it is for IRC operators only",
};

/**
 * !join [network] #channel [key]: joins the channel through the user's own connection (created if
 * needed). Success is the server's JOIN echo; the channel is then stored, so restarts and
 * reconnects rejoin it, with the key (which is the user's own: rooms/channelKeys.ts). Where the
 * channel's room is invite-only the user is invited to it. A refusal is reported with the
 * server's reason. The key is never repeated in a reply or logged.
 */
export const join: NetworkCommand = {
  name: "join",
  args: "[network] #channel [key]",
  summary: "Joins an IRC channel through your connection (rejoined after restarts).",
  takesNetwork: true,
  // A key is a secret: the runner redacts the message that carried one.
  carriesSecret: (argv) => argv.length > 1,
  async run(ctx, argv) {
    const [channel, key] = argv;
    if (channel === undefined || argv.length > 2) return "Usage: !join [network] #channel [key].";
    const problem = channelProblem(channel);
    if (problem !== undefined) return `"${shown(channel)}" is not a channel: ${problem}.`;
    // The key is never repeated in a reply or logged.
    if (key !== undefined && (paramProblem(key, false) !== undefined || key.includes(","))) return "That channel key cannot be sent: it has a comma, a line break or starts with ':'.";
    const puppets = ctx.puppets(ctx.target.id);
    const ensured = puppets.ensure(ctx.userId);
    const name = ctx.target.name;
    if (!ensured.ok) return `You cannot be connected to ${name}: ${ensured.reason}.`;
    const connection = ensured.connection;
    if (connection.channelNames.some((c) => connection.same(c, channel))) return `You are already in ${channel} on ${name}.${roomsLine(ctx, channel)}`;
    if (!connection.isRegistered) {
      // Lines wait for the registration: the JOIN goes out once connected (its answer is not awaited).
      if (!connection.join(channel, key)) return `Too many lines are already waiting on your connection to ${name}; try again later.`;
      await puppets.persist(ctx.userId);
      return `You are not connected to ${name} yet (${connection.downReason ?? "connecting"}); you will join ${channel} as soon as you are. !listrooms shows your channels.`;
    }
    return answered(ctx, channel, key, await connection.request(joinRequest(channel, key)));
  },
};

async function answered(ctx: NetworkCommandContext, channel: string, key: string | undefined, reply: IrcReply): Promise<string> {
  const puppets = ctx.puppets(ctx.target.id);
  const connection = puppets.connection(ctx.userId);
  const name = ctx.target.name;
  switch (reply.kind) {
    case "ok": {
      const joined = reply.lines.find((l) => l.command === "JOIN")?.params[0] ?? channel;
      const moved = connection !== undefined && !connection.same(joined, channel) ? ` (the server sent you there instead of ${channel})` : "";
      connection?.remember(joined, key);
      await puppets.persist(ctx.userId);
      const invited = connection === undefined ? [] : await inviteToClosedRooms(ctx, connection, joined);
      return `Joined ${joined} on ${name}${moved}.${invited.length > 0 ? invitedLine(invited) : roomsLine(ctx, joined)}`;
    }
    case "error":
      return `Cannot join ${channel} on ${name}: ${REFUSALS[reply.numeric] ?? "the server refused"} ${serverSaid(reply)}.`;
    default:
      return noAnswer(reply, ctx.target, `JOIN ${channel}`);
  }
}

/**
 * The user's connection is in the channel now, so they may read it in Matrix too: the bot invites
 * them into its bridged rooms that are closed (the channel is +i or +k, as its modes say now, or
 * the room is not public), unless they are in the room already or banned from it. Returns the rooms
 * they are invited to (already or now).
 */
async function inviteToClosedRooms(ctx: NetworkCommandContext, connection: AdminConnection, channel: string): Promise<BridgedRoom[]> {
  const rooms = ctx.roomsFor(ctx.target.id, channel);
  if (rooms.length === 0) return [];
  const modes = await connection.request(channelModesRequest(channel));
  const closed = modes.kind === "ok" && /[ik]/.test(modeLetters(modes.lines));
  const invited: BridgedRoom[] = [];
  for (const room of rooms) {
    const { joinRule, membership } = await ctx.roomFor(room.roomId, ctx.userId);
    if (membership === "join" || membership === "ban") continue;
    if (membership === "invite") invited.push(room);
    else if ((closed || (joinRule !== undefined && joinRule !== "public")) && (await ctx.inviteToRoom(room.roomId, ctx.userId))) invited.push(room);
  }
  return invited;
}

function invitedLine(rooms: readonly BridgedRoom[]): string {
  const names = rooms.map((r) => r.alias ?? r.roomId).join(", ");
  return ` Its Matrix room is invite-only: the bridge bot invited you to ${names}; accept the invite to read the channel there.`;
}

/** Where the channel is on Matrix: its bridged rooms, or the portal alias to join. */
export function roomsLine(ctx: NetworkCommandContext, channel: string): string {
  const rooms = ctx.roomsFor(ctx.target.id, channel);
  if (rooms.length > 0) return ` On Matrix: ${rooms.map((r) => r.alias ?? r.roomId).join(", ")}.`;
  const alias = ctx.portalAlias(ctx.target.id, channel);
  return alias === undefined ? " It is not bridged to a Matrix room." : ` To talk there from Matrix, join ${alias}.`;
}
