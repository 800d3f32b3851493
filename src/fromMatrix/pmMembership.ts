import type { MatrixHandler } from "./context";

/**
 * Membership in a private-message room: only the user and the nick's ghost belong there. The
 * user's own comings and goings are noted (a user who left is invited back by the next message
 * from IRC); anyone else invited or joining is removed by the ghost, which says why; the ghost's
 * removal gives the room up (the conversation's next message opens a new one).
 */
export const onPmMember: MatrixHandler = (event, ctx) => {
  const { room_id: roomId, state_key: target } = event;
  const pm = roomId === undefined ? undefined : ctx.pms.roomOf(roomId);
  if (roomId === undefined || target === undefined || pm === undefined) return;
  const membership = event.content.membership;
  if (target === pm.userId) {
    ctx.pms.userMembership(roomId, membership);
    return;
  }
  const ghost = ctx.networks.get(pm.network)?.network.ids.ghostUserId(pm.nick);
  if (target === ghost) {
    if ((membership === "leave" || membership === "ban") && event.sender !== ghost) {
      ctx.forgetGhost(roomId, ghost);
      ctx.pms.ghostRemoved(roomId, event.sender ?? "someone");
    }
    return;
  }
  if (membership === "invite" || membership === "join") ctx.pms.refuse(roomId, target);
};
