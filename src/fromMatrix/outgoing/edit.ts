import type { OutgoingStage } from "./prepare";

/**
 * An edit: one line, a short s/old/new/ correction where the change is small, else the corrected
 * text marked as a correction; never a second unmarked copy.
 */
export const withEdit: OutgoingStage = (_entry, out) => out;
