/**
 * Private-message rooms on the Matrix side: one room per conversation (network, Matrix user, IRC
 * nick), holding only the user and the nick's ghost.
 *
 * Guarantees:
 * - IRC -> Matrix, `deliver` runs in the conversation's queue (pendingSends.ts queues a private
 *   message under its conversation's key), so a conversation's messages are posted one at a time,
 *   in order, and its room is made once: the first message makes it (the ghost creates it,
 *   invite-only, marked direct, named after the nick, the user invited), the next ones find it.
 * - A message is posted only where the user is joined or invited: a user who left the room is
 *   invited back to the same room by the next message, so the conversation stays in one place.
 * - A room the ghost cannot post in any more (it was removed, or the user banned) is given up, and
 *   the conversation gets a new room with that message.
 * - A third person invited to or joining the room is removed by the ghost, which says why; when it
 *   cannot remove them the room is given up (the ghost says so and leaves), so nothing more from
 *   IRC is posted where a third person reads.
 * Not guaranteed: that a room whose creation was answered by nothing (a timeout) is not created
 * twice; the first is then left with the user invited and nothing in it.
 */
import { randomUUID } from "node:crypto";
import { errorText } from "../errors";
import type { NetworkContext } from "../irc/networkContext";
import type { Clock } from "../irc/pacedQueue";
import type { Ghosts } from "../matrix/ghosts";
import { MatrixApiError, type MatrixApi } from "../matrix/matrixApi";
import type { Logger } from "../observability/logger";
import type { Metrics } from "../observability/metrics";
import type { PendingSend } from "../rooms/pendingSends";
import { pmKey, type PmIndex } from "../rooms/pmIndex";
import type { RoomOp } from "../rooms/roomQueues";
import type { PmRoomRecord } from "../store/store";

export interface PmRoomsDeps {
  readonly index: PmIndex;
  readonly api: Pick<MatrixApi, "createRoom" | "join" | "leave" | "invite" | "kick" | "send" | "getState">;
  readonly ghosts: Ghosts;
  /** The IRC -> Matrix queues (one per room or conversation key: strict order, retries). */
  readonly enqueue: (key: string, op: RoomOp) => void;
  readonly networks: ReadonlyMap<string, NetworkContext>;
  readonly clock: Clock;
  readonly log: Logger;
  readonly metrics: Metrics;
}

/** Where the user is, as far as the bridge knows (undefined: not known since the bridge started). */
type Presence = "join" | "invite" | "leave" | "ban";

export class PmRooms {
  private readonly presence = new Map<string, Presence>();

  constructor(private readonly deps: PmRoomsDeps) {}

  roomOf(roomId: string): PmRoomRecord | undefined {
    return this.deps.index.room(roomId);
  }

  find(network: string, userId: string, folded: string): PmRoomRecord | undefined {
    return this.deps.index.find(network, userId, folded);
  }

  ghostOf(record: PmRoomRecord): string | undefined {
    return this.deps.networks.get(record.network)?.ids.ghostUserId(record.nick);
  }

  /** The user's membership in their private room changed (a Matrix event). */
  userMembership(roomId: string, membership: unknown): void {
    if (membership === "join" || membership === "invite" || membership === "leave" || membership === "ban") this.presence.set(roomId, membership);
  }

  /** A notice from the room's ghost, after what the room has queued; a retry never posts it twice. */
  notice(roomId: string, text: string): void {
    const record = this.roomOf(roomId);
    const ghost = record === undefined ? undefined : this.ghostOf(record);
    if (ghost !== undefined) this.noticeAs(roomId, ghost, text);
  }

  /** A notice in the room of a private message that could not be posted (pendingSends.ts). */
  noticeFor(send: PendingSend, text: string): void {
    if (send.pm === undefined) return;
    const network = this.deps.networks.get(send.network);
    const record = network === undefined ? undefined : this.find(send.network, send.pm.userId, network.channels.fold(send.nick));
    if (record !== undefined) this.notice(record.roomId, text);
    else this.deps.log.warn("a notice about private messages has no room to go to", { user: send.pm.userId, from: send.nick, text });
  }

  noticeAs(roomId: string, ghost: string, text: string): void {
    const txnId = `pmnotice.${randomUUID()}`;
    this.deps.enqueue(roomId, {
      what: "notice in a private chat",
      run: async () => {
        await this.deps.api.send(roomId, ghost, "m.room.message", { msgtype: "m.notice", body: text }, txnId);
      },
    });
  }

  /** Makes `record` its conversation's room; the room it replaces is told and left by its ghost. */
  async remember(record: PmRoomRecord, presence: Presence): Promise<void> {
    const { replaced, written } = this.deps.index.put(record);
    this.presence.set(record.roomId, presence);
    await written;
    if (replaced === undefined) return;
    this.presence.delete(replaced.roomId);
    const ghost = this.ghostOf(replaced);
    if (ghost === undefined) return;
    this.noticeAs(replaced.roomId, ghost, `This conversation with ${replaced.nick} goes on in a newer room; messages from ${replaced.nick} no longer come here.`);
    this.deps.enqueue(replaced.roomId, { what: "ghost leaves a replaced private chat", run: () => this.leave(replaced.roomId, ghost) });
  }

