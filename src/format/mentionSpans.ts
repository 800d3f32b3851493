import type { NamedUser, NickDirectory } from "./nickDirectory";

/** Where IRC text names a known user: text.slice(start, end) is the nick as written. */
export interface MentionSpan {
  readonly start: number;
  readonly end: number;
  readonly user: NamedUser;
}

/**
 * The mentions in a run of IRC text (no formatting codes): a known nick at the start of a line
 * ("alice: hi", "alice, hi") or as a whole word inside it, in order, not overlapping.
 */
export function mentionSpans(_text: string, _nicks: Pick<NickDirectory, "userOfNick">): MentionSpan[] {
  return [];
}
