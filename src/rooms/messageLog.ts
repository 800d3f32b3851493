import { Lru } from "../util/lru";

/** Lookups that may wait for a msgid at once; beyond, a lookup answers with what is logged now. */
const MAX_WAITERS = 1000;

/** One message bridged in a room, in either direction. */
export interface LoggedMessage {
  readonly roomId: string;
  /** Its Matrix event id (an IRC message: the event the bridge sent for it). */
  readonly eventId: string;
  /** Its IRC msgid (IRCv3 message-tags), when the server gave one. */
  readonly msgid?: string;
  /** The Matrix user who sent it, for a message from Matrix (whose redaction may delete it on IRC). */
  readonly sender?: string;
  /** The IRC nick that said it (a Matrix user's: their puppet's nick at that time). */
  readonly nick: string;
  /** Its text without formatting, for reply quotes and edit corrections. */
  readonly text: string;
  /** Position among the room's logged messages (1, 2, ...): how far back a message is. */
  readonly position: number;
}

interface RoomLog {
  next: number;
  readonly byEvent: Map<string, LoggedMessage>;
  readonly byMsgid: Map<string, LoggedMessage>;
}

/**
 * The last messages bridged in each room, both ways: finds the IRC msgid of a Matrix event (replies,
 * reactions and redactions going to IRC) and the Matrix event of an IRC msgid (coming back), and
 * tells how many messages came after one (a reply quotes its original only when it is not among
 * the last few lines).
 *
 * Guarantees: keyed by room, never global: a lookup in one room never finds another room's message
 * (CVE-2023-38700 leaked reply text across rooms this way). Bounded: at most `perRoom` messages per
 * room and `rooms` rooms (least recently used forgotten). Not guaranteed: survival across a restart
 * (it is memory only); callers fall back to asking the homeserver for an event they cannot find.
 */
export class MessageLog {
  private readonly logs: Lru<string, RoomLog>;

  constructor(
    private readonly perRoom = 500,
    rooms = 5000,
  ) {
    this.logs = new Lru(rooms);
  }

  /** Lookups waiting for a msgid to be logged ("room\0msgid"): each bounded in time (whenLogged), at most MAX_WAITERS. */
  private readonly waiting = new Map<string, ((logged: LoggedMessage | undefined) => void)[]>();
  private waiters = 0;
  /** Per room, how many Matrix users' messages were said on IRC and wait for their echo (and so their msgid). */
  private readonly echoes = new Map<string, number>();

  /**
   * A Matrix user's message in the room was said on IRC and is logged once its echo (its msgid)
   * comes back: until the returned release is called (after that record, or on failure), lookups in
   * the room may wait for it (whenEchoed). The release is idempotent.
   */
  expectEcho(roomId: string): () => void {
    this.echoes.set(roomId, (this.echoes.get(roomId) ?? 0) + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.echoes.get(roomId) ?? 1) - 1;
      if (left > 0) {
        this.echoes.set(roomId, left);
        return;
      }
      this.echoes.delete(roomId);
      // Nothing more can be logged by an echo: lookups in this room stop waiting (none waiting: nothing to scan).
      if (this.waiters === 0) return;
      const prefix = `${roomId}\0`;
      for (const [key, list] of [...this.waiting]) if (key.startsWith(prefix)) for (const wake of list) wake(undefined);
    };
  }

  /**
   * The message a msgid names in the room: at once when it is logged, or when no Matrix user's
   * message in the room waits for its echo (then it will not be); else as soon as it is logged,
   * or undefined once the last echo the room waits for came and did not name it, or after
   * `timeoutMs`. A message from IRC answering a Matrix user's message that IRC has relayed to
   * others before echoing it to the sender finds it this way, and a flood of unknown msgids waits
   * for nothing when nothing is on its way.
   */
  whenEchoed(roomId: string, msgid: string, timeoutMs: number): Promise<LoggedMessage | undefined> {
    const found = this.byMsgid(roomId, msgid);
    if (found !== undefined || !this.echoes.has(roomId)) return Promise.resolve(found);
    return this.whenLogged(roomId, msgid, timeoutMs);
  }

  /**
   * The message a msgid names in a room, as soon as it is logged, or undefined after `timeoutMs`
   * (at once when it is already logged). A Matrix user's message is logged when its echo comes
   * back, and a server may relay it to others first: an IRC reaction to it can arrive before it.
   */
  whenLogged(roomId: string, msgid: string, timeoutMs: number): Promise<LoggedMessage | undefined> {
    const found = this.byMsgid(roomId, msgid);
    if (found !== undefined || timeoutMs <= 0 || this.waiters >= MAX_WAITERS) return Promise.resolve(found);
    const key = `${roomId}\0${msgid}`;
    return new Promise((resolve) => {
      this.waiters++;
      let settled = false;
      const done = (logged: LoggedMessage | undefined) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        this.waiters--;
        const list = this.waiting.get(key)?.filter((w) => w !== done);
        if (list === undefined || list.length === 0) this.waiting.delete(key);
        else this.waiting.set(key, list);
        resolve(logged);
      };
      const timer = setTimeout(() => done(undefined), timeoutMs);
      this.waiting.set(key, [...(this.waiting.get(key) ?? []), done]);
    });
  }

  record(message: Omit<LoggedMessage, "position">): LoggedMessage {
    let log = this.logs.get(message.roomId);
    if (log === undefined) {
      log = { next: 1, byEvent: new Map(), byMsgid: new Map() };
      this.logs.set(message.roomId, log);
    }
    const logged: LoggedMessage = { ...message, position: log.next++ };
    log.byEvent.set(logged.eventId, logged);
    if (logged.msgid !== undefined) log.byMsgid.set(logged.msgid, logged);
    while (log.byEvent.size > this.perRoom) {
      const oldest = log.byEvent.values().next();
      if (oldest.done === true) break;
      log.byEvent.delete(oldest.value.eventId);
      if (oldest.value.msgid !== undefined && log.byMsgid.get(oldest.value.msgid) === oldest.value) log.byMsgid.delete(oldest.value.msgid);
    }
    if (logged.msgid !== undefined) for (const wake of this.waiting.get(`${logged.roomId}\0${logged.msgid}`) ?? []) wake(logged);
    return logged;
  }

  byEvent(roomId: string, eventId: string): LoggedMessage | undefined {
    return this.logs.get(roomId)?.byEvent.get(eventId);
  }

  byMsgid(roomId: string, msgid: string): LoggedMessage | undefined {
    return this.logs.get(roomId)?.byMsgid.get(msgid);
  }

  /**
   * An edit of a logged message: its text becomes the corrected one (the next edit is compared with
   * it), in the same room only; its position and ids stay. Returns the revised message, or undefined
   * when the room's log does not hold it.
   */
  revise(roomId: string, eventId: string, text: string): LoggedMessage | undefined {
    const log = this.logs.get(roomId);
    const old = log?.byEvent.get(eventId);
    if (log === undefined || old === undefined) return undefined;
    const revised: LoggedMessage = { ...old, text };
    log.byEvent.set(eventId, revised);
    if (revised.msgid !== undefined && log.byMsgid.get(revised.msgid) === old) log.byMsgid.set(revised.msgid, revised);
    return revised;
  }

  /** How many messages were logged in the room after this one (0: it is the last). */
  after(message: LoggedMessage): number {
    const log = this.logs.get(message.roomId);
    return log === undefined ? 0 : log.next - 1 - message.position;
  }
}
