import type { LoggedMessage, MessageLog } from "../rooms/messageLog";

/** How long a reaction or a deletion from IRC waits for the message it names to be logged. */
export const LOOKUP_WAIT_MS = 500;

/**
 * The message a msgid names in a room's log, waiting up to LOOKUP_WAIT_MS for it to be logged: a
 * Matrix user's message is logged when its echo comes back, and Ergo relays a message to the
 * channel before it echoes it to the sender, so an IRC user's quick reaction can arrive first.
 * Undefined when it is still unknown then (too old, or never bridged). Holds its room's queue at
 * most that long; resolves the moment the message is logged (MessageLog.whenLogged), no polling.
 */
export function loggedSoon(messages: MessageLog, roomId: string, msgid: string): Promise<LoggedMessage | undefined> {
  return messages.whenLogged(roomId, msgid, LOOKUP_WAIT_MS);
}
