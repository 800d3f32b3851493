/**
 * Removing a Matrix user from bridged rooms because IRC does not let their own connection in (a
 * refused JOIN, an IRC ban, a connection refused for good, !quit): the bot kicks them, or bans them
 * while an IRC ban stands, with a reason that says why and what would let them in.
 *
 * Guarantees:
 * - Each removal is queued on the room's strict queue (after what IRC already queued for the room),
 *   reads the user's membership first and acts only where it changes something: a kick only of a
 *   user who is joined, invited or knocking; a ban of one who is or was there. A user the bridge or
 *   a moderator already banned is never kicked (a kick would turn the ban into a mere leave).
 * - A Matrix ban the bridge set for an IRC ban is lifted (only the bridge's own: recorded here, or
 *   after a restart recognised by its reason) when the bridge hears a -b matching the mask it was
 *   set for or the user's nick!user@host, or when the user's own connection gets into the channel
 *   again (`!join`); then the user is invited back, since the channel let them in.
 * A JOIN of the user's own connection reads their membership in a room at most once per run (a ban
 * an earlier run left), and not at all in a room the homeserver reported them joined to
 * (`knownJoined`); later JOINs (reconnects) cost no request.
 * Not guaranteed: the records of Matrix bans are in memory, so after a restart a -b no longer lifts
 * one (a successful !join still does); a -b the bridge does not hear (set while no connection of
 * the bridge was in the channel, or a ban that expired on the server) lifts nothing until !join.
 * A room where the bot lacks the power to kick or ban keeps the user (logged, given up).
 */
import type { MatrixApi } from "../matrix/matrixApi";
import type { RoomQueues } from "./roomQueues";

/** Every reason of a Matrix ban the bridge sets for an IRC ban starts so (how it knows its own after a restart). */
export const IRC_BAN_MARK = "Banned on IRC";

interface BanRecord {
  /** The IRC ban mask it stands for, when the bridge saw the +b. */
  readonly mask: string | undefined;
  /** The user's nick!user@host then, when known. */
  readonly hostmask: string | undefined;
  readonly channel: string;
}

export interface RemovalDeps {
  readonly api: MatrixApi;
  readonly queues: RoomQueues;
  readonly botUserId: string;
}

const PRESENT = new Set(["join", "invite", "knock"]);

export class Removals {
  /** "room\0user" -> the Matrix ban the bridge set there for an IRC ban. */
  private readonly bans = new Map<string, BanRecord>();
  /**
   * "room\0user" whose membership was read once this run for a ban an earlier run left: from then on
   * `bans` knows every ban of ours there, so a JOIN (every reconnect rejoins) costs no more requests.
   */
  private readonly staleChecked = new Set<string>();

  constructor(private readonly deps: RemovalDeps) {}

  /**
   * Kicks the user from each room they are in, with the reason. `untouched` runs once every room was
   * seen to if the user was in none of them (so they can be told some other way).
   */
  kick(userId: string, roomIds: readonly string[], reason: string, untouched?: () => void): void {
    const outcome = tally(roomIds.length, untouched);
    for (const roomId of roomIds) {
      this.deps.queues.enqueue(roomId, {
        what: `removal of ${userId}`,
        run: async () => {
          if (this.bans.has(key(roomId, userId))) return outcome.removed();
          if (!PRESENT.has(await this.membership(roomId, userId))) return;
          await this.deps.api.kick(roomId, this.deps.botUserId, userId, reason);
          outcome.removed();
        },
        settled: outcome.settled,
      });
    }
  }

  /**
   * Bans the user in each room they are or were in, for an IRC ban of `channel` (`mask` when the bridge
   * saw it set); the reason must start with IRC_BAN_MARK.
   */
  ban(userId: string, roomIds: readonly string[], channel: string, reason: string, mask: string | undefined, hostmask: string | undefined, untouched?: () => void): void {
    const outcome = tally(roomIds.length, untouched);
    for (const roomId of roomIds) {
      this.deps.queues.enqueue(roomId, {
        what: `ban of ${userId} for an IRC ban`,
        run: async () => {
          const membership = await this.membership(roomId, userId);
          if (membership === "ban") return outcome.removed();
          if (membership === "") return;
          await this.deps.api.ban(roomId, this.deps.botUserId, userId, reason);
          this.bans.set(key(roomId, userId), { mask, hostmask, channel });
          outcome.removed();
        },
        settled: outcome.settled,
      });
    }
  }

