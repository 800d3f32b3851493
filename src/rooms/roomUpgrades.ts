/**
 * Rooms that move: a bridged room's m.room.tombstone (a room upgrade) moves its bridge to the
 * replacement room.
 *
 * Guarantees:
 * - At once (synchronously, in transaction order): the record moves to the new room (same channel,
 *   same origin, the old room added to its `predecessors`), so from the tombstone on, IRC traffic is
 *   queued for the new room and none for the old, and Matrix events of the old room reach IRC no
 *   more. The first operation in the new room's queue is the bot's join: IRC messages queued after
 *   it wait for it (strict per-room order) and are delivered in the new room, not lost.
 * - The bot joins the new room (it is public, or the upgrader invited it). When it may not (a 4xx),
 *   or the new room does not name the old one as its predecessor (m.room.create), the move is
 *   undone: the old room stays bridged and is told why (and how: invite the bot); an invite of the
 *   bot to the new room later completes the move (`invited`). A homeserver outage retries the join
 *   (the room's queue), holding back what waits behind it.
 * - Then: the bridge's bookkeeping of the room (power levels it granted, the join rule before
 *   +i/+k: rooms/roomAccess.ts; the IRC bans it set for Matrix bans of ghosts) is the new room's; the channel's IRC members' ghosts join it, with
 *   their power levels; the bridge-info state is written in the new room and cleared in the old;
 *   a portal's aliases lead to the new room (upgradeAliases.ts); a static mapping's keys follow it,
 *   and the operator is told in the log which room id to put in the config (rooms/mappedRooms.ts
 *   makes sure a restart does not bridge the old one again). Matrix users keep their IRC
 *   connections and channels: they join the new room themselves.
 * - A tombstone pointing at a room that is bridged already, at the room itself, or at a private
 *   room (admin or private-message room) changes nothing; the room is told.
 * Not guaranteed: operations already queued for the old room before the tombstone still go there;
 * an undone move drops what was queued for the new room meanwhile (its ghosts cannot join); a
 * bot invite to the new room is awaited in memory only (a restart forgets it: upgrade again).
 */
import { errorText } from "../errors";
import type { NetworkContext } from "../irc/networkContext";
import { MatrixApiError, type MatrixApi } from "../matrix/matrixApi";
import type { Logger } from "../observability/logger";
import type { BanStore, RoomRecord } from "../store/store";
import { clearBridgeInfoIfPresent, ensureBridgeInfo, type BridgeInfoTarget } from "./bridgeInfo";
import type { RoomIndex } from "./roomIndex";
import type { RoomQueues } from "./roomQueues";
import { followAliases } from "./upgradeAliases";

/** One network, as room upgrades need it. */
export interface UpgradeNetwork {
  readonly network: NetworkContext;
  /** The room is bridged to its channel in place of another: it gets the channel's ghosts, power levels and modes. */
  roomMoved(record: RoomRecord): void;
}

export interface RoomUpgradesDeps {
  /** bridge.id: part of the bridge-info state key. */
  readonly bridgeId: string;
  readonly botUserId: string;
  readonly api: MatrixApi;
  readonly rooms: RoomIndex;
  readonly queues: RoomQueues;
  /** The bridge's bookkeeping of room settings (rooms/roomAccess.ts). */
  readonly access: { moved(from: string, to: string): void };
  /** IRC bans set for Matrix bans of ghosts: an unban in the new room lifts the same mask. */
  readonly bans: Pick<BanStore, "moveRoom">;
  readonly networks: ReadonlyMap<string, UpgradeNetwork>;
  /** An admin or private-message room: never bridged to a channel. */
  readonly isPrivateRoom: (roomId: string) => boolean;
  readonly notice: (roomId: string, text: string) => void;
  readonly log: Logger;
}

/** How many upgrades may wait for the bot's invite at once (the oldest is forgotten first). */
const MAX_AWAITING = 1000;

export class RoomUpgrades {
  /** New room -> what to do when the bot is invited there (a move it could not complete). */
  private readonly awaiting = new Map<string, () => void>();
  private writing: Promise<void> = Promise.resolve();

  constructor(private readonly deps: RoomUpgradesDeps) {}

  /** Room `oldRoomId` was tombstoned by `by`, replaced by `newRoomId`: the bridge follows (see above). */
  follow(oldRoomId: string, newRoomId: string, by: string): void {
    const { rooms, log } = this.deps;
    const record = rooms.room(oldRoomId);
    if (record === undefined) return;
    const refusal =
      newRoomId === oldRoomId ? "it names this room itself" : rooms.room(newRoomId) !== undefined ? "that room is bridged already" : this.deps.isPrivateRoom(newRoomId) ? "that room is a private room of the bridge" : undefined;
    if (refusal !== undefined) {
      log.warn("not following a room upgrade", { room: oldRoomId, to: newRoomId, by, why: refusal });
      this.deps.notice(oldRoomId, `This room was replaced by ${newRoomId}, but the bridge to ${record.channel} stays here: ${refusal}.`);
      return;
    }
    this.awaiting.delete(newRoomId);
    const moved: RoomRecord = { ...record, roomId: newRoomId, predecessors: [...(record.predecessors ?? []), oldRoomId] };
    this.write(rooms.replace(oldRoomId, moved), oldRoomId);
    this.deps.queues.enqueue(newRoomId, { what: "follow a room upgrade", run: () => this.complete(record, moved, by) });
  }

