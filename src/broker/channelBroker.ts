/**
 * The event broker: delivers each IRC channel event to Matrix exactly once, in order, although
 * every one of the bridge's connections in the channel hears it.
 *
 * How: every connection reports every channel event it hears (`heard`), tagged with a dedupe key
 * (the IRCv3 msgid when the server sends one, else server-time + sender + a hash of the content;
 * see dedupeKey.ts). Per channel one connection is the reader (the IRC bot connection when it is
 * there, else the member that joined first). An event the reader hears is delivered at once. An
 * event heard only by other members waits: if the reader does not hear it within `graceMs` (its
 * socket died silently, or it is lagging) it is delivered anyway. When the reader leaves (part,
 * kick, quit, socket drop) the next member becomes reader and every undelivered event is delivered.
 *
 * Guarantees, per channel:
 * - At most once: a key is delivered once within `windowMs` (entries are remembered that long,
 *   also once the last member has left: a connection whose JOIN was on its way then hears again
 *   what was delivered after it).
 * - No loss on handover: an event heard by any member that is still in the channel is delivered,
 *   at the latest `graceMs` after it was first heard, whoever is reader by then.
 * - Order: the reader's order. An event the reader hears is delivered after every earlier
 *   undelivered event of that channel (in the order first heard by any member), except another
 *   member's own JOIN that the reader has not passed yet, and what that member heard first after
 *   it. A member's stream of the channel starts at its JOIN, so all of that is later than anything
 *   the reader has yet to hear: a connection that rejoins while the reader lags hears the next
 *   lines before the reader hears the one said just before the JOIN, and that one must still come
 *   first. The reader has passed the JOIN once it hears it, or a line the joiner heard first after it.
 *   Limits: a JOIN the reader never hears (an auditorium or delayed-join channel), and what the
 *   joiner heard first after it, wait until the reader hears a line the joiner heard first, or for
 *   the grace time, and may then come after later lines. A handover, and the grace timer, deliver
 *   what waits in the order first heard: a member that becomes reader may have skipped its copies
 *   unread (heardElsewhere.ts), so the broker cannot tell what it has passed; a connection that
 *   rejoined while the old reader lagged can then see its JOIN and lines come before a line said
 *   just before them.
 * - No awaiting: `deliver` is called synchronously; it must enqueue, not do I/O.
 * Not guaranteed: an event that no member heard (every connection was down) is not known here; the
 * gap is filled from chathistory, or announced, by the connection layer. Two events that share a
 * key (same server-time, sender and text, without msgid) within the window count as one.
 */
import type { Clock } from "../irc/pacedQueue";

export interface BrokerHooks<E> {
  deliver(channel: string, event: E): void;
  /** Counted in metrics: a reader change, a duplicate dropped, an event delivered by the grace rule. */
  onHandover?(channel: string, from: string | undefined, to: string | undefined): void;
  onDuplicate?(channel: string): void;
  onLateDelivery?(channel: string): void;
}

export interface BrokerSettings {
  readonly windowMs: number;
  readonly graceMs: number;
}

/** An entry's event once delivered: only its key is kept for the window, not the event's lines and tags. */
const DELIVERED: unique symbol = Symbol("delivered");

interface Entry<E> {
  readonly key: string;
  event: E | typeof DELIVERED;
  readonly firstHeardAt: number;
  /** The connection that heard it first. */
  readonly by: string;
  /** A member's own JOIN: the members whose stream of the channel starts here (one, or a few at most). */
  opens: string[] | undefined;
  delivered: boolean;
}

interface Member {
  readonly id: string;
  readonly preferred: boolean;
  readonly since: number;
}

class ChannelState<E> {
  /** In join order: `since` grows along the map (a member that leaves and joins again goes last). */
  readonly members = new Map<string, Member>();
  /** How many members are preferred (the IRC bot's connection), so a join needs no pass over the members. */
  preferred = 0;
  reader: string | undefined;
  /** Entries in the order first heard; delivered ones are kept for `windowMs` to drop duplicates. */
  readonly entries: Entry<E>[] = [];
  readonly byKey = new Map<string, Entry<E>>();
  timer: { cancel(): void } | undefined;
  /** With no member left: when its remembered keys leave the window and the channel is forgotten. */
  forget: { cancel(): void } | undefined;
}

