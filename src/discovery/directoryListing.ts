/**
 * Optional room directory listing of portal rooms (portals.published), per network: a portal whose
 * channel the bridge sees open is listed in the homeserver's room directory (the application
 * service's list for the network, which clients filter by the network's third-party instance; or,
 * with portals.useHomeserverDirectory, the main list), and taken out when that stops.
 *
 * Guarantees:
 * - Never a secret channel, not even for a moment: a room is listed only on the decision "public",
 *   taken only while one of the bridge's connections is in the channel and has heard the channel's
 *   whole mode list (RPL_CHANNELMODEIS, followed by every MODE since), with none of +s, +p, +i, +k
 *   set. Any of them, or the bridge leaving the channel (it can no longer see), decides "private".
 *   Modes not known yet decide nothing (a room is never listed on a guess).
 * - The listing follows the latest decision: an operation reads the room's wish when it runs in the
 *   room's queue, so a listing queued before a +s was heard does not happen after it.
 * - Only portal rooms (origin "portal") of a network with portals.published and portals.joinRule
 *   public; mapped and linked rooms belong to their moderators and are never listed here (a +s/+p
 *   still takes any room out, rooms/roomAccess.ts).
 * - One request per change of decision per room (repeats are dropped); a request the homeserver
 *   refused for good is tried again at the next decision. A room no longer bridged is unlisted.
 * - Across restarts: where the bridge listed a room is stored (AccessRecords); at start every such
 *   room is taken out, to be listed again once the bridge sees its channel open (what a channel
 *   became while the bridge was away is unknown; listing late is safe, unlisting late leaks).
 * Not guaranteed: a listing whose stored record failed to write is not taken out at the next start.
 */
import type { NetworkContext } from "../irc/networkContext";
import type { MatrixApi } from "../matrix/matrixApi";
import type { AccessRecords } from "../rooms/accessRecords";
import type { RoomQueues } from "../rooms/roomQueues";
import type { RoomRecord } from "../store/store";

export type Listing = "public" | "private";

/** What the bridge sees of the channel right now. */
export interface ChannelView {
  /** One of the bridge's connections is in the channel. */
  readonly inChannel: boolean;
  /** The channel's whole mode list has been heard since (else a flag may be missing). */
  readonly modesKnown: boolean;
  /** Whether a channel mode (a flag, or "k" for a key) is set. */
  readonly flag: (mode: string) => boolean;
}

/** Modes that keep a channel out of the directory: secret, private, invite-only, keyed. */
export const UNLISTED_MODES: readonly string[] = ["s", "p", "i", "k"];

/** The decision for one room; undefined: nothing to do (not ours to list, or not known yet). */
export function listingFor(network: NetworkContext, room: Pick<RoomRecord, "origin">, view: ChannelView): Listing | undefined {
  const { published } = network.channels.directory;
  if (!published || room.origin !== "portal") return undefined;
  if (!view.inChannel || UNLISTED_MODES.some((mode) => view.flag(mode))) return "private";
  if (!view.modesKnown) return undefined;
  return network.channels.portalJoinRule === "public" ? "public" : "private";
}

export interface DirectoryListingDeps {
  readonly api: MatrixApi;
  readonly queues: RoomQueues;
  readonly botUserId: string;
  /** Where the bridge listed each room, kept across restarts. */
  readonly records: AccessRecords;
}

export class DirectoryListing {
  /** The latest decision per room. */
  private readonly wished = new Map<string, Listing>();
  /** Decisions taken per room (a counter), so a failed operation knows whether a newer one is queued. */
  private readonly decisions = new Map<string, number>();
  /** The list each room is in (a network's; undefined: the main one). */
  private readonly lists = new Map<string, string | undefined>();
  /** What the homeserver was last told per room. */
  private readonly told = new Map<string, Listing>();

  constructor(private readonly deps: DirectoryListingDeps) {}

  /** Rooms with a decision on record (tests). */
  get size(): number {
    return this.wished.size;
  }

  /** Brings the room's listing in line with what the bridge sees of its channel. */
  follow(network: NetworkContext, room: Pick<RoomRecord, "roomId" | "origin">, view: ChannelView): void {
    const wish = listingFor(network, room, view);
    if (wish === undefined || this.wished.get(room.roomId) === wish) return;
    this.decide(room.roomId, wish, network.channels.directory.useHomeserverDirectory ? undefined : network.id);
  }

  /**
   * At start: every room the bridge had listed before comes out of the directory, to be listed
   * again once the bridge sees its channel open (it cannot tell what the channel became meanwhile).
   * Returns how many.
   */
  afterRestart(): number {
    let count = 0;
    for (const record of this.deps.records.all()) {
      if (record.listedIn === undefined) continue;
      this.told.set(record.roomId, "public");
      this.decide(record.roomId, "private", record.listedIn === "" ? undefined : record.listedIn);
      count++;
    }
    return count;
  }

  private decide(roomId: string, wish: Listing, networkId: string | undefined): void {
    this.wished.set(roomId, wish);
    const decision = (this.decisions.get(roomId) ?? 0) + 1;
    this.decisions.set(roomId, decision);
    this.lists.set(roomId, networkId);
    let done = false;
    this.deps.queues.enqueue(roomId, {
      what: wish === "public" ? "list in the room directory (channel open)" : "unlist from the room directory (channel closed, secret or out of sight)",
      run: async () => {
        await this.apply(roomId, networkId);
        done = true;
      },
      // Given up (refused for good) and no newer decision queued: forget it, so the next one asks again.
      settled: () => {
        if (done || this.decisions.get(roomId) !== decision) return;
        this.wished.delete(roomId);
        this.decisions.delete(roomId);
      },
    });
  }

  /**
   * The room is bridged no more (unlinked, removed): out of the directory if the bridge listed it,
   * and forgotten here.
   */
  removed(roomId: string): void {
    const where = this.lists.get(roomId);
    if (this.wished.get(roomId) === "public" || this.told.get(roomId) === "public") {
      this.deps.queues.enqueue(roomId, {
        what: "unlist from the room directory (no longer bridged)",
        run: async () => {
          await this.deps.api.setDirectoryVisibility(roomId, this.deps.botUserId, "private", where);
          this.deps.records.update(roomId, { listedIn: undefined });
        },
      });
    }
    for (const map of [this.wished, this.decisions, this.told, this.lists]) map.delete(roomId);
  }

  private async apply(roomId: string, networkId: string | undefined): Promise<void> {
    const wish = this.wished.get(roomId);
    if (wish === undefined || this.told.get(roomId) === wish) return;
    await this.deps.api.setDirectoryVisibility(roomId, this.deps.botUserId, wish, networkId);
    this.told.set(roomId, wish);
    this.deps.records.update(roomId, { listedIn: wish === "public" ? (networkId ?? "") : undefined });
  }
}
