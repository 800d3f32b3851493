/**
 * Channel-operator actions from Matrix (kicks, bans, modes), carried out on IRC for a Matrix
 * moderator: whether the bridge may act for them, which connection acts, and what to tell the
 * room when nothing could.
 *
 * Guarantees:
 * - Nothing is sent for a user whose power level in the room is below chanops.moderatorLevel, nor
 *   for a ghost id that decodes to no single valid IRC nick (`@irc_=2a` is `*`: see ghostNick.ts).
 * - Only a connection that is registered and that ChannelOps says is an operator of the channel
 *   acts: the moderator's own first, else the bridge's IRC bot. IRC stays the authority: when the
 *   server answers 482 (not an operator after all), the next connection is tried; the outcome is
 *   the last answer.
 * - Every refusal and failure has words the room is shown (who could not act, and why).
 * Not guaranteed: that an action survives a bridge restart while it waits for the server.
 */
import { errorText } from "../errors";
import { NOT_OPERATOR } from "../irc/channelRequests";
import type { IrcReply } from "../irc/requests";
import type { ActingConnection, MatrixContext, NetworkRuntime } from "./context";
import type { MatrixEvent } from "../matrix/events";
import type { RoomRecord } from "../store/store";
import { ghostNick } from "./ghostNick";

/** The connections that may act, in order, or why none may. */
export type Actors = { readonly ok: true; readonly connections: readonly ActingConnection[] } | { readonly ok: false; readonly why: string };

/** Who may act in the channel for `userId` (see the top comment), or why nobody may. */
export function actorsFor(ctx: MatrixContext, runtime: NetworkRuntime, channel: string, userId: string): Actors {
  const { network } = runtime;
  const isOp = (c: ActingConnection) => ctx.channelOps.isOp(network.id, channel, c.nick);
  const connections: ActingConnection[] = [];
  const own = runtime.actors.puppet(userId);
  let ownWhy: string;
  if (own === undefined) ownWhy = `you are not connected to ${network.name}`;
  else if (!own.isRegistered) ownWhy = `your connection to ${network.name} is down (${own.downReason ?? "connecting"})`;
  else if (!isOp(own)) ownWhy = "you are not a channel operator on IRC";
  else {
    ownWhy = "";
    connections.push(own);
  }
  const bot = runtime.actors.bot();
  let botWhy: string;
  if (bot === undefined) botWhy = `the bridge has no IRC bot on ${network.name} that could act for you`;
  else if (!bot.isRegistered) botWhy = `the bridge's bot is not connected to ${network.name} (${bot.downReason ?? "connecting"})`;
  else if (!isOp(bot)) botWhy = `the bridge's bot is not opped in ${channel}`;
  else {
    botWhy = "";
    connections.push(bot);
  }
  return connections.length > 0 ? { ok: true, connections } : { ok: false, why: `${ownWhy}, and ${botWhy}` };
}

/** Why a user at `level` may not have the bridge act for them, or undefined when they may. */
export function belowModerator(runtime: NetworkRuntime, level: number): string | undefined {
  const needed = runtime.network.chanops.moderatorLevel;
  return level >= needed ? undefined : `your power level in this room (${level}) is below ${needed}, the level the bridge requires to act on IRC for you`;
}

/**
 * The sender's power level in the room, checked against the moderator level: undefined when the
 * bridge may act for them, else why not (too low, or the levels could not be read).
 */
export async function moderatorRefusal(ctx: MatrixContext, runtime: NetworkRuntime, roomId: string, userId: string): Promise<string | undefined> {
  let level: number;
  try {
    level = await ctx.powerLevels.levelOf(roomId, userId);
  } catch (err) {
    ctx.log.warn("cannot read a room's power levels", { room: roomId, error: errorText(err) });
    return "the bridge could not read this room's power levels from the homeserver";
  }
  return belowModerator(runtime, level);
}

/** Runs `attempt` through each connection in turn while the server says it is no operator (482). */
export async function throughActors(connections: readonly ActingConnection[], attempt: (connection: ActingConnection) => Promise<IrcReply>): Promise<IrcReply> {
  let reply: IrcReply = { kind: "lost", reason: "no connection could act", sent: false };
  for (const connection of connections) {
    reply = await attempt(connection);
    if (reply.kind !== "error" || reply.numeric !== NOT_OPERATOR) return reply;
  }
  return reply;
}

/** A reply that is no success, in words for the room. */
export function failureOf(reply: Exclude<IrcReply, { kind: "ok" }>): string {
  switch (reply.kind) {
    case "error":
      return reply.text === "" ? `the IRC server refused it (${reply.numeric})` : `the IRC server said "${reply.text}"`;
    case "timeout":
      return `the IRC server did not answer within ${Math.round(reply.afterMs / 1000)} s, so it may or may not have been done`;
    case "lost":
      return reply.sent ? `the connection was lost before the IRC server answered (${reply.reason}), so it may or may not have been done` : `it could not be sent: ${reply.reason}`;
  }
}

/** Runs an action started by a handler (handlers never await); an unexpected error is logged. */
export function detach(ctx: MatrixContext, what: string, work: Promise<void>): void {
  work.catch((err: unknown) => ctx.log.error("a channel operator action failed", { what, error: errorText(err) }));
}

/** A Matrix moderator's action on a ghost in a bridged room: who did it, to which nick, and why. */
export interface GhostAction {
  readonly room: RoomRecord;
  readonly runtime: NetworkRuntime;
  readonly sender: string;
  readonly ghost: string;
  readonly nick: string;
  /** The reason IRC shows: who did it, then their reason. */
  readonly reason: string;
}

/**
 * The ghost action a member event stands for; undefined outside bridged rooms, for non-ghosts, and
 * for a ghost id that names no valid IRC nick (ghostNick.ts): then nothing reaches IRC and the
 * moderator is told why in the room.
 */
export function ghostAction(event: MatrixEvent, ctx: MatrixContext, done: "kicked" | "banned" | "unbanned" | "invited"): GhostAction | undefined {
  const { room_id: roomId, sender, state_key: ghost } = event;
  const room = roomId === undefined ? undefined : ctx.rooms.room(roomId);
  const runtime = room === undefined ? undefined : ctx.networks.get(room.network);
  const decoded = ghost === undefined || runtime === undefined ? undefined : ghostNick(runtime.network, ghost);
  if (room === undefined || runtime === undefined || sender === undefined || ghost === undefined || decoded === undefined) return undefined;
  if (!decoded.ok) {
    ctx.log.info("refused an IRC action on a ghost id that names no nick", { room: room.roomId, ghost, by: sender, action: done });
    ctx.notice(room.roomId, `${sender}: nobody was ${done} on IRC: ${decoded.why}.`);
    return undefined;
  }
  return { room, runtime, sender, ghost, nick: decoded.nick, reason: kickReason(sender, event.content.reason) };
}

/** The reason IRC shows for a kick or ban from Matrix: who did it, then their reason. */
export function kickReason(sender: string, reason: unknown): string {
  return typeof reason === "string" && reason.trim() !== "" ? `${sender}: ${reason}` : `${sender} (from Matrix)`;
}