export class ChannelBroker<E> {
  private readonly channels = new Map<string, ChannelState<E>>();
  /** Each connection's channels, so a connection's channels cost its own, not a pass over every channel. */
  private readonly byConnection = new Map<string, Set<string>>();
  private joinCounter = 0;

  constructor(
    private readonly settings: BrokerSettings,
    private readonly hooks: BrokerHooks<E>,
    private readonly clock: Clock,
  ) {}

  /**
   * A connection is now in the channel. `preferred` marks the IRC bot connection; `joinKey` is the
   * key under which its own JOIN was heard (see the order guarantee).
   */
  join(channel: string, connection: string, preferred = false, joinKey?: string): void {
    const state = this.state(channel);
    if (!state.members.has(connection)) {
      state.members.set(connection, { id: connection, preferred, since: this.joinCounter++ });
      const start = joinKey === undefined ? undefined : state.byKey.get(joinKey);
      if (start !== undefined && !start.delivered) (start.opens ??= []).push(connection);
      if (preferred) state.preferred++;
      let channels = this.byConnection.get(connection);
      if (channels === undefined) this.byConnection.set(connection, (channels = new Set<string>()));
      channels.add(channel);
    }
    this.elect(channel, state);
  }

  /** A connection left the channel (part, kick, quit) or lost its socket. */
  leave(channel: string, connection: string): void {
    const state = this.channels.get(channel);
    const member = state?.members.get(connection);
    if (state === undefined || member === undefined) return;
    state.members.delete(connection);
    if (member.preferred) state.preferred--;
    const channels = this.byConnection.get(connection);
    channels?.delete(channel);
    if (channels?.size === 0) this.byConnection.delete(connection);
    if (state.reader === connection) state.reader = undefined;
    this.elect(channel, state);
    if (state.members.size === 0 && state.entries.every((e) => e.delivered)) {
      state.timer?.cancel();
      state.timer = undefined;
      this.forgetLater(channel, state);
    }
  }

  /**
   * A channel with no member left keeps its keys until they leave the window, then is forgotten: a
   * connection whose JOIN was on its way while the last member left hears again what that member
   * delivered after the JOIN, and it must count as a duplicate.
   */
  private forgetLater(channel: string, state: ChannelState<E>): void {
    this.prune(channel, state);
    const oldest = state.entries[0];
    if (oldest === undefined || state.members.size > 0 || state.forget !== undefined) return;
    state.forget = this.clock.setTimeout(
      () => {
        state.forget = undefined;
        this.forgetLater(channel, state);
      },
      Math.max(0, oldest.firstHeardAt + this.settings.windowMs - this.clock.now()),
    );
  }

  /** A connection left every channel (its socket dropped). */
  leaveAll(connection: string): void {
    for (const channel of this.channelsOf(connection)) this.leave(channel, connection);
  }

  readerOf(channel: string): string | undefined {
    return this.channels.get(channel)?.reader;
  }

  /** How many of our connections are in the channel. */
  memberCount(channel: string): number {
    return this.channels.get(channel)?.members.size ?? 0;
  }

  /** Our connections in the channel (ids). */
  membersOf(channel: string): IterableIterator<string> {
    return (this.channels.get(channel)?.members ?? new Map<string, Member>()).keys();
  }

  isMember(channel: string, connection: string): boolean {
    return this.channels.get(channel)?.members.has(connection) ?? false;
  }

  /** Whether an event under this key was heard (delivered or waiting for the reader, and still remembered). */
  known(channel: string, key: string): boolean {
    return this.channels.get(channel)?.byKey.has(key) === true;
  }

  /** Channels this connection is a member of. */
  channelsOf(connection: string): string[] {
    return [...(this.byConnection.get(connection) ?? [])];
  }

  /** A connection heard a channel event. Returns true when this call delivered it. */
  heard(channel: string, connection: string, key: string, event: E): boolean {
    // Prune first: pruning forgets a channel with no member and nothing left, and the entry heard
    // now must go to the state that stays (else a memberless channel never dropped a repeat).
    const existing = this.channels.get(channel);
    if (existing !== undefined) this.prune(channel, existing);
    const state = this.state(channel);
    const known = state.byKey.get(key);
    if (known !== undefined) {
      if (known.delivered) {
        if (connection === state.reader) this.hooks.onDuplicate?.(channel);
        return false;
      }
      if (connection !== state.reader) return false;
      this.deliverThrough(channel, state, known, false, true);
      return true;
    }
    const entry: Entry<E> = { key, event, firstHeardAt: this.clock.now(), by: connection, opens: undefined, delivered: false };
    state.entries.push(entry);
    state.byKey.set(key, entry);
    // A channel with no member (the event came from a history fetch) has no reader to wait for.
    if (connection === state.reader || state.members.size === 0) {
      this.deliverThrough(channel, state, entry, false, connection === state.reader);
      return true;
    }
    this.schedule(channel, state);
    return false;
  }

