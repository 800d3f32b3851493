import type { LoggedMessage } from "../rooms/messageLog";
import type { IrcContext } from "./context";

/** How long a reaction or a deletion from IRC waits for the message it names to be logged. */
export const LOOKUP_WAIT_MS = 500;

/**
 * Runs `act` in the room's queue on the message a msgid names in the room's own log (never another
 * room's). At its turn in the queue when the message is logged by then (a message from IRC is
 * logged when it is delivered, which the queue did first); else as soon as it is logged within
 * LOOKUP_WAIT_MS, queued again: a Matrix user's message is logged when its echo comes back, and
 * Ergo relays a message to the channel before it echoes it to the sender, so an IRC user's quick
 * reaction can arrive first. Never run for a msgid still unknown then (too old, never bridged).
 *
 * Guarantee: the room's queue never waits for a msgid: a flood of reactions naming unknown msgids
 * costs one lookup each, and bounded waiting (MessageLog.whenLogged), never the room's messages.
 */
export function withLogged(ctx: IrcContext, roomId: string, msgid: string, what: string, act: (target: LoggedMessage) => Promise<void>): void {
  ctx.queues.enqueue(roomId, {
    what,
    run: async () => {
      const found = ctx.messages.byMsgid(roomId, msgid);
      if (found !== undefined) return act(found);
      void ctx.messages.whenLogged(roomId, msgid, LOOKUP_WAIT_MS).then((late) => {
        if (late !== undefined) ctx.queues.enqueue(roomId, { what, run: () => act(late) });
      });
    },
  });
}
