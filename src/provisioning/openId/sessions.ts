import { createHash, randomBytes } from "node:crypto";
import { ProvisionError } from "../links";

/**
 * Provisioning sessions: what a widget holds after an OpenID exchange, and presents instead of the
 * shared secret to act as its Matrix user.
 *
 * Guarantees:
 * - A token is 32 random bytes (base64url) behind a recognisable prefix; only its SHA-256 is kept,
 *   so a dump of the bridge's memory does not hand out sessions.
 * - A token names its user until it expires (`lifetimeMs` after it was issued) or is revoked; from
 *   then on `userOf` is undefined for it, and it is forgotten.
 * - Memory is bounded: at most `maxPerUser` sessions per user (a new one ends that user's oldest,
 *   nobody else's) and `maxSessions` in all (when full, after dropping the expired ones, a new
 *   session is refused with 429 rather than ending somebody else's).
 * Not kept: sessions live in memory, so a restart ends them all (a widget exchanges a new token).
 */

export const SESSION_TOKEN_PREFIX = "ircbr-wdt-";

export interface SessionClock {
  now(): number;
}

export interface SessionLimits {
  readonly lifetimeMs: number;
  readonly maxSessions: number;
  readonly maxPerUser: number;
}

interface Session {
  readonly userId: string;
  readonly expiresAt: number;
}

const digest = (token: string): string => createHash("sha256").update(token, "utf8").digest("hex");

export class ProvisioningSessions {
  /** By token digest, in the order they were issued (a Map keeps insertion order). */
  private readonly byDigest = new Map<string, Session>();

  constructor(
    private readonly limits: SessionLimits,
    private readonly clock: SessionClock,
    private readonly random: () => Buffer = () => randomBytes(32),
  ) {}

  /** A new session for `userId`: the token (shown once, never stored) and when it ends. */
  issue(userId: string): { readonly token: string; readonly expiresAt: number } {
    const now = this.clock.now();
    this.dropExpired(now);
    const own = [...this.byDigest].filter(([, s]) => s.userId === userId);
    for (const [key] of own.slice(0, Math.max(0, own.length - this.limits.maxPerUser + 1))) this.byDigest.delete(key);
    if (this.byDigest.size >= this.limits.maxSessions) {
      throw new ProvisionError(429, "M_AS_LIMIT_EXCEEDED", "The bridge holds as many provisioning sessions as it may; try again later.");
    }
    const token = SESSION_TOKEN_PREFIX + this.random().toString("base64url");
    const expiresAt = now + this.limits.lifetimeMs;
    this.byDigest.set(digest(token), { userId, expiresAt });
    return { token, expiresAt };
  }

  /** The Matrix user a live session token stands for; undefined for unknown, expired or revoked tokens. */
  userOf(token: string): string | undefined {
    if (!token.startsWith(SESSION_TOKEN_PREFIX)) return undefined;
    const key = digest(token);
    const session = this.byDigest.get(key);
    if (session === undefined) return undefined;
    if (session.expiresAt <= this.clock.now()) {
      this.byDigest.delete(key);
      return undefined;
    }
    return session.userId;
  }

  /** Ends a session (a widget signing out); true when it was live. */
  revoke(token: string): boolean {
    const live = this.userOf(token) !== undefined;
    this.byDigest.delete(digest(token));
    return live;
  }

  /** Live sessions (for tests and a gauge). */
  get size(): number {
    this.dropExpired(this.clock.now());
    return this.byDigest.size;
  }

  private dropExpired(now: number): void {
    // One lifetime for all: sessions expire in the order they were issued, so the expired ones lead.
    for (const [key, session] of this.byDigest) {
      if (session.expiresAt > now) break;
      this.byDigest.delete(key);
    }
  }
}
