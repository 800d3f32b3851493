/**
 * Subscriptions to moderation policy lists (`access.banLists.rooms`): the bridge bot joins each list
 * room, reads its whole state once, then follows it through the events the homeserver sends the
 * bridge (src/fromMatrix/router.ts hands them to `apply`).
 *
 * Guarantees: a list's rules are its room's current state: the read state, then every rule event
 * and redaction that arrived since, in order (events that arrive while the state is being read are
 * held and applied after it, so none is lost to the read). Whenever a ban is added, `banned` is
 * called so the connections of users it now covers are closed. A list that cannot be joined or read
 * (the homeserver is down, the bot is not invited) is retried every `retryMs` until it can; the
 * bridge works meanwhile, without that list's bans (logged as a warning). Not guaranteed: bans of
 * a list room the bot was removed from stay as they were last seen.
 */
import { errorText } from "../errors";
import type { MatrixEvent } from "../matrix/events";
import type { Logger } from "../observability/logger";
import type { BanSource } from "./accessPolicy";
import { readRule, redactedEventId, type PolicyRule } from "./policyRules";
import { RuleBook } from "./ruleBook";

/** The Matrix calls the subscriptions need (MatrixApi). */
export interface ListRoomsApi {
  /** Joins (or is already in) the room; its room id. */
  join(roomIdOrAlias: string, as: string): Promise<string>;
  /** Every current state event of the room. */
  roomState(roomId: string, as: string): Promise<MatrixEvent[]>;
}

export interface BanListsDeps {
  readonly api: ListRoomsApi;
  readonly botUserId: string;
  /** The configured list rooms: ids or aliases. */
  readonly lists: readonly string[];
  readonly log: Logger;
  readonly retryMs?: number;
}

export class BanLists implements BanSource {
  readonly book = new RuleBook();
  /** List room id -> the name the config gave it (shown to users). */
  private readonly names = new Map<string, string>();
  /** Rooms whose state is being read: the events that arrived meanwhile, applied after. */
  private readonly held = new Map<string, MatrixEvent[]>();
  private readonly listeners: (() => void)[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private stopped = false;

  constructor(private readonly deps: BanListsDeps) {}

  /** Called whenever a ban was added (after the first read of a list, and on each new rule). */
  onBanned(listener: () => void): void {
    this.listeners.push(listener);
  }

  /** Joins and reads every list once; a list that fails is retried in the background. */
  async start(): Promise<void> {
    await Promise.all(this.deps.lists.map((list) => this.subscribe(list)));
  }

  stop(): void {
    this.stopped = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  isListRoom(roomId: string): boolean {
    return this.names.has(roomId);
  }

  /** A rule event or a redaction in a list room, from a transaction. */
  apply(event: MatrixEvent): void {
    const roomId = event.room_id;
    if (roomId === undefined || !this.names.has(roomId)) return;
    const held = this.held.get(roomId);
    if (held !== undefined) {
      held.push(event);
      return;
    }
    if (this.update(roomId, event)) this.banned();
  }

  match(userId: string): PolicyRule | undefined {
    return this.book.match(userId);
  }

  listName(roomId: string): string {
    return this.names.get(roomId) ?? roomId;
  }

  private async subscribe(list: string): Promise<void> {
    const { api, botUserId, log } = this.deps;
    let roomId: string | undefined;
    try {
      roomId = await api.join(list, botUserId);
      this.names.set(roomId, list);
      this.held.set(roomId, []);
      const state = await api.roomState(roomId, botUserId);
      const id = roomId;
      const rules = state.flatMap((event) => {
        const read = readRule(id, event);
        return read === undefined ? [] : [{ ...read, eventId: event.event_id }];
      });
      let added = this.book.replaceList(roomId, rules).added;
      for (const event of this.held.get(roomId) ?? []) added = this.update(roomId, event) || added;
      this.held.delete(roomId);
      log.info("subscribed to a ban list", { list, room: roomId, rules: rules.filter((r) => r.rule !== undefined).length });
      if (added) this.banned();
    } catch (err) {
      // Events held for a read that failed are not lost: the next read's state includes them.
      if (roomId !== undefined) this.held.delete(roomId);
      const retryMs = this.deps.retryMs ?? 60000;
      log.warn("cannot read a ban list; its bans do not apply until it can be read", { list, error: errorText(err), retrySeconds: retryMs / 1000 });
      if (this.stopped) return;
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        void this.subscribe(list);
      }, retryMs);
      timer.unref();
      this.timers.add(timer);
    }
  }

  /** Applies one event to the book; true when it added a ban. */
  private update(roomId: string, event: MatrixEvent): boolean {
    const redacted = redactedEventId(event);
    if (redacted !== undefined) {
      this.book.redact(redacted);
      return false;
    }
    const read = readRule(roomId, event);
    return read === undefined ? false : this.book.set(read.slot, read.rule, event.event_id).added;
  }

  private banned(): void {
    for (const listener of this.listeners) listener();
  }
}
