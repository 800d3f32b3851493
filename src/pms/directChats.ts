/**
 * Direct chats a Matrix user opens with an IRC nick: they invite the nick's ghost into a room.
 *
 * Guarantees:
 * - The ghost accepts (joins, and the room becomes the conversation's, replacing the one it had)
 *   only when its id decodes to a valid IRC nick (one user: never a channel, a list or a mask; see
 *   fromMatrix/ghostNick.ts), and only a room where the inviter is the only other member and that
 *   is not encrypted (the bridge could not read it), on a network where private messages are
 *   bridged; otherwise it joins, says why, and leaves.
 * - The acceptance runs in the conversation's queue, so a message from the nick that arrives
 *   meanwhile is posted in this room once it is accepted (not in a room of its own).
 * - Nothing the user writes is lost to the acceptance. Matrix does not send the bridge what was
 *   said in a room before one of its users joined, so the messages the inviter sent between the
 *   invite and the ghost's join are read back from the room's history; the events that arrive
 *   while the ghost is joining wait. Both then go through the router, history first, in order.
 * Not guaranteed: that the events that waited survive a crash during the acceptance (they are in
 * memory for that moment, and their transactions were acknowledged).
 */
import { randomUUID } from "node:crypto";
import { ghostNick } from "../fromMatrix/ghostNick";
import type { NetworkContext } from "../irc/networkContext";
import type { MatrixEvent } from "../matrix/events";
import type { Ghosts } from "../matrix/ghosts";
import type { MatrixApi } from "../matrix/matrixApi";
import type { Logger } from "../observability/logger";
import { pmKey } from "../rooms/pmIndex";
import type { RoomOp } from "../rooms/roomQueues";
import type { PmRooms } from "./pmRooms";

/** How far back the room's history is read for what the inviter said before the ghost joined. */
const BACKLOG_EVENTS = 50;

export interface DirectChatsDeps {
  readonly pms: PmRooms;
  readonly api: Pick<MatrixApi, "join" | "leave" | "send" | "getState" | "joinedMembers" | "displayname" | "messages">;
  readonly ghosts: Ghosts;
  readonly enqueue: (key: string, op: RoomOp) => void;
  readonly networks: ReadonlyMap<string, NetworkContext>;
  readonly clock: { now(): number };
  readonly log: Logger;
  /** Routes events again, in order (what waited, and what was read back). */
  readonly replay: (events: readonly MatrixEvent[]) => void;
}

export class DirectChats {
  /** Rooms being accepted -> the events that arrived meanwhile. */
  private readonly opening = new Map<string, MatrixEvent[]>();

  constructor(private readonly deps: DirectChatsDeps) {}

  isOpening(roomId: string): boolean {
    return this.opening.has(roomId);
  }

  /** An event in a room being accepted: it waits until the room is a private chat, or is not. */
  hold(roomId: string, event: MatrixEvent): void {
    this.opening.get(roomId)?.push(event);
  }

  /** `userId` invited the ghost of a nick of `networkId` into a room bridged to no channel. */
  open(roomId: string, userId: string, networkId: string, ghost: string): void {
    const network = this.deps.networks.get(networkId);
    const nick = network?.ids.nickOfGhost(ghost);
    if (network === undefined || nick === undefined || this.opening.has(roomId)) return;
    this.opening.set(roomId, []);
    // Fixed before the first attempt, so a retry never posts the ghost's answer twice.
    const txnId = `pmdecline.${randomUUID()}`;
    let backlog: MatrixEvent[] | undefined;
    // In the conversation's queue: a message from IRC meanwhile waits, and then finds this room.
    this.deps.enqueue(pmKey(network.id, userId, network.channels.fold(nick)), {
      what: "ghost accepts a direct chat",
      run: async () => {
        backlog = await this.accept(roomId, userId, network, ghost, txnId);
      },
      settled: () => {
        const waited = this.opening.get(roomId) ?? [];
        this.opening.delete(roomId);
        if (backlog === undefined) return;
        const known = new Set(waited.map((e) => e.event_id));
        this.deps.replay([...backlog.filter((e) => !known.has(e.event_id)), ...waited]);
      },
    });
  }

