/**
 * Link requests waiting for a channel operator's consent, and the operators' answers (private
 * messages to the network's IRC bot, through BotInbox).
 *
 * Guarantees:
 * - Bounded: at most `maxPerChannel` requests per channel and `maxPerUser` per Matrix user are held
 *   at once (a place is taken by `reserve`, before any slow check, and given back by `release` or
 *   by the answer); beyond that `reserve` refuses with 429 M_LIMIT_EXCEEDED and holds nothing.
 *   One operator is asked one thing at a time (409 IRC_EXISTING_REQUEST), so an answer is never
 *   ambiguous.
 * - An answer counts only from the asked nick (server casemapping) on the asked network, after
 *   the question was sent and before the timeout: "yes" or "y" (any case, surrounding spaces
 *   ignored) is "yes"; any other text is "no"; nothing in time is "timeout". Each request settles
 *   exactly once, and its timer is cancelled when it does.
 * Not guaranteed: that the nick still belongs to the same person (a nick change after the question
 * is not followed; services accounts are not checked).
 */
import type { Clock } from "../irc/pacedQueue";
import type { BotInbox, BotMessage } from "./botInbox";
import { ProvisionError } from "./links";

export type Answer = "yes" | "no" | "timeout";

export interface ConsentKey {
  readonly networkId: string;
  /** The channel, folded with the server's casemapping. */
  readonly channel: string;
  readonly opNick: string;
  readonly userId: string;
  /** Compares nicks on that server. */
  readonly same: (a: string, b: string) => boolean;
}

interface Entry {
  readonly key: ConsentKey;
  /** Set once the question was sent: the answer's resolver. */
  settle: ((answer: Answer) => void) | undefined;
  done: boolean;
}

export interface ConsentLimits {
  readonly maxPerChannel: number;
  readonly maxPerUser: number;
  readonly timeoutMs: number;
}

/** A reserved place: `ask` once the question is sent; `release` if the request ends before. */
export interface ConsentTicket {
  ask(): Promise<Answer>;
  release(): void;
}

export class ConsentDesk {
  private readonly entries = new Set<Entry>();

  constructor(
    private readonly clock: Clock,
    private readonly limits: ConsentLimits,
    inbox: BotInbox,
  ) {
    inbox.listen((message) => this.heard(message));
  }

  /** Requests held now. */
  get size(): number {
    return this.entries.size;
  }

  reserve(key: ConsentKey): ConsentTicket {
    const held = [...this.entries].map((e) => e.key);
    if (held.some((k) => k.networkId === key.networkId && key.same(k.opNick, key.opNick))) {
      throw new ProvisionError(409, "IRC_EXISTING_REQUEST", `${key.opNick} is already being asked about another link; try again once they answered.`);
    }
    if (held.filter((k) => k.networkId === key.networkId && k.channel === key.channel).length >= this.limits.maxPerChannel) {
      throw new ProvisionError(429, "M_LIMIT_EXCEEDED", `Too many link requests for that channel are waiting for an answer (at most ${this.limits.maxPerChannel}); try again later.`);
    }
    if (held.filter((k) => k.userId === key.userId).length >= this.limits.maxPerUser) {
      throw new ProvisionError(429, "M_LIMIT_EXCEEDED", `You have too many link requests waiting for an answer (at most ${this.limits.maxPerUser}); try again later.`);
    }
    const entry: Entry = { key, settle: undefined, done: false };
    this.entries.add(entry);
    return {
      ask: () => this.ask(entry),
      release: () => this.finish(entry),
    };
  }

  private ask(entry: Entry): Promise<Answer> {
    if (entry.done || entry.settle !== undefined) return Promise.reject(new Error("a consent ticket is asked once, while held"));
    return new Promise<Answer>((resolve) => {
      const timer = this.clock.setTimeout(() => entry.settle?.("timeout"), this.limits.timeoutMs);
      entry.settle = (answer) => {
        if (entry.done) return;
        timer.cancel();
        this.finish(entry);
        resolve(answer);
      };
    });
  }

  private finish(entry: Entry): void {
    entry.done = true;
    this.entries.delete(entry);
  }

  private heard(message: BotMessage): boolean {
    for (const entry of this.entries) {
      const { key, settle } = entry;
      if (settle === undefined || key.networkId !== message.networkId || !key.same(key.opNick, message.from.nick)) continue;
      settle(/^(y|yes)$/i.test(message.text.trim()) ? "yes" : "no");
      return true;
    }
    return false;
  }
}
