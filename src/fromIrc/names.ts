import type { NamesEvent } from "../irc/events";
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
  const nicks = e.users.map((u) => u.nick).filter((nick) => !ctx.isOurs(nick));
  for (const room of roomsOf(ctx, e.channel)) {
    for (const nick of nicks) {
      const ghost = ctx.network.ids.ghostUserId(nick);
      if (ctx.ghosts.isJoined(room.roomId, ghost)) continue;
      ctx.queues.enqueue(room.roomId, { what: `ghost for ${nick}`, run: () => ctx.ghosts.ensureJoined(room.roomId, ghost, nick), droppable: true });
    }
  }
  syncChannel(ctx, e.channel);
}