  private state(channel: string): ChannelState<E> {
    let state = this.channels.get(channel);
    if (state === undefined) {
      state = new ChannelState<E>();
      this.channels.set(channel, state);
    }
    return state;
  }

  private elect(channel: string, state: ChannelState<E>): void {
    const current = state.reader === undefined ? undefined : state.members.get(state.reader);
    // The reader stays unless a preferred member is there and the reader is not one.
    if (current !== undefined && (current.preferred || state.preferred === 0)) return;
    const previous = state.reader;
    state.reader = this.candidate(state)?.id;
    if (previous !== state.reader) {
      this.hooks.onHandover?.(channel, previous, state.reader);
      // The new reader may have heard events the old one never delivered: deliver them now.
      if (state.reader !== undefined) this.deliverThrough(channel, state, undefined, true);
    }
  }

  /** The member that reads: the preferred one that joined first, else the member that joined first (members are in join order). */
  private candidate(state: ChannelState<E>): Member | undefined {
    let first: Member | undefined;
    for (const member of state.members.values()) {
      if (member.preferred || state.preferred === 0) return member;
      first ??= member;
    }
    return first;
  }

  /**
   * Delivers every undelivered entry up to and including `target` (all of them without one), in
   * first-heard order. For an event the reader heard (`forReader`), another member's undelivered own
   * JOIN that the reader has not passed, and what that member heard first after it, are left
   * waiting: they are later than anything the reader has yet to hear (see the order guarantee).
   */
  private deliverThrough(channel: string, state: ChannelState<E>, target: Entry<E> | undefined, late = false, forReader = false): void {
    let ahead: Set<string> | undefined;
    for (const entry of state.entries) {
      if (forReader && target !== undefined && !entry.delivered && entry !== target) {
        // A line the joiner heard first after its JOIN shows that the reader has passed the JOIN.
        if (entry.opens !== undefined && !entry.opens.includes(target.by)) {
          // What the joiners heard first after it is later still. (Whoever heard the JOIN first,
          // when another member, heard the reader's event before it: it was in the channel then.)
          ahead ??= new Set();
          for (const id of entry.opens) ahead.add(id);
          continue;
        }
        if (ahead?.has(entry.by) === true) continue;
      }
      if (!entry.delivered) {
        entry.delivered = true;
        const event = entry.event;
        entry.event = DELIVERED;
        if (late || entry !== target) this.hooks.onLateDelivery?.(channel);
        if (event !== DELIVERED) this.hooks.deliver(channel, event);
      }
      if (entry === target) break;
    }
  }

  private schedule(channel: string, state: ChannelState<E>): void {
    if (state.timer !== undefined) return;
    const oldest = state.entries.find((e) => !e.delivered);
    if (oldest === undefined) return;
    const wait = Math.max(0, oldest.firstHeardAt + this.settings.graceMs - this.clock.now());
    state.timer = this.clock.setTimeout(() => {
      state.timer = undefined;
      const now = this.clock.now();
      const due = [...state.entries].reverse().find((e) => !e.delivered && e.firstHeardAt + this.settings.graceMs <= now);
      if (due !== undefined) this.deliverThrough(channel, state, due, true);
      this.prune(channel, state);
      this.schedule(channel, state);
    }, wait);
  }

  private prune(channel: string, state: ChannelState<E>): void {
    const horizon = this.clock.now() - this.settings.windowMs;
    let drop = 0;
    while (drop < state.entries.length) {
      const entry = state.entries[drop];
      if (entry === undefined || !entry.delivered || entry.firstHeardAt > horizon) break;
      state.byKey.delete(entry.key);
      drop++;
    }
    if (drop > 0) state.entries.splice(0, drop);
    if (state.members.size === 0 && state.entries.length === 0) {
      state.timer?.cancel();
      state.forget?.cancel();
      this.channels.delete(channel);
    }
  }
}
