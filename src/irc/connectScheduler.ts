/**
 * One connect scheduler per IRC network: decides when each of the bridge's connections may open a
 * socket, so that a restart of the IRC server (or of the bridge) with hundreds of puppets neither
 * trips the server's connection throttle nor waits longer than it must.
 *
 * Guarantees:
 * - Rate: over any window of t ms at most `burst + floor(t * perSecond / 1000)` attempts start
 *   (a token bucket).
 * - Concurrency: at most `concurrent` attempts are in flight (started, neither registered nor failed)
 *   at once; an attempt that never reports is counted for at most `attemptTimeoutMs`.
 * - Priority: among the connections ready to go, the one whose user was active most recently goes first.
 * - Server unreachable (an attempt failed before registering on every one of the network's
 *   addresses): the network is probed by one attempt at a time every `probeIntervalMs` (with jitter)
 *   instead of every connection backing off on its own; the first success releases everyone at the
 *   normal rate. An attempt that failed on one address while the connection has others left to try
 *   (`addressFailed`, see endpoints.ts) frees its slot and changes nothing else.
 * - Circuit breaker: when the server says we are throttled, K-lined or have too many connections,
 *   or refuses the bridge's server password (which would refuse every connection alike),
 *   no attempt starts for the breaker's time (doubling on each trip from breakerMinMs to
 *   breakerMaxMs, reset by a success); then one attempt probes. Each trip is reported with the
 *   server's words.
 * - Jitter (0..jitterMs) is added to reconnects only.
 * - One timer for the whole network, never one per connection; each request is waited on at most once
 *   (a connection asking again replaces its earlier request).
 */
import type { Clock } from "./pacedQueue";

export interface ConnectSettings {
  readonly perSecond: number;
  readonly burst: number;
  readonly concurrent: number;
  /** Random extra delay (0..jitterMs) added to each request, so reconnects do not arrive in lockstep. */
  readonly jitterMs: number;
  readonly probeIntervalMs: number;
  readonly breakerMinMs: number;
  readonly breakerMaxMs: number;
  readonly attemptTimeoutMs: number;
}

/** How an attempt ended. */
export type ConnectOutcome =
  | { readonly kind: "registered" }
  /** The socket failed or closed before the server registered us (refused, reset, timed out). */
  | { readonly kind: "unreachable"; readonly reason: string }
  /** The socket failed before registering on one of the network's addresses; the connection tries its next one. */
  | { readonly kind: "addressFailed"; readonly reason: string }
  /**
   * The server refused us with throttle / ban / connection-limit wording, or refused the server
   * password (`cause`), see serverWords.ts.
   */
  | { readonly kind: "throttled"; readonly reason: string; readonly cause?: TripCause }
  /** The attempt was abandoned (the connection was closed on purpose). */
  | { readonly kind: "cancelled" };

/** Why the breaker tripped: the server refused connections, or the bridge's server password. */
export type TripCause = "refused" | "server-password";

export interface ConnectHooks {
  /** The breaker opened: no connection to the network starts for `forMs`. */
  onTrip(reason: string, forMs: number, cause: TripCause): void;
  /** An attempt succeeded after the network was unreachable or the breaker had tripped. */
  onRecovered(): void;
}

export interface ConnectRequest {
  /** Opens the socket; the connection reports back with `report`. */
  readonly go: () => void;
  /** Higher goes first (the time the user was last active). */
  readonly priority: () => number;
}

interface Waiting extends ConnectRequest {
  readonly notBefore: number;
}

type Mode = "open" | "probing" | "tripped";

export class ConnectScheduler {
  private readonly waiting = new Map<string, Waiting>();
  private readonly inFlight = new Map<string, number>();
  private tokens: number;
  private refilledAt: number;
  private timer: { cancel(): void } | undefined;
  private timerAt = Infinity;
  private mode: Mode = "open";
  private blockedUntil = 0;
  private breakerMs: number;
  private tripReason: string | undefined;
  private tripCause: TripCause = "refused";
  private trips = 0;

  constructor(
    private readonly settings: ConnectSettings,
    private readonly hooks: ConnectHooks,
    private readonly clock: Clock,
    private readonly random: () => number = Math.random,
  ) {
    this.tokens = settings.burst;
    this.refilledAt = clock.now();
    this.breakerMs = settings.breakerMinMs;
  }

  /** Connections waiting for their turn. */
  get queued(): number {
    return this.waiting.size;
  }

  /** Attempts under way. */
  get attempting(): number {
    return this.inFlight.size;
  }

  /** Times the breaker tripped since start. */
  get tripCount(): number {
    return this.trips;
  }

  /** Why connections are being held back, if they are (for the users who wait). */
  get holdReason(): string | undefined {
    const now = this.clock.now();
    const wait = Math.ceil((this.blockedUntil - now) / 1000);
    if (this.mode === "tripped" && now < this.blockedUntil && this.tripCause === "server-password") return `the network refused the bridge's server password (tell the bridge's operator); retrying in ${wait} s`;
    if (this.mode === "tripped" && now < this.blockedUntil) return `the server refused new connections (${this.tripReason ?? "throttled"}); retrying in ${wait} s`;
    if (this.mode === "probing") return "the IRC server cannot be reached; retrying";
    return undefined;
  }

