/**
 * IRC invites of the users' puppets that were passed on to Matrix and not used yet. IRC keeps an
 * invite with the connection that received it (Ergo, InspIRCd, Solanum: until it is used, the
 * channel is recreated or the connection ends), so when a puppet reconnects before its user
 * accepted the Matrix invite, the invite is gone on IRC: the bridge then has to get it again or tell
 * the user (compose/invites.ts). This book is how it knows which ones.
 *
 * Guarantees: an invite is listed from when it was passed on until the puppet joins the channel,
 * its connection reconnects (`lost` hands it over once and forgets it), or `ttlMs` passed. Bounded:
 * at most `perUser` per user (the oldest forgotten first) and `maxUsers` users. In memory only: a
 * bridge restart forgets them (the puppets reconnect too, so IRC forgot them as well; a user who
 * then accepts the Matrix invite is refused by the channel and removed from the room with the reason,
 * as any refused JOIN is).
 */
export interface PendingInvite {
  /** The channel as the inviter wrote it. */
  readonly channel: string;
  /** Who invited (an IRC nick). */
  readonly by: string;
  readonly at: number;
}

export class PendingInvites {
  /** userId -> folded channel -> invite, users in least recently used order. */
  private readonly users = new Map<string, Map<string, PendingInvite>>();

  constructor(
    private readonly now: () => number,
    private readonly limits: { readonly perUser: number; readonly maxUsers: number; readonly ttlMs: number } = { perUser: 20, maxUsers: 10000, ttlMs: 24 * 3600000 },
  ) {}

  add(userId: string, folded: string, invite: PendingInvite): void {
    const mine = this.users.get(userId) ?? new Map<string, PendingInvite>();
    this.users.delete(userId);
    this.users.set(userId, mine);
    mine.delete(folded);
    mine.set(folded, invite);
    while (mine.size > this.limits.perUser) {
      const oldest = mine.keys().next().value;
      if (oldest === undefined) break;
      mine.delete(oldest);
    }
    while (this.users.size > this.limits.maxUsers) {
      const oldest = this.users.keys().next().value;
      if (oldest === undefined) break;
      this.users.delete(oldest);
    }
  }

  /** The puppet joined the channel: the invite is used. */
  used(userId: string, folded: string): void {
    const mine = this.users.get(userId);
    if (mine === undefined) return;
    mine.delete(folded);
    if (mine.size === 0) this.users.delete(userId);
  }

  /** The user's connection reconnected: their invites still pending (not expired), now gone on IRC. */
  lost(userId: string): PendingInvite[] {
    const mine = this.users.get(userId);
    if (mine === undefined) return [];
    this.users.delete(userId);
    const fresh = this.now() - this.limits.ttlMs;
    return [...mine.values()].filter((invite) => invite.at > fresh);
  }

  /** Invites listed for a user (tests). */
  of(userId: string): readonly PendingInvite[] {
    return [...(this.users.get(userId)?.values() ?? [])];
  }
}
