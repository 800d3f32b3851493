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
 * dictionary, which took 1.6 KiB.) A slot whose last listener was removed holds undefined.
 *
 * A listener is a function, or an object whose method named after the event is called (`subscribe`):
 * one object serves all the events it has a method for, where a function per event would be a
 * closure each (issue 14's heap breakdown: a feed's 18 closures per connection). Listeners of
 * either kind are called in the order they were added, the object's methods with `this` the object.
 */
/** For each emitter class, its event names' slots. */
const slotTables = new WeakMap<object, Map<string, number>>();

/** An object listening to the events `K` of an emitter: a method named after each, with the event's arguments. */
export type ListenerObject<Events, K extends keyof Events> = { readonly [P in K]: Events[P] };

export class TypedEmitter<Events extends { [K in keyof Events & string]: (...args: never[]) => void }> {
  private readonly slotOf: Map<string, number>;
  /** Per event slot: its listeners, functions or listener objects (see subscribe). */
  private readonly lists: (readonly unknown[] | undefined)[] = [];

  constructor() {
    let table = slotTables.get(new.target);
    if (table === undefined) slotTables.set(new.target, (table = new Map<string, number>()));
    this.slotOf = table;
  }

  on<K extends keyof Events & string>(event: K, listener: Events[K]): this {
    this.add(event, listener);
    return this;
  }

  /** Adds `target` as a listener of each of `events`: its method of the event's name is called, after the listeners added before. */
  subscribe<K extends keyof Events & string>(target: ListenerObject<Events, K>, events: readonly K[]): this {
    for (const event of events) this.add(event, target);
    return this;
  }

  private add(event: string, listener: unknown): void {
    let slot = this.slotOf.get(event);
    if (slot === undefined) this.slotOf.set(event, (slot = this.slotOf.size));
    const list = this.lists[slot];
    if (list === undefined || !list.includes(listener)) this.lists[slot] = list === undefined ? [listener] : [...list, listener];
  }

  off<K extends keyof Events & string>(event: K, listener: Events[K]): this {
    const slot = this.slotOf.get(event);
    const list = this.listAt(slot);
    if (slot === undefined || list === undefined || !list.includes(listener)) return this;
    const rest = list.filter((l) => l !== listener);
    this.lists[slot] = rest.length === 0 ? undefined : rest;
    return this;
  }

  protected emit<K extends keyof Events & string>(event: K, ...args: Parameters<Events[K]>): void {
    const list = this.listAt(this.slotOf.get(event));
    if (list === undefined) return;
    for (const listener of list) {
      if (typeof listener === "function") (listener as (...a: Parameters<Events[K]>) => void)(...args);
      else (listener as Record<K, (...a: Parameters<Events[K]>) => void>)[event](...args);
    }
  }

  private listAt(slot: number | undefined): readonly unknown[] | undefined {
    return slot === undefined ? undefined : this.lists[slot];
  }
}
