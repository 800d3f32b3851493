import { errorText } from "../errors";
import { onBotInvite } from "./botInvite";
import { onGhostInvite } from "./ghostInvite";
import type { MatrixHandler } from "./context";
import { onGhostMember } from "./ghostMembership";
import { followDisplayname } from "./displaynameNick";

/**
 * Matrix membership -> IRC: a real user who joins a bridged room joins the channel through their own
 * connection (created on demand); leaving (or being kicked or banned) parts it. The bot's invites
 * are handled in botInvite.ts, invites of a ghost (direct chats) in ghostInvite.ts, a Matrix
 * moderator's kick or ban of a ghost in ghostMembership.ts. A displayname change renames the user's
 * IRC nick when the network's nickFollowsDisplayname is on and the user did not choose their nick
 * with !nick (displaynameNick.ts).
 */
export const onMember: MatrixHandler = (event, ctx) => {
  const { room_id: roomId, state_key: target } = event;
  if (roomId === undefined || target === undefined) return;
  const membership = event.content.membership;
  if (target === ctx.botUserId) {
    if (membership === "invite") onBotInvite(event, ctx);
    return;
  }
  if (ctx.isBridgeUser(target)) {
    if (membership === "invite") onGhostInvite(event, ctx);
    if (membership === "leave" || membership === "ban") ctx.forgetGhost(roomId, target);
    onGhostMember(event, ctx);
    return;
  }
  const room = ctx.rooms.room(roomId);
  if (room === undefined) return;
  const runtime = ctx.networks.get(room.network);
  if (runtime === undefined) return;
  const unsigned = event.unsigned as { prev_content?: { membership?: unknown; displayname?: unknown } } | undefined;
  const before = unsigned?.prev_content?.membership;

  if (membership === "join" && before === "join") {
    const displayname = typeof event.content.displayname === "string" ? event.content.displayname : undefined;
    const previous = unsigned?.prev_content?.displayname;
    if (displayname === undefined || displayname === previous) return;
    ctx.keep(
      followDisplayname(runtime, target, displayname).catch((err: unknown) => {
        ctx.log.warn("could not follow a displayname change", { user: target, error: errorText(err) });
      }),
    );
    return;
  }
  if (membership === "join") {
    runtime.puppets.touch(target);
    const displayname = typeof event.content.displayname === "string" ? event.content.displayname : undefined;
    const ensured = runtime.joinedInMatrix(roomId, target, displayname);
    if (!ensured.ok) {
      // No connection, no channel: out of the room (kickOn.channelJoinFailure), else the room is told.
      if (!runtime.removeFromRoom(roomId, target, `You cannot be connected to ${runtime.network.name}: ${ensured.reason}.`)) {
        ctx.notice(roomId, `${target} cannot be connected to IRC: ${ensured.reason}.`);
      }
      return;
    }
    // From a static mapping's room: with the mapping's key, if it has one (never from a portal).
    ensured.connection.join(room.channel, runtime.network.channels.roomKey(roomId, room.channel));
    ctx.persist(room.network, target);
    return;
  }
  if ((membership === "leave" || membership === "ban") && before !== "leave" && before !== "ban") {
    const connection = runtime.puppets.get(target);
    if (connection === undefined || !connection.channelNames.some((c) => runtime.network.channels.fold(c) === room.folded)) return;
    const why = event.sender === target ? "left the Matrix room" : `removed from the Matrix room by ${event.sender ?? "someone"}`;
    connection.part(room.channel, why);
    ctx.persist(room.network, target);
  }
};
