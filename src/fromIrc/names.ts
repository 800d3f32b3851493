import type { NamesEvent } from "../irc/events";
import type { RoomRecord } from "../store/store";
import type { IrcContext } from "./context";
import { roomsOf } from "./context";
import { syncChannel } from "./powerLevels";

/**
 * NAMES (sent to a connection when it joins): every IRC user in the channel gets a ghost in every
 * bridged room. The joins go through the room's queue one after another, so a big channel fills
 * the room at a paced rate instead of in one burst. Our own connections are skipped. The members'
 * prefix modes (already in the roster) set their power levels: one batched write per room.
 */
export function onNames(e: NamesEvent, ctx: IrcContext): void {
  const nicks = e.users.map((u) => u.nick);
  for (const room of roomsOf(ctx, e.channel)) joinGhosts(ctx, room, nicks);
  syncChannel(ctx, e.channel);
}

/**
 * A room newly bridged to a channel the bridge is in already (an upgraded room): the channel's
 * members, as the bridge knows them, get their ghosts in it at once, the same way as from NAMES.
 */
export function fillRoom(ctx: IrcContext, room: RoomRecord): void {
  joinGhosts(ctx, room, ctx.roster.entries(room.channel).map((m) => m.nick));
}

function joinGhosts(ctx: IrcContext, room: RoomRecord, nicks: readonly string[]): void {
  for (const nick of nicks) {
    if (ctx.isOurs(nick)) continue;
    const ghost = ctx.network.ids.ghostUserId(nick);
    if (ctx.ghosts.isJoined(room.roomId, ghost)) continue;
    ctx.queues.enqueue(room.roomId, { what: `ghost for ${nick}`, run: () => ctx.ghosts.ensureJoined(room.roomId, ghost, ctx.network.ids.ghostDisplayname(nick)), droppable: true });
  }
}
