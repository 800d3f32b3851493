/**
 * How many IRC invites one Matrix user may have passed on to Matrix: at most `perWindow` in any
 * `windowMs` (a sliding window). An invite flood from IRC then costs the user at most that many
 * Matrix invites (and the homeserver that many room invites); the rest are dropped, and the user
 * is told when the dropping starts (`firstRefusal`: the first refusal after an invite was taken), never once
 * per invite, so at most once per invite taken.
 *
 * Guarantees: never more than `perWindow` invites taken for one user within any `windowMs`; memory
 * is bounded: at most `maxUsers` users are tracked (the least recently seen forgotten first, which
 * can only give a forgotten user a fresh window), each with at most `perWindow` timestamps.
 */
export type InviteTake = { readonly ok: true } | { readonly ok: false; readonly firstRefusal: boolean };

export interface InviteLimitSettings {
  readonly perWindow: number;
  readonly windowMs: number;
  readonly maxUsers: number;
}

export const INVITE_LIMITS: InviteLimitSettings = { perWindow: 5, windowMs: 10 * 60000, maxUsers: 10000 };

interface UserWindow {
  readonly taken: number[];
  /** The user was told, in this window, that invites are being dropped. */
  told: boolean;
}

export class InviteLimits {
  private readonly users = new Map<string, UserWindow>();

  constructor(
    private readonly now: () => number,
    private readonly settings: InviteLimitSettings = INVITE_LIMITS,
  ) {}

  take(userId: string): InviteTake {
    const now = this.now();
    const user = this.users.get(userId) ?? { taken: [], told: false };
    this.users.delete(userId);
    this.users.set(userId, user);
    while (user.taken.length > 0 && (user.taken[0] ?? now) <= now - this.settings.windowMs) user.taken.shift();
    if (this.users.size > this.settings.maxUsers) {
      const oldest = this.users.keys().next().value;
      if (oldest !== undefined) this.users.delete(oldest);
    }
    if (user.taken.length < this.settings.perWindow) {
      user.taken.push(now);
      user.told = false;
      return { ok: true };
    }
    const firstRefusal = !user.told;
    user.told = true;
    return { ok: false, firstRefusal };
  }

  /** Users tracked (tests). */
  get tracked(): number {
    return this.users.size;
  }
}
