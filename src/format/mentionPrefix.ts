import { foldCase } from "../irc/casemapping";
import type { NickDirectory } from "./nickDirectory";

/** More users than this mentioned without being named is a mass mention: IRC gets no prefix for it. */
export const MAX_PREFIXED = 3;

const NICK_WORD = /[A-Za-z0-9[\]\\`_^{|}\-\p{L}\p{N}\p{M}]+/gu;

/**
 * A Matrix message's m.mentions users as IRC sees them: the users it mentions without naming them
 * in the text (no pill, which would already be their nick there) are put in front of it, the way IRC
 * addresses people: "bob: text", "bob, carol: text".
 *
 * Guarantees: only users the network knows a nick for (`nickOfUser`: a puppet's or a ghost's nick,
 * never a display name) are named; the sender is never named; a nick already a whole word of the
 * text is not added again (compared with rfc1459 folding, which covers the ascii casemapping too);
 * each nick appears once; with more than MAX_PREFIXED to add, none is (a long list of nicks is a
 * mass highlight, which IRC networks punish). `@room` (m.mentions.room) adds nothing: IRC has no
 * such mention. The text is otherwise unchanged.
 */
export function withMentionPrefix(text: string, mentioned: readonly string[], sender: string | undefined, nicks: Pick<NickDirectory, "nickOfUser">): string {
  const named = new Set<string>();
  for (const m of text.matchAll(NICK_WORD)) named.add(foldCase(m[0], "rfc1459"));
  const add: string[] = [];
  for (const userId of mentioned) {
    if (userId === sender) continue;
    const nick = nicks.nickOfUser(userId);
    if (nick === undefined || nick === "") continue;
    const folded = foldCase(nick, "rfc1459");
    if (named.has(folded)) continue;
    named.add(folded);
    add.push(nick);
  }
  if (add.length === 0 || add.length > MAX_PREFIXED) return text;
  return `${add.join(", ")}: ${text}`;
}

/** The user ids of an m.mentions object (anything else: none). */
export function mentionedUsers(mentions: unknown): string[] {
  if (typeof mentions !== "object" || mentions === null || Array.isArray(mentions)) return [];
  const ids = (mentions as { user_ids?: unknown }).user_ids;
  return Array.isArray(ids) ? ids.filter((id): id is string => typeof id === "string") : [];
}
