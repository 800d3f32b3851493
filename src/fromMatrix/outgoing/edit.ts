import { stripFormatting } from "../../irc/lines";
import { findOriginal, sameNick } from "./original";
import type { Outgoing, OutgoingStage } from "./prepare";
import { RECENT_MESSAGES } from "./reply";
import { substitution } from "./substitution";

/** The longest `s/old/new/` sent for an edit; a longer change goes out as the corrected text. */
export const SMALL_EDIT_CHARS = 40;

/**
 * An edit (m.replace) goes out as exactly one IRC message, or none:
 * - its text unchanged from the original's latest text: nothing is said (skip);
 * - a small change to one's own recent message (RECENT_MESSAGES): `s/old/new/` (see
 *   substitution.ts), when it is at most SMALL_EDIT_CHARS long and shorter than the corrected text;
 *   an ACTION's correction goes as a plain message;
 * - anything else (a larger change, an original further back, one the bridge never bridged or
 *   cannot read, someone else's): the corrected text marked as a correction: `* text` (an ACTION:
 *   `text (edited)`). Never the corrected text unmarked.
 * The original's text in the room's log becomes the corrected text, so an edit of an edit compares
 * with the latest (it is revised when the edit's turn comes, even if IRC then refuses it). An
 * original read from the homeserver is read as its latest edit other than this one.
 */
/** Texts longer than this are corrected by a marked copy, never an s/old/new/ (see substitution.ts). */
const SUBSTITUTION_MAX_CHARS = 1000;

export const withEdit: OutgoingStage = async (entry, out, deps) => {
  if (entry.replaces === undefined) return out;
  const original = await findOriginal(entry.roomId, entry.replaces, deps, entry.eventId);
  const words = stripFormatting(out.logText ?? out.body);
  const mine =
    original !== undefined && (original.sender !== undefined ? original.sender === entry.sender : original.nick !== undefined && sameNick(original.nick, deps.ownNick));
  if (original === undefined || !mine) return marked(out, words);
  if (original.logged !== undefined) deps.messages.revise(entry.roomId, entry.replaces, words);
  if (original.text === words) return { ...out, skip: true };
  const recent = original.after !== undefined && original.after < RECENT_MESSAGES;
  // A substitution is worked out only for short texts (its search grows with the text; a long one is never a small edit).
  const fix = recent && original.text.length <= SUBSTITUTION_MAX_CHARS && words.length <= SUBSTITUTION_MAX_CHARS ? substitution(original.text, words) : undefined;
  if (fix !== undefined && fix.length <= SMALL_EDIT_CHARS && fix.length < words.length) {
    return { ...out, kind: out.kind === "notice" ? "notice" : "privmsg", body: fix, logText: words };
  }
  return marked(out, words);
};

function marked(out: Outgoing, words: string): Outgoing {
  return { ...out, body: out.kind === "action" ? `${out.body} (edited)` : `* ${out.body}`, logText: words };
}