  /** The bot was invited to a room: a move waiting for that invite is tried again (true), else false. */
  invited(roomId: string): boolean {
    const retry = this.awaiting.get(roomId);
    if (retry === undefined) return false;
    this.awaiting.delete(roomId);
    retry();
    return true;
  }

  /** Remembers what to do once the bot is invited to `roomId` (bounded). */
  awaitInvite(roomId: string, retry: () => void): void {
    this.awaiting.delete(roomId);
    this.awaiting.set(roomId, retry);
    if (this.awaiting.size > MAX_AWAITING) {
      const oldest = this.awaiting.keys().next().value;
      if (oldest !== undefined) this.awaiting.delete(oldest);
    }
  }

  private async complete(record: RoomRecord, moved: RoomRecord, by: string): Promise<void> {
    const { api, botUserId, log } = this.deps;
    const oldRoomId = record.roomId;
    const newRoomId = moved.roomId;
    try {
      await api.join(newRoomId, botUserId);
    } catch (err) {
      if (!(err instanceof MatrixApiError) || err.transient) throw err;
      this.undo(record, moved, `the bridge bot ${botUserId} cannot join it (${err.errcode}); invite it there and the bridge follows`);
      this.awaitInvite(newRoomId, () => this.follow(oldRoomId, newRoomId, by));
      return;
    }
    const create = await api.getState(newRoomId, botUserId, "m.room.create");
    const predecessor = create?.predecessor;
    const from = typeof predecessor === "object" && predecessor !== null && "room_id" in predecessor ? predecessor.room_id : undefined;
    if (from !== oldRoomId) {
      this.undo(record, moved, "it does not name this room as its predecessor");
      await api.leave(newRoomId, botUserId).catch((err: unknown) => log.info("could not leave a room the bridge does not follow", { room: newRoomId, error: errorText(err) }));
      return;
    }
    const runtime = this.deps.networks.get(record.network);
    this.deps.access.moved(oldRoomId, newRoomId);
    await this.deps.bans.moveRoom(oldRoomId, newRoomId).catch((err: unknown) => log.error("cannot move the IRC bans of an upgraded room", { room: newRoomId, error: errorText(err) }));
    if (record.origin === "mapped") runtime?.network.channels.noteUpgrade(oldRoomId, newRoomId);
    if (runtime !== undefined) await this.showMove(runtime.network, record, newRoomId);
    runtime?.roomMoved(moved);
    this.deps.notice(oldRoomId, `This room was upgraded: the bridge to ${record.channel} continues in the new room (${newRoomId}).`);
    const fields = { room: oldRoomId, to: newRoomId, by, network: record.network, channel: record.channel, origin: record.origin };
    if (record.origin === "mapped") {
      log.warn("a mapped room was upgraded: the bridge moved to the new room; replace the old room id in the config's mapping", { ...fields, key: `ircNetworks[${record.network}].mappings["${record.channel}"].roomIds` });
    } else {
      log.info("followed a room upgrade", fields);
    }
  }

  /** Bridge-info state moves; a portal's aliases follow. Cosmetic: a failure is logged, the move stands. */
  private async showMove(network: NetworkContext, record: RoomRecord, newRoomId: string): Promise<void> {
    const { api, botUserId, bridgeId, log } = this.deps;
    const target: BridgeInfoTarget = { bridgeId, botUserId, network: { id: network.id, name: network.name }, channel: record.channel, ...(record.linkedBy === undefined ? {} : { creator: record.linkedBy }) };
    const steps: [string, () => Promise<unknown>][] = [
      ["write the bridge-info state in the new room", () => ensureBridgeInfo(api, newRoomId, target)],
      ["clear the bridge-info state of the old room", () => clearBridgeInfoIfPresent(api, record.roomId, target)],
    ];
    if (record.origin === "portal") {
      steps.push([
        "point the portal's aliases at the new room",
        async () => {
          const moved = await followAliases(api, botUserId, network.ids, record.channel, record.roomId, newRoomId);
          if (moved.length > 0) log.info("pointed a portal's aliases at its upgraded room", { room: newRoomId, aliases: moved });
        },
      ]);
    }
    for (const [what, step] of steps) {
      try {
        await step();
      } catch (err) {
        log.warn(`could not ${what}`, { room: newRoomId, from: record.roomId, error: errorText(err) });
      }
    }
  }

  /** The move cannot be completed: the old room is bridged again, and told why. */
  private undo(record: RoomRecord, moved: RoomRecord, why: string): void {
    this.write(this.deps.rooms.replace(moved.roomId, record), record.roomId);
    this.deps.log.warn("could not follow a room upgrade; the old room stays bridged", { room: record.roomId, to: moved.roomId, why });
    this.deps.notice(record.roomId, `This room was replaced by ${moved.roomId}, but the bridge to ${record.channel} stays here: ${why}.`);
  }

  private write(written: Promise<void>, roomId: string): void {
    const logged = written.catch((err: unknown) => {
      this.deps.log.error("cannot save a room upgrade (the store refused the write)", { room: roomId, error: errorText(err) });
    });
    this.writing = this.writing.then(() => logged);
  }

  /** Resolves once the store has every move so far (tests). */
  flushed(): Promise<void> {
    return this.writing;
  }
}
