/**
 * A minimal event emitter whose event names and listener arguments are checked by the compiler.
 *
 * Cheap per connection and per event (every connection in a busy channel emits every line it hears):
 * an event's listeners are one array, replaced (never changed in place) when a listener is
 * added or removed, so `emit` iterates it without copying; a listener added or removed during an
 * emit takes effect from the next emit, as before.
 *
 * The arrays are kept in one plain array per emitter, at a slot per event name; the names' slots
 * are shared by all emitters of one class (each class has its own table of names). A connection's
 * ~30 events held a Map table of about 0.9 KiB each (issue 14's heap breakdown, "IrcConnection .
 * listeners"); an array of 30 slots is about 0.25 KiB. (A plain object with a property per event
 * was tried: V8 turns an object that gets more than a dozen properties by name at run time into a
 * dictionary, which took 1.6 KiB.) A slot holds its one listener itself, and an array only from
 * the second on: most of a connection's ~20 events have one listener, and an array of one was
 * about 60 bytes each (issue 14's heap breakdown, "Array . []" held by "IrcConnection . lists").
 * A slot whose last listener was removed holds undefined.
 *
 * A listener is a function, or a subscription (`subscribe`): a table of handlers, one per event,
 * shared by many emitters, and this emitter's state, handed to the handler with the event's
 * arguments. One small object serves all the events of the table, where a function per event would
 * be a closure each (issue 14's heap breakdown: a feed's 18 closures per connection). Listeners of
 * either kind are called in the order they were added.
 */
/** For each emitter class, its event names' slots. */
const slotTables = new WeakMap<object, Map<string, number>>();

/** Handlers of the events `K`, each given a subscriber's state and then the event's arguments. */
export type HandlerTable<Events, K extends keyof Events, S> = { readonly [P in K]: (state: S, ...args: Events[P] extends (...a: infer A) => void ? A : never) => void };

/** A subscription: a shared table of handlers (a HandlerTable) and one subscriber's state. */
class Subscription {
  constructor(
    readonly table: object,
    readonly state: unknown,
  ) {}
}

/** A listener: a function, or a subscription. Never an array, so a slot's one listener is told from its list. */
type Listener = ((...args: never[]) => void) | Subscription;

/** An event's listeners: none, its one listener, or its two or more in the order they were added. */
type Held = Listener | readonly Listener[] | undefined;

export class TypedEmitter<Events extends { [K in keyof Events & string]: (...args: never[]) => void }> {
  private readonly slotOf: Map<string, number>;
  /** Per event slot: its listeners, functions or subscriptions (see subscribe): one held as it is, more in an array. */
  private readonly lists: Held[] = [];

  constructor() {
    let table = slotTables.get(new.target);
    if (table === undefined) slotTables.set(new.target, (table = new Map<string, number>()));
    this.slotOf = table;
  }

  on<K extends keyof Events & string>(event: K, listener: Events[K]): this {
    this.add(event, listener);
    return this;
  }

  /** Listens to each of `events` with `table`'s handler of that name, given `state` first; after the listeners added before. */
  subscribe<K extends keyof Events & string, S>(table: HandlerTable<Events, K, S>, state: S, events: readonly K[]): this {
    const subscription = new Subscription(table, state);
    for (const event of events) this.add(event, subscription);
    return this;
  }

  private add(event: string, listener: Listener): void {
    let slot = this.slotOf.get(event);
    if (slot === undefined) this.slotOf.set(event, (slot = this.slotOf.size));
    const held = this.lists[slot];
    if (held === undefined) this.lists[slot] = listener;
    else if (isList(held)) {
      if (!held.includes(listener)) this.lists[slot] = [...held, listener];
    } else if (held !== listener) this.lists[slot] = [held, listener];
  }

  /** Listens to the next `event` only (unlike Node's, `off` with the listener given here does not remove it). */
  once<K extends keyof Events & string>(event: K, listener: Events[K]): this {
    const once = (...args: never[]): void => {
      this.remove(event, once);
      Reflect.apply(listener, undefined, args);
    };
    this.add(event, once);
    return this;
  }

  off<K extends keyof Events & string>(event: K, listener: Events[K]): this {
    this.remove(event, listener);
    return this;
  }

  /** Removes every listener of every event. */
  removeAllListeners(): this {
    this.lists.fill(undefined);
    return this;
  }

  private remove(event: string, listener: Listener): void {
    const slot = this.slotOf.get(event);
    if (slot === undefined) return;
    const held = this.lists[slot];
    if (held === listener) this.lists[slot] = undefined;
    else if (isList(held) && held.includes(listener)) {
      const rest = held.filter((l) => l !== listener);
      this.lists[slot] = rest.length === 1 ? rest[0] : rest;
    }
  }

  protected emit<K extends keyof Events & string>(event: K, ...args: Parameters<Events[K]>): void {
    const slot = this.slotOf.get(event);
    const held = slot === undefined ? undefined : this.lists[slot];
    if (held === undefined) return;
    if (!isList(held)) return this.call(held, event, args);
    for (const listener of held) this.call(listener, event, args);
  }

  /** Calls one listener with an event's arguments (a subscription's handler for the event, its state first). */
  private call<K extends keyof Events & string>(listener: Listener, event: K, args: Parameters<Events[K]>): void {
    if (listener instanceof Subscription) (listener.table as Record<K, (state: unknown, ...a: Parameters<Events[K]>) => void>)[event](listener.state, ...args);
    else (listener as (...a: Parameters<Events[K]>) => void)(...args);
  }
}

function isList(held: Held): held is readonly Listener[] {
  return Array.isArray(held);
}
