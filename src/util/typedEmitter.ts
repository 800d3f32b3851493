/**
 * A minimal event emitter whose event names and listener arguments are checked by the compiler.
 *
 * Cheap per connection and per event (every connection in a busy channel emits every line it hears):
 * an event's listeners are one array, replaced (never changed in place) when a listener is
 * added or removed, so `emit` iterates it without copying; a listener added or removed during an
 * emit takes effect from the next emit, as before.
 *
 * The arrays are properties of a plain object, not entries of a Map: emitters of one kind get their
 * listeners added in the same order (the bridge's wiring), so V8 gives their objects one shape and
 * each event costs one slot; a connection's ~30 events cost about 0.9 KiB as a Map's table (issue
 * 14's heap breakdown, "IrcConnection . listeners"). A removed event's slot is set to undefined,
 * never deleted (deleting would turn the object into a slower dictionary). Only the object's own
 * arrays count: an event named like a property of Object.prototype is no listener (and no
 * event is named `__proto__`: the names are the emitters' own, checked by the compiler).
 */
type Listeners = Record<string, readonly unknown[] | undefined>;

export class TypedEmitter<Events extends { [K in keyof Events & string]: (...args: never[]) => void }> {
  private readonly listeners: Listeners = {};

  on<K extends keyof Events & string>(event: K, listener: Events[K]): this {
    const list = this.listOf(event);
    if (list === undefined || !list.includes(listener)) this.listeners[event] = list === undefined ? [listener] : [...list, listener];
    return this;
  }

  off<K extends keyof Events & string>(event: K, listener: Events[K]): this {
    const list = this.listOf(event);
    if (list === undefined || !list.includes(listener)) return this;
    const rest = list.filter((l) => l !== listener);
    this.listeners[event] = rest.length === 0 ? undefined : rest;
    return this;
  }

  protected emit<K extends keyof Events & string>(event: K, ...args: Parameters<Events[K]>): void {
    const list = this.listOf(event);
    if (list === undefined) return;
    for (const listener of list) (listener as (...a: Parameters<Events[K]>) => void)(...args);
  }

  private listOf(event: string): readonly unknown[] | undefined {
    const list = this.listeners[event];
    return Array.isArray(list) ? list : undefined;
  }
}