  /** Joins as the ghost; the messages to send on when the room is accepted, undefined when it is not. */
  private async accept(roomId: string, userId: string, network: NetworkContext, ghost: string, txnId: string): Promise<MatrixEvent[] | undefined> {
    const { api, ghosts, pms, log } = this.deps;
    const nick = await this.nickOf(network, ghost);
    await ghosts.ensureUser(ghost, network.ids.ghostDisplayname(nick));
    await api.join(roomId, ghost);
    ghosts.markJoined(roomId, ghost);
    const refusal = await this.refusal(roomId, userId, network, ghost, nick);
    if (refusal !== undefined) {
      log.info("a ghost declined a direct chat", { room: roomId, user: userId, network: network.id, why: refusal });
      await api.send(roomId, ghost, "m.room.message", { msgtype: "m.notice", body: refusal }, txnId);
      await api.leave(roomId, ghost);
      ghosts.forget(roomId, ghost);
      return undefined;
    }
    await pms.remember({ roomId, network: network.id, userId, nick, folded: network.channels.fold(nick), createdAt: this.deps.clock.now() }, "join");
    log.info("a direct chat with a ghost is now a private chat", { room: roomId, user: userId, network: network.id });
    return this.backlog(roomId, userId, ghost);
  }

  /** Why the ghost declines the room, or undefined when it is a private chat it can serve. */
  private async refusal(roomId: string, userId: string, network: NetworkContext, ghost: string, nick: string): Promise<string | undefined> {
    const decoded = ghostNick(network, ghost);
    if (decoded?.ok !== true) return `A private chat goes to one IRC user, and ${decoded?.why ?? `${ghost} is not one of the bridge's IRC users`}, so nothing from this chat is sent to IRC.`;
    if (!network.privateMessages.enabled) return `Private messages with IRC users are not bridged on ${network.name}, so ${nick} cannot read this chat.`;
    const others = (await this.deps.api.joinedMembers(roomId, ghost)).filter((m) => m !== ghost && m !== userId);
    if (others.length > 0) {
      return `A private chat with ${nick} is only for you and ${nick}, and ${others.join(", ")} ${others.length === 1 ? "is" : "are"} here too. Start a direct chat with just ${ghost}.`;
    }
    if ((await this.deps.api.getState(roomId, ghost, "m.room.encryption")) !== undefined) {
      return `This chat is encrypted, and the bridge cannot read encrypted messages, so ${nick} would never see them. Start a direct chat with ${ghost} with encryption turned off.`;
    }
    return undefined;
  }

  /** The nick as written when the ghost's displayname has it (ghost ids are lower case), else as the id says. */
  private async nickOf(network: NetworkContext, ghost: string): Promise<string> {
    const fromId = network.ids.nickOfGhost(ghost) ?? ghost;
    const displayname = await this.deps.api.displayname(ghost);
    return displayname !== undefined && network.channels.fold(displayname) === network.channels.fold(fromId) ? displayname : fromId;
  }

  /** The inviter's messages between the ghost's invite and its join, oldest first. */
  private async backlog(roomId: string, userId: string, ghost: string): Promise<MatrixEvent[]> {
    const newestFirst = await this.deps.api.messages(roomId, ghost, BACKLOG_EVENTS);
    const found: MatrixEvent[] = [];
    let joined = false;
    for (const event of newestFirst) {
      const ghostMembership = event.type === "m.room.member" && event.state_key === ghost ? event.content.membership : undefined;
      if (!joined) {
        joined = ghostMembership === "join";
        continue;
      }
      if (ghostMembership === "invite") break;
      if (event.type === "m.room.message" && event.sender === userId) found.push(event);
    }
    return found.reverse();
  }
}
