import { MatrixApiError, type MatrixApi } from "./matrixApi";

/**
 * Ghost users (IRC nicks as Matrix users): registered once, displayname kept equal to the nick,
 * joined to rooms on demand. Caches what it has done so the hot path makes no needless requests;
 * every operation is idempotent, so a retry after a failure is safe.
 */
export class Ghosts {
  private readonly registered = new Set<string>();
  private readonly displaynames = new Map<string, string>();
  private readonly joined = new Set<string>();
  /** Profile updates under way, shared by rooms that need the same ghost at the same time. */
  private readonly inFlight = new Map<string, Promise<void>>();

  constructor(
    private readonly api: MatrixApi,
    private readonly botUserId: string,
  ) {}

  isJoined(roomId: string, userId: string): boolean {
    return this.joined.has(`${roomId}\0${userId}`);
  }

  async ensureUser(userId: string, displayname: string): Promise<void> {
    if (this.registered.has(userId) && this.displaynames.get(userId) === displayname) return;
    const key = `${userId}\0${displayname}`;
    let running = this.inFlight.get(key);
    if (running === undefined) {
      running = (async () => {
        if (!this.registered.has(userId)) {
          await this.api.register(localpartOf(userId));
          this.registered.add(userId);
        }
        if (this.displaynames.get(userId) !== displayname) {
          await this.api.setDisplayname(userId, displayname);
          this.displaynames.set(userId, displayname);
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
    this.joined.add(`${roomId}\0${userId}`);
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
    if (this.registered.has(userId)) return;
    await this.api.register(localpartOf(userId));
    this.registered.add(userId);
  }

  /** Records that the ghost is in the room (it created it, or joined it) without asking the homeserver. */
  markJoined(roomId: string, userId: string): void {
    this.joined.add(`${roomId}\0${userId}`);
  }

  /** Records that the ghost left (kicked by someone else) without asking the homeserver. */
  forget(roomId: string, userId: string): void {
    this.joined.delete(`${roomId}\0${userId}`);
  }
}

export function localpartOf(userId: string): string {
  return userId.slice(1, userId.indexOf(":"));
}
