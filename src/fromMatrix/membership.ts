import type { MatrixHandler } from "./context";

/**
 * Matrix membership -> IRC: a real user who joins a bridged room joins the channel through their own
 * connection (created on demand); leaving (or being kicked or banned) parts it. The bot accepts
 * invites to bridged rooms. Profile-only changes are not membership changes.
 */
export const onMember: MatrixHandler = (event, ctx) => {
  const { room_id: roomId, state_key: target } = event;
  if (roomId === undefined || target === undefined) return;
  const membership = event.content.membership;
  if (target === ctx.botUserId) {
    if (membership === "invite") ctx.acceptInvite(roomId);
    return;
  }
  if (ctx.isBridgeUser(target)) return;
  const room = ctx.rooms.room(roomId);
  if (room === undefined) return;
  const runtime = ctx.networks.get(room.network);
  if (runtime === undefined) return;
  const unsigned = (event as { unsigned?: { prev_content?: { membership?: unknown } } }).unsigned;
  const before = unsigned?.prev_content?.membership;

  if (membership === "join" && before !== "join") {
    const ensured = runtime.puppets.ensure(target);
    if (!ensured.ok) {
      ctx.notice(roomId, `${target} cannot be connected to IRC: ${ensured.reason}.`);
      return;
    }
    ensured.connection.join(room.channel);
    ctx.persist(room.network, target);
    return;
  }
  if ((membership === "leave" || membership === "ban") && before === "join") {
    const connection = runtime.puppets.get(target);
    if (connection === undefined) return;
    const why = event.sender === target ? "left the Matrix room" : `removed from the Matrix room by ${event.sender ?? "someone"}`;
    connection.part(room.channel, why);
    ctx.persist(room.network, target);
  }
};
