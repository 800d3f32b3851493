import { modeRequest } from "../irc/channelRequests";
import type { RoomRecord } from "../store/store";
import { actorsFor, detach, failureOf, moderatorRefusal, throughActors } from "./chanops";
import type { MatrixContext, MatrixHandler, NetworkRuntime } from "./context";

/**
 * A Matrix moderator lifted the ban of a ghost: the IRC ban the bridge set for it from this room
 * (the stored mask) is lifted with -b, through the same connections as a kick (see chanops.ts), and
 * forgotten. When there is none, or it cannot be lifted, IRC is left as it is and the room is told;
 * the Matrix unban stands (the bridge does not ban again). The nick decoded from the ghost id is
 * only shown, never sent: what goes to IRC is the mask the bridge stored when it set the ban, so
 * a ban set from a crafted id before ids were checked can still be lifted.
 */
export const onGhostUnban: MatrixHandler = (event, ctx) => {
  const { room_id: roomId, sender, state_key: ghost } = event;
  const room = roomId === undefined ? undefined : ctx.rooms.room(roomId);
  const runtime = room === undefined ? undefined : ctx.networks.get(room.network);
  const nick = ghost === undefined ? undefined : runtime?.network.ids.nickOfGhost(ghost);
  if (room === undefined || runtime === undefined || sender === undefined || ghost === undefined || nick === undefined) return;
  detach(ctx, "unban", unban(ctx, runtime, room, { sender, ghost, nick }));
};

async function unban(ctx: MatrixContext, runtime: NetworkRuntime, room: RoomRecord, what: { sender: string; ghost: string; nick: string }): Promise<void> {
  const { sender, ghost, nick } = what;
  const channel = room.channel;
  const record = await ctx.bans.get(room.roomId, ghost);
  if (record === undefined) {
    ctx.notice(room.roomId, `${sender}: IRC was not changed: the bridge set no ban on ${nick} in ${channel} from this room.`);
    return;
  }
  const keep = (why: string) => ctx.notice(room.roomId, `${sender}: ${nick} is still banned from ${channel} on IRC (${record.mask}): ${why}.`);
  const low = await moderatorRefusal(ctx, runtime, room.roomId, sender);
  if (low !== undefined) return keep(low);
  const actors = actorsFor(ctx, runtime, channel, sender);
  if (!actors.ok) return keep(actors.why);
  const reply = await throughActors(actors.connections, (c) => c.request(modeRequest(channel, "-b", [record.mask])));
  if (reply.kind !== "ok") return keep(failureOf(reply));
  await ctx.bans.remove(room.roomId, ghost);
  ctx.log.info("unbanned on IRC for a Matrix moderator", { room: room.roomId, channel, nick, mask: record.mask, by: sender });
}
