import { roomsOf, type IrcHandler } from "./context";

/** How long Matrix shows an IRC user typing after `+typing=active` (the IRCv3 spec: 6 s without news means stopped). */
export const TYPING_TIMEOUT_MS = 6000;

/**
 * A TAGMSG with `+typing=active|paused|done` -> the sender's ghost typing (for TYPING_TIMEOUT_MS),
 * or no longer typing, in each room bridged to the channel where the ghost is already joined (a
 * ghost never joins a room just to type). Droppable: a full room queue loses typing first. Our own
 * puppets' typing came from Matrix and is skipped.
 */
export const onTyping: IrcHandler<"tagmsg"> = ({ ev }, ctx) => {
  const { e } = ev;
  const state = e.tags["+typing"];
  if (state === undefined || ctx.isOurs(e.from)) return;
  const active = state === "active";
  const ghost = ctx.network.ids.ghostUserId(e.from);
  for (const room of roomsOf(ctx, ev.channel)) {
    if (!ctx.ghosts.isJoined(room.roomId, ghost)) continue;
    ctx.queues.enqueue(room.roomId, {
      what: `typing of ${e.from}`,
      droppable: true,
      run: () => ctx.api.typing(room.roomId, ghost, active, TYPING_TIMEOUT_MS),
    });
  }
};
