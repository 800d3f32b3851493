import { FifoRate } from "../util/fifoRate";
import { Lru } from "../util/lru";
import { MatrixApiError, type MatrixApi } from "./matrixApi";

/** How many ghosts the bridge remembers, and how fast it registers new ones. */
export interface GhostLimits {
  /** Entries in each cache (registered ghosts with their displaynames; ghost room memberships). */
  readonly maxCached: number;
  /** Registrations of new ghost accounts: waits its turn, first come first served. */
  readonly rate: FifoRate | undefined;
}

const UNLIMITED: GhostLimits = { maxCached: 10000, rate: undefined };

/**
 * Ghost users (IRC nicks as Matrix users): registered once, displayname kept equal to what the caller
 * gives (the network's ghostDisplayname for the nick, NetworkIds.ghostDisplayname),
 * joined to rooms on demand. Caches what it has done so the hot path makes no needless requests;
 * every operation is idempotent, so a retry after a failure is safe.
 *
 * Bounded: each cache (registered ghosts with their displaynames, ghost room memberships) holds at
 * most `maxCached` entries, least recently used forgotten first; a forgotten entry only costs a
 * request to the homeserver the next time (registering an existing ghost is a success, joining a
 * room one is in changes nothing), so memory does not grow with the IRC users seen. Registering a
 * new ghost account waits for its turn at `rate` (first come, first served: never lost; the caller
 * waits, and as it runs in its room's queue, the room's order holds). Not bounded here: profile
 * updates in flight (at most one per ghost and name, while they run).
 */
export class Ghosts {
  /** Registered ghosts, with the displayname last set (undefined: not set by this run). */
  private readonly known: Lru<string, string | undefined>;
  private readonly joined: Lru<string, true>;
  /** Profile updates under way, shared by rooms that need the same ghost at the same time. */
  private readonly inFlight = new Map<string, Promise<void>>();

  constructor(
    private readonly api: MatrixApi,
    private readonly botUserId: string,
    private readonly limits: GhostLimits = UNLIMITED,
  ) {
    this.known = new Lru(limits.maxCached);
    this.joined = new Lru(limits.maxCached);
  }

  /** Entries in the caches (a gauge; tests). */
  get cached(): { readonly ghosts: number; readonly memberships: number } {
    return { ghosts: this.known.size, memberships: this.joined.size };
  }

  isJoined(roomId: string, userId: string): boolean {
    return this.joined.get(`${roomId}\0${userId}`) === true;
  }

  async ensureUser(userId: string, displayname: string): Promise<void> {
    if (this.known.has(userId) && this.known.get(userId) === displayname) return;
    const key = `${userId}\0${displayname}`;
    let running = this.inFlight.get(key);
    if (running === undefined) {
      running = (async () => {
        if (!this.known.has(userId)) await this.register(userId);
        if (this.known.get(userId) !== displayname) {
          await this.api.setDisplayname(userId, displayname);
          this.known.set(userId, displayname);
        }
      })().finally(() => this.inFlight.delete(key));
      this.inFlight.set(key, running);
    }
    await running;
  }

  /** Registers, names and joins the ghost; the bot invites it first when the room needs that. */
  async ensureJoined(roomId: string, userId: string, displayname: string): Promise<void> {
    await this.ensureUser(userId, displayname);
    if (this.isJoined(roomId, userId)) return;
    await this.rejoin(roomId, userId);
  }

  /**
   * Brings a ghost back into a room it was removed from on Matrix (it is still on IRC), without
   * touching its profile; the bot invites it first when the room needs that.
   */
  async rejoin(roomId: string, userId: string): Promise<void> {
    try {
      await this.api.join(roomId, userId);
    } catch (err) {
      if (!(err instanceof MatrixApiError) || err.status !== 403) throw err;
      await this.api.invite(roomId, this.botUserId, userId);
      await this.api.join(roomId, userId);
    }
    this.joined.set(`${roomId}\0${userId}`, true);
  }

  /**
   * A ghost removed on Matrix whose removal IRC did not follow comes back: the bot lifts its ban
   * first when it was banned (`unbanReason`), then it rejoins.
   */
  async restore(roomId: string, userId: string, unbanReason: string | undefined): Promise<void> {
    if (unbanReason !== undefined) await this.api.unban(roomId, this.botUserId, userId, unbanReason);
    await this.rejoin(roomId, userId);
  }

  async leave(roomId: string, userId: string): Promise<void> {
    if (!this.isJoined(roomId, userId)) {
      // We may not know (restart): leaving a room one is not in is refused, which is fine.
      try {
        await this.api.leave(roomId, userId);
      } catch (err) {
        if (err instanceof MatrixApiError && !err.transient) return;
        throw err;
      }
      return;
    }
    await this.api.leave(roomId, userId);
    this.joined.delete(`${roomId}\0${userId}`);
  }

  /** Registers the ghost if it is not yet (the homeserver asked about it, see the AS user query). */
  async ensureRegistered(userId: string): Promise<void> {
    if (this.known.has(userId)) return;
    await this.register(userId);
  }

  /** Registers the account, at the registration rate; the ghost is then known with no displayname. */
  private async register(userId: string): Promise<void> {
    await this.limits.rate?.take();
    await this.api.register(localpartOf(userId));
    if (!this.known.has(userId)) this.known.set(userId, undefined);
  }

  /** Records that the ghost is in the room (it created it, or joined it) without asking the homeserver. */
  markJoined(roomId: string, userId: string): void {
    this.joined.set(`${roomId}\0${userId}`, true);
  }

  /** Records that the ghost left (kicked by someone else) without asking the homeserver. */
  forget(roomId: string, userId: string): void {
    this.joined.delete(`${roomId}\0${userId}`);
  }
}

export function localpartOf(userId: string): string {
  return userId.slice(1, userId.indexOf(":"));
}