  /**
   * Asks for a turn to connect, at the earliest after `delayMs`, plus jitter for a reconnect (many
   * connections lost at once must not come back in lockstep; a user's first connection need not wait).
   */
  request(id: string, request: ConnectRequest, delayMs = 0, reconnect = true): void {
    const jitter = reconnect ? Math.round(this.random() * this.settings.jitterMs) : 0;
    this.inFlight.delete(id);
    this.waiting.set(id, { ...request, notBefore: this.clock.now() + delayMs + jitter });
    this.pump();
  }

  /** Forgets a connection's request or attempt (it was closed). */
  cancel(id: string): void {
    this.waiting.delete(id);
    if (this.inFlight.delete(id)) this.pump();
  }

  /** How the attempt of connection `id` ended. */
  report(id: string, outcome: ConnectOutcome): void {
    this.inFlight.delete(id);
    const now = this.clock.now();
    switch (outcome.kind) {
      case "registered":
        // An attempt that began before the breaker tripped does not close it early.
        if (this.mode === "tripped" && now < this.blockedUntil) break;
        if (this.mode !== "open") {
          this.mode = "open";
          this.breakerMs = this.settings.breakerMinMs;
          this.blockedUntil = 0;
          this.hooks.onRecovered();
        }
        break;
      case "unreachable":
        if (this.mode !== "tripped") {
          this.mode = "probing";
          this.blockedUntil = Math.max(this.blockedUntil, now + this.settings.probeIntervalMs + Math.round(this.random() * this.settings.jitterMs));
        }
        break;
      case "throttled":
        // Attempts already under way when the breaker trips report too: one trip per wave.
        if (this.mode === "tripped" && now < this.blockedUntil) break;
        this.mode = "tripped";
        this.trips++;
        this.tripReason = outcome.reason;
        this.tripCause = outcome.cause ?? "refused";
        this.blockedUntil = now + this.breakerMs;
        this.hooks.onTrip(outcome.reason, this.breakerMs, this.tripCause);
        this.breakerMs = Math.min(this.breakerMs * 2, this.settings.breakerMaxMs);
        break;
      case "addressFailed":
      case "cancelled":
        break;
    }
    this.pump();
  }

  /** Stops the timer (shutdown). */
  stop(): void {
    this.timer?.cancel();
    this.timer = undefined;
    this.timerAt = Infinity;
    this.waiting.clear();
    this.inFlight.clear();
  }

  private refill(now: number): void {
    const interval = 1000 / this.settings.perSecond;
    const earned = Math.floor((now - this.refilledAt) / interval);
    if (earned > 0) {
      this.tokens = Math.min(this.settings.burst, this.tokens + earned);
      this.refilledAt += earned * interval;
    }
    if (this.tokens >= this.settings.burst) this.refilledAt = now;
  }

  private pump(): void {
    const now = this.clock.now();
    this.refill(now);
    for (const [id, startedAt] of this.inFlight) if (now - startedAt >= this.settings.attemptTimeoutMs) this.inFlight.delete(id);
    let wakeAt = Infinity;
    if (now < this.blockedUntil) {
      wakeAt = this.blockedUntil;
    } else if (this.waiting.size > 0) {
      const limit = this.mode === "open" ? this.settings.concurrent : 1;
      const ready: [string, Waiting][] = [];
      let nextReady = Infinity;
      for (const entry of this.waiting) {
        if (entry[1].notBefore <= now) ready.push(entry);
        else nextReady = Math.min(nextReady, entry[1].notBefore);
      }
      if (ready.length > 0 && this.inFlight.size < limit && this.tokens >= 1) {
        ready.sort((a, b) => b[1].priority() - a[1].priority());
        for (const [id, request] of ready) {
          if (this.inFlight.size >= limit || this.tokens < 1) break;
          this.tokens--;
          this.waiting.delete(id);
          this.inFlight.set(id, now);
          request.go();
        }
      }
      const stillReady = [...this.waiting.values()].some((w) => w.notBefore <= now);
      if (stillReady) {
        // Held by the bucket (wake when a token is earned) or by concurrency (a report wakes us;
        // the attempt timeout is the backstop).
        if (this.tokens < 1) wakeAt = this.refilledAt + 1000 / this.settings.perSecond;
        else wakeAt = Math.min(...[...this.inFlight.values()].map((t) => t + this.settings.attemptTimeoutMs));
      }
      wakeAt = Math.min(wakeAt, nextReady);
    }
    this.arm(wakeAt, now);
  }

  private arm(at: number, now: number): void {
    if (at === this.timerAt) return;
    this.timer?.cancel();
    this.timer = undefined;
    this.timerAt = at;
    if (at === Infinity) return;
    this.timer = this.clock.setTimeout(() => {
      this.timer = undefined;
      this.timerAt = Infinity;
      this.pump();
    }, Math.max(1, Math.ceil(at - now)));
  }
}
