/**
 * How many portal rooms one network may get: at most `perMinute` in any 60 s, and at most `max` in
 * all. Each portal creation takes its place in the minute when it starts (before the channel's
 * modes are read: reading them costs the IRC server a request too), whether it then succeeds or not.
 *
 * Guarantee: never more than `perMinute` creations start within any 60 s window, and none starts
 * while the network has `max` portals. State: at most `perMinute` timestamps per network.
 */
export interface PortalLimitSettings {
  readonly perMinute: number;
  readonly max: number;
}

const MINUTE_MS = 60000;

export class PortalLimits {
  private readonly started: number[] = [];

  constructor(
    private readonly settings: PortalLimitSettings,
    private readonly now: () => number,
  ) {}

  /** Takes a place for one creation, or says why there is none. `existing`: the network's portal rooms now. */
  take(existing: number): { readonly ok: true } | { readonly ok: false; readonly reason: string } {
    if (existing >= this.settings.max) return { ok: false, reason: `the network has ${existing} portal rooms, the most allowed (portals.max)` };
    const now = this.now();
    while (this.started.length > 0 && (this.started[0] ?? now) <= now - MINUTE_MS) this.started.shift();
    if (this.started.length >= this.settings.perMinute) return { ok: false, reason: `${this.settings.perMinute} portal rooms were created in the last minute, the most allowed (portals.maxPerMinute)` };
    this.started.push(now);
    return { ok: true };
  }
}