  /** IRC -> Matrix: posts a private message in its conversation's room (see the guarantees above). */
  async deliver(send: PendingSend, userId: string): Promise<void> {
    const network = this.deps.networks.get(send.network);
    if (network === undefined) return;
    const folded = network.channels.fold(send.nick);
    for (let attempt = 0; ; attempt++) {
      const roomId = await this.roomFor(network, userId, send.nick, folded, send.ghost);
      try {
        if (!this.deps.ghosts.isJoined(roomId, send.ghost)) {
          await this.deps.api.join(roomId, send.ghost);
          this.deps.ghosts.markJoined(roomId, send.ghost);
        }
        await this.deps.api.send(roomId, send.ghost, "m.room.message", send.content, send.txnId, send.ts);
        this.deps.metrics.bridgedMessages.inc({ direction: "irc_to_matrix" });
        return;
      } catch (err) {
        // Forbidden: the ghost is not in the room any more (or may not post). Anything else is retried or given up.
        if (!(err instanceof MatrixApiError) || err.status !== 403 || attempt > 0) throw err;
        await this.abandon(roomId, `its ghost cannot post there any more (${errorText(err)})`, false);
      }
    }
  }

  /** A third person was invited to or joined the private room: the ghost removes them, or gives the room up. */
  refuse(roomId: string, intruder: string): void {
    const record = this.roomOf(roomId);
    const ghost = record === undefined ? undefined : this.ghostOf(record);
    if (record === undefined || ghost === undefined) return;
    const txnId = `pmnotice.${randomUUID()}`;
    const say = (body: string) => this.deps.api.send(roomId, ghost, "m.room.message", { msgtype: "m.notice", body }, txnId);
    // In the conversation's queue: nothing from IRC is posted between the intrusion and the answer.
    this.deps.enqueue(pmKey(record.network, record.userId, record.folded), {
      what: "third person in a private chat",
      run: async () => {
        if (this.roomOf(roomId) !== record) return;
        try {
          await this.deps.api.kick(roomId, ghost, intruder, `a private chat with ${record.nick} on IRC is only for ${record.userId}`);
        } catch (err) {
          if (!(err instanceof MatrixApiError) || err.transient) throw err;
          await say(`Only you and ${record.nick} may be in this private chat, and ${intruder} could not be removed, so it is no longer bridged: messages from ${record.nick} will come in a new room.`);
          await this.abandon(roomId, `${intruder} is in it and could not be removed (${errorText(err)})`, true);
          return;
        }
        this.deps.log.info("removed a third person from a private chat", { room: roomId, user: record.userId, who: intruder });
        await say(`Only you and ${record.nick} may be in this private chat, so ${intruder} was removed.`);
      },
    });
  }

  /** The ghost was removed from its private room: the conversation's next message opens a new room. */
  ghostRemoved(roomId: string, by: string): void {
    const record = this.roomOf(roomId);
    const ghost = record === undefined ? undefined : this.ghostOf(record);
    if (ghost !== undefined) this.deps.ghosts.forget(roomId, ghost);
    void this.abandon(roomId, `the ghost was removed by ${by}`, false).catch((err: unknown) => this.deps.log.error("cannot forget a private chat", { room: roomId, error: errorText(err) }));
  }

  /** The room is no conversation's any more; the ghost leaves it unless it is gone already. */
  async abandon(roomId: string, why: string, leave: boolean): Promise<void> {
    const record = this.roomOf(roomId);
    if (record === undefined) return;
    this.presence.delete(roomId);
    this.deps.log.info("a private chat is given up", { room: roomId, user: record.userId, network: record.network, why });
    await this.deps.index.remove(roomId);
    const ghost = this.ghostOf(record);
    if (leave && ghost !== undefined) await this.leave(roomId, ghost);
  }

  private async leave(roomId: string, ghost: string): Promise<void> {
    try {
      await this.deps.api.leave(roomId, ghost);
    } catch (err) {
      if (!(err instanceof MatrixApiError) || err.transient) throw err;
    }
    this.deps.ghosts.forget(roomId, ghost);
  }

  /** The conversation's room, with the user in it or invited: found, invited back to, or made. */
  private async roomFor(network: NetworkContext, userId: string, nick: string, folded: string, ghost: string): Promise<string> {
    const known = this.find(network.id, userId, folded);
    if (known === undefined) return this.create(network, userId, nick, folded, ghost);
    let presence = this.presence.get(known.roomId);
    if (presence === undefined) {
      try {
        const member = await this.deps.api.getState(known.roomId, ghost, "m.room.member", userId);
        presence = member?.membership === "join" || member?.membership === "invite" || member?.membership === "ban" ? member.membership : "leave";
        this.presence.set(known.roomId, presence);
      } catch (err) {
        if (!(err instanceof MatrixApiError) || err.status !== 403) throw err;
        // The ghost may not look into the room: it is not in it any more.
        await this.abandon(known.roomId, `its ghost cannot see it any more (${errorText(err)})`, false);
        return this.create(network, userId, nick, folded, ghost);
      }
    }
    if (presence === "ban") {
      await this.abandon(known.roomId, "the user is banned from it", true);
      return this.create(network, userId, nick, folded, ghost);
    }
    if (presence === "leave") {
      await this.deps.api.invite(known.roomId, ghost, userId);
      this.presence.set(known.roomId, "invite");
      this.deps.log.info("invited a user back to their private chat", { room: known.roomId, user: userId, network: network.id });
    }
    return known.roomId;
  }

  private async create(network: NetworkContext, userId: string, nick: string, folded: string, ghost: string): Promise<string> {
    await this.deps.ghosts.ensureUser(ghost, network.ids.ghostDisplayname(nick));
    const roomId = await this.deps.api.createRoom(ghost, {
      preset: "trusted_private_chat",
      visibility: "private",
      is_direct: true,
      invite: [userId],
      name: nick,
      topic: `Private messages with ${nick} on ${network.name} (IRC)`,
    });
    this.deps.ghosts.markJoined(roomId, ghost);
    await this.remember({ roomId, network: network.id, userId, nick, folded, createdAt: this.deps.clock.now() }, "invite");
    this.deps.log.info("created a private chat", { room: roomId, user: userId, network: network.id });
    return roomId;
  }
}
