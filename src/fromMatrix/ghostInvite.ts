import type { MatrixHandler } from "./context";
import { onGhostChannelInvite } from "./ghostChannelInvite";

/**
 * A real user invited one of our ghosts into a room bridged to no channel: it may be a direct chat
 * with that IRC nick, which the ghost accepts if so (src/pms/directChats.ts). In a bridged room the
 * invite asks for an IRC INVITE of that nick into the channel (ghostChannelInvite.ts); the ghost
 * itself joins only when the nick joins the channel: ghosts there follow IRC.
 */
export const onGhostInvite: MatrixHandler = (event, ctx) => {
  const { room_id: roomId, sender, state_key: ghost } = event;
  if (roomId === undefined || sender === undefined || ghost === undefined || ctx.isBridgeUser(sender)) return;
  if (ctx.rooms.room(roomId) !== undefined) return onGhostChannelInvite(event, ctx);
  for (const runtime of ctx.networks.values()) {
    if (runtime.network.ids.nickOfGhost(ghost) === undefined) continue;
    ctx.pms.open(roomId, sender, runtime.network.id, ghost);
    return;
  }
};