  /** Whether the bridge holds a Matrix ban of the user in the room for an IRC ban. */
  holdsBan(roomId: string, userId: string): boolean {
    return this.bans.has(key(roomId, userId));
  }

  /**
   * An IRC -b of `mask` on `channel` (`fold`ed names): lifts the bridge's Matrix bans that stand for
   * that mask or whose user's hostmask it matches.
   */
  unbanned(roomIds: readonly string[], mask: string, same: (a: string, b: string) => boolean, matches: (mask: string, hostmask: string) => boolean): void {
    for (const roomId of roomIds) {
      for (const [k, record] of this.bans) {
        const [room, userId] = k.split("\0");
        if (room !== roomId || userId === undefined) continue;
        const hit = (record.mask !== undefined && same(record.mask, mask)) || (record.hostmask !== undefined && matches(mask, record.hostmask));
        if (hit) this.lift(roomId, userId, `the ban ${mask} was lifted on IRC`, false);
      }
    }
  }

  /**
   * The homeserver reported the user joined to the room: no ban of an earlier run stands there, so
   * their connection's JOIN need not read their membership (one request saved per Matrix join).
   */
  knownJoined(roomId: string, userId: string): void {
    if (!this.bans.has(key(roomId, userId))) this.staleChecked.add(key(roomId, userId));
  }

  /** The user's own connection got into the channel: the bridge's Matrix bans for it are lifted and the user invited back. */
  joined(userId: string, roomIds: readonly string[], channel: string): void {
    for (const roomId of roomIds) {
      if (this.bans.has(key(roomId, userId))) {
        this.lift(roomId, userId, `you got into ${channel} on IRC`, true);
        continue;
      }
      // After a restart: a ban with the bridge's reason is the bridge's (read once per room and user).
      if (this.staleChecked.has(key(roomId, userId))) continue;
      this.staleChecked.add(key(roomId, userId));
      this.deps.queues.enqueue(roomId, {
        what: `lifting a stale IRC ban of ${userId}`,
        run: async () => {
          const member = await this.deps.api.getState(roomId, this.deps.botUserId, "m.room.member", userId);
          if (member?.membership !== "ban" || typeof member.reason !== "string" || !member.reason.startsWith(IRC_BAN_MARK)) return;
          await this.deps.api.unban(roomId, this.deps.botUserId, userId, `you got into ${channel} on IRC`);
          await this.deps.api.invite(roomId, this.deps.botUserId, userId);
        },
      });
    }
  }

  private lift(roomId: string, userId: string, why: string, invite: boolean): void {
    this.bans.delete(key(roomId, userId));
    this.deps.queues.enqueue(roomId, {
      what: `lifting the IRC ban of ${userId}`,
      run: async () => {
        if ((await this.membership(roomId, userId)) !== "ban") return;
        await this.deps.api.unban(roomId, this.deps.botUserId, userId, why);
        if (invite) await this.deps.api.invite(roomId, this.deps.botUserId, userId);
      },
    });
  }

  /** The user's membership in the room ("" when they never had one). */
  private async membership(roomId: string, userId: string): Promise<string> {
    const member = await this.deps.api.getState(roomId, this.deps.botUserId, "m.room.member", userId);
    return typeof member?.membership === "string" ? member.membership : "";
  }
}

/** Counts the rooms seen to; calls `untouched` once after the last if the user was removed from none. */
function tally(rooms: number, untouched: (() => void) | undefined): { readonly removed: () => void; readonly settled: () => void } {
  let left = rooms;
  let any = false;
  if (rooms === 0) untouched?.();
  return {
    removed: () => {
      any = true;
    },
    settled: () => {
      if (--left === 0 && !any) untouched?.();
    },
  };
}

function key(roomId: string, userId: string): string {
  return `${roomId}\0${userId}`;
}
