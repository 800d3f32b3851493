import type { MatrixHandler } from "./context";
import { onGhostBan } from "./ghostBan";
import { onGhostKick } from "./ghostKick";
import { onGhostUnban } from "./ghostUnban";

/**
 * Someone changed the membership of one of our ghosts (an IRC user) in a bridged room. A Matrix
 * user who kicks it asks for an IRC KICK (ghostKick.ts), who bans it an IRC ban (ghostBan.ts), who
 * lifts that ban an IRC unban (ghostUnban.ts). The bridge's own changes (the bot mirroring IRC, a
 * ghost leaving because its nick left) are never turned into IRC actions, so nothing loops.
 */
export const onGhostMember: MatrixHandler = (event, ctx) => {
  const { room_id: roomId, sender, state_key: target } = event;
  if (roomId === undefined || sender === undefined || target === undefined) return;
  if (sender === target || ctx.isBridgeUser(sender)) return;
  const room = ctx.rooms.room(roomId);
  const runtime = room === undefined ? undefined : ctx.networks.get(room.network);
  if (room === undefined || runtime === undefined || runtime.network.ids.nickOfGhost(target) === undefined) return;
  // A transaction retried after a failure must not kick or ban twice.
  if (event.event_id !== undefined && ctx.seenBefore(event.event_id)) return;
  const unsigned = event.unsigned as { prev_content?: { membership?: unknown } } | undefined;
  const before = unsigned?.prev_content?.membership;
  const membership = event.content.membership;
  if (membership === "ban" && before !== "ban") onGhostBan(event, ctx);
  else if (membership === "leave" && before === "ban") onGhostUnban(event, ctx);
  else if (membership === "leave" && before === "join") onGhostKick(event, ctx);
};
