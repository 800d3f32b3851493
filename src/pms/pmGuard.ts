/**
 * Spam protection for private messages from IRC, on one network (its privateMessages settings).
 *
 * Guarantees:
 * - With `enabled` off, no private message from IRC is bridged.
 * - A new room (for a conversation that has none) is opened only for a sender who passes
 *   `requireRegisteredSender` (when the server does not say whether the sender is logged in,
 *   nobody is refused), and only while fewer than `maxNewRoomsPerHour` conversations were opened for
 *   that Matrix user in the past hour. A conversation once admitted is not counted again (its next
 *   messages, while its room is being made, pass).
 * - Every refusal says why (for the log); the refused sender is answered at most once per
 *   ANSWER_EVERY_MS, and one Matrix user's connection sends at most ANSWERS_PER_HOUR answers an
 *   hour, so a spam wave cannot make it flood. Memory stays bounded by those limits, and what is
 *   older than they look back (an hour, ANSWER_EVERY_MS) is swept out at most every PRUNE_EVERY_MS,
 *   so users who went away leave nothing behind.
 * Not guaranteed: the counts across a restart (they are kept in memory).
 */
import type { PrivateMessageSettings } from "../irc/networkContext";
import type { Clock } from "../irc/pacedQueue";

const HOUR_MS = 3600000;
const ANSWER_EVERY_MS = 600000;
const ANSWERS_PER_HOUR = 10;
const PRUNE_EVERY_MS = 600000;

/** Why a private message is not bridged: `why` for the log, `answer` for the sender. */
export interface PmRefusal {
  readonly why: string;
  readonly answer: string;
}

export class PmGuard {
  /** Matrix user -> conversations (folded nicks) admitted, with when. */
  private readonly admitted = new Map<string, Map<string, number>>();
  /** "user\0folded" -> when the sender was last answered. */
  private readonly answered = new Map<string, number>();
  /** Matrix user -> when their connection answered, in the past hour. */
  private readonly answers = new Map<string, number[]>();
  private prunedAt = 0;

  constructor(
    private readonly settings: PrivateMessageSettings,
    private readonly clock: Clock,
  ) {}

  /** Undefined when the message may be bridged; else why not. */
  admit(userId: string, folded: string, hasRoom: boolean, registered: boolean | undefined): PmRefusal | undefined {
    const { enabled, requireRegisteredSender, maxNewRoomsPerHour } = this.settings;
    if (!enabled) {
      return { why: "private messages are not bridged on this network", answer: "[Matrix bridge] Private messages are not bridged to Matrix here, so this user cannot read yours." };
    }
    if (hasRoom) return undefined;
    const now = this.clock.now();
    this.prune(now);
    const mine = this.admitted.get(userId) ?? new Map<string, number>();
    for (const [nick, at] of mine) if (now - at >= HOUR_MS) mine.delete(nick);
    if (mine.has(folded)) return undefined;
    if (requireRegisteredSender && registered === false) {
      return {
        why: "the sender is not logged in to an account (requireRegisteredSender)",
        answer: "[Matrix bridge] Your message was not delivered: this user takes private messages only from users logged in to an account. Log in (identify to services) and send it again.",
      };
    }
    if (mine.size >= maxNewRoomsPerHour) {
      return {
        why: `${mine.size} new private chats were opened for this user in the past hour (maxNewRoomsPerHour)`,
        answer: "[Matrix bridge] Your message was not delivered: this user got too many new private conversations in the past hour. Try again later.",
      };
    }
    mine.set(folded, now);
    this.admitted.set(userId, mine);
    return undefined;
  }

  /** Whether the refused sender may be answered now (and counts the answer if so). */
  mayAnswer(userId: string, folded: string): boolean {
    const now = this.clock.now();
    this.prune(now);
    const key = `${userId}\0${folded}`;
    const last = this.answered.get(key);
    if (last !== undefined && now - last < ANSWER_EVERY_MS) return false;
    const recent = (this.answers.get(userId) ?? []).filter((at) => now - at < HOUR_MS);
    if (recent.length >= ANSWERS_PER_HOUR) return false;
    recent.push(now);
    this.answers.set(userId, recent);
    if (this.answered.size >= 1000) for (const [k, at] of this.answered) if (now - at >= ANSWER_EVERY_MS) this.answered.delete(k);
    this.answered.set(key, now);
    return true;
  }

  /** Users and senders with something on record (tests). */
  get tracked(): number {
    return this.admitted.size + this.answered.size + this.answers.size;
  }

  /** Drops what no limit looks at any more (amortised: a sweep at most every PRUNE_EVERY_MS). */
  private prune(now: number): void {
    if (now - this.prunedAt < PRUNE_EVERY_MS) return;
    this.prunedAt = now;
    for (const [userId, mine] of this.admitted) {
      for (const [nick, at] of mine) if (now - at >= HOUR_MS) mine.delete(nick);
      if (mine.size === 0) this.admitted.delete(userId);
    }
    for (const [key, at] of this.answered) if (now - at >= ANSWER_EVERY_MS) this.answered.delete(key);
    for (const [userId, times] of this.answers) if (times.every((at) => now - at >= HOUR_MS)) this.answers.delete(userId);
  }
}
