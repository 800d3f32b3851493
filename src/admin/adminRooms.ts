/**
 * Admin rooms: each Matrix user's private room with the bridge bot, one per user for every network,
 * where they hear about their IRC connections and send commands.
 *
 * Guarantees:
 * - A user has at most one admin room. `roomFor` creates it on first need (invite-only, marked as a
 *   direct chat, the user invited); concurrent calls for one user create one room.
 * - A direct chat a user opens with the bot becomes their admin room, replacing the old one (the
 *   bot leaves that).
 * - A room where a third person is (neither the owner nor the bot) stops being an admin room: the
 *   bot leaves it and forgets it, so the next notice creates a new one. The bot's own removal
 *   forgets it too.
 * Not guaranteed: that the owner reads it. An owner who leaves silences it (the bot stays, the room
 *   stays theirs, no new room is forced on them); opening a new direct chat with the bot replaces it.
 */
import { errorText } from "../errors";
import type { MatrixApi } from "../matrix/matrixApi";
import type { Logger } from "../observability/logger";
import type { AdminRoomStore } from "../store/store";
import type { AdminNetwork } from "./command";

export interface AdminRoomsDeps {
  readonly api: Pick<MatrixApi, "createRoom" | "join" | "leave" | "joinedMembers" | "userExists">;
  readonly botUserId: string;
  readonly store: AdminRoomStore;
  readonly networks: readonly AdminNetwork[];
  readonly log: Logger;
}

export class AdminRooms {
  private readonly byUser = new Map<string, string>();
  private readonly byRoom = new Map<string, string>();
  private readonly creating = new Map<string, Promise<string>>();

  constructor(private readonly deps: AdminRoomsDeps) {}

  /** Reads the stored admin rooms (before any lookup). */
  async load(): Promise<void> {
    for (const { userId, roomId } of await this.deps.store.all()) this.index(userId, roomId);
  }

  isAdminRoom(roomId: string): boolean {
    return this.byRoom.has(roomId);
  }

  /** The owner of an admin room; undefined when the room is not one. */
  userOf(roomId: string): string | undefined {
    return this.byRoom.get(roomId);
  }

  /** The user's admin room, created (and stored) if they have none. */
  roomFor(userId: string): Promise<string> {
    const known = this.byUser.get(userId);
    if (known !== undefined) return Promise.resolve(known);
    const running = this.creating.get(userId);
    if (running !== undefined) return running;
    const run = this.create(userId).finally(() => this.creating.delete(userId));
    this.creating.set(userId, run);
    return run;
  }

  /** The bot was invited by `userId` to a direct chat: it joins and the room becomes their admin room. Never rejects. */
  async adopt(roomId: string, userId: string): Promise<void> {
    const { api, botUserId, log } = this.deps;
    const owner = this.byRoom.get(roomId);
    if (owner !== undefined && owner !== userId) {
      log.warn("ignored a direct chat invite to another user's admin room", { room: roomId, user: userId });
      return;
    }
    try {
      await api.join(roomId, botUserId);
      const others = (await api.joinedMembers(roomId, botUserId)).filter((m) => m !== botUserId && m !== userId);
      if (others.length > 0) {
        log.info("a direct chat with the bot has other members; not an admin room", { room: roomId, user: userId });
        await api.leave(roomId, botUserId);
        return;
      }
      const previous = this.byUser.get(userId);
      await this.remember(userId, roomId);
      log.info("a direct chat with the bot is now the user's admin room", { room: roomId, user: userId });
      if (previous !== undefined && previous !== roomId) await api.leave(previous, botUserId);
    } catch (err) {
      log.error("could not take a direct chat as an admin room", { room: roomId, user: userId, error: errorText(err) });
    }
  }

  /**
   * The room is no admin room any more (`why` is logged): the bot forgets it at once and leaves it
   * unless `leave` is false (it was removed already). Never rejects.
   */
  async abandon(roomId: string, why: string, leave = true): Promise<void> {
    const userId = this.byRoom.get(roomId);
    if (userId === undefined) return;
    this.byRoom.delete(roomId);
    if (this.byUser.get(userId) === roomId) this.byUser.delete(userId);
    this.deps.log.info("an admin room is given up", { room: roomId, user: userId, why });
    try {
      await this.deps.store.remove(userId);
      if (leave) await this.deps.api.leave(roomId, this.deps.botUserId);
    } catch (err) {
      this.deps.log.error("could not give up an admin room", { room: roomId, user: userId, error: errorText(err) });
    }
  }

  private async create(userId: string): Promise<string> {
    const { api, botUserId, networks, log } = this.deps;
    const only = networks.length === 1 ? networks[0] : undefined;
    const about = only === undefined ? "your IRC connections" : `your connection to ${only.name}`;
    // A user the homeserver does not know (deactivated, or never existed) gets no room.
    if (!(await api.userExists(userId))) throw new UserUnknownError(userId);
    const roomId = await api.createRoom(botUserId, {
      preset: "private_chat",
      visibility: "private",
      is_direct: true,
      invite: [userId],
      name: only?.name ?? "IRC bridge",
      topic: `The IRC bridge tells you here about ${about}, and takes your commands. Say !help for the list.`,
    });
    const adopted = this.byUser.get(userId);
    if (adopted !== undefined) {
      // The user opened a direct chat with the bot meanwhile: that one wins.
      await api.leave(roomId, botUserId);
      return adopted;
    }
    await this.remember(userId, roomId);
    log.info("created an admin room", { room: roomId, user: userId });
    return roomId;
  }

  private async remember(userId: string, roomId: string): Promise<void> {
    this.index(userId, roomId);
    await this.deps.store.put(userId, roomId);
  }

  private index(userId: string, roomId: string): void {
    const previous = this.byUser.get(userId);
    if (previous !== undefined) this.byRoom.delete(previous);
    this.byUser.set(userId, roomId);
    this.byRoom.set(roomId, userId);
  }
}

/** The homeserver has no such user: nothing is created for them (a permanent failure, never retried). */
export class UserUnknownError extends Error {
  constructor(userId: string) {
    super(`the homeserver does not know ${userId}`);
  }
}
