import type { LoggedMessage, MessageLog } from "../rooms/messageLog";

/** How long a reaction or a deletion from IRC waits for the message it names to be logged. */
export const LOOKUP_WAIT_MS = 500;
const STEP_MS = 100;

/**
 * The message a msgid names in a room's log, waiting up to LOOKUP_WAIT_MS for it: a Matrix user's
 * message is logged when its echo comes back, and Ergo relays a message to the channel before it
 * echoes it to the sender, so an IRC user's quick reaction can arrive first. Undefined when it is
 * still unknown then (too old, or never bridged). Holds its room's queue at most that long.
 */
export async function loggedSoon(messages: MessageLog, roomId: string, msgid: string): Promise<LoggedMessage | undefined> {
  for (let waited = 0; ; waited += STEP_MS) {
    const found = messages.byMsgid(roomId, msgid);
    if (found !== undefined || waited >= LOOKUP_WAIT_MS) return found;
    await new Promise((resolve) => setTimeout(resolve, STEP_MS));
  }
}
