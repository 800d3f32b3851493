/**
 * A minimal event emitter whose event names and listener arguments are checked by the compiler.
 *
 * Cheap per connection and per event (every connection in a busy channel emits every line it hears):
 * an event's listeners are one array, replaced (never changed in place) when a listener is
 * added or removed, so `emit` iterates it without copying; a listener added or removed during an
 * emit takes effect from the next emit, as before.
 */
export class TypedEmitter<Events extends { [K in keyof Events]: (...args: never[]) => void }> {
  private readonly listeners = new Map<keyof Events, readonly unknown[]>();

  on<K extends keyof Events>(event: K, listener: Events[K]): this {
    const list = this.listeners.get(event);
    if (list === undefined || !list.includes(listener)) this.listeners.set(event, list === undefined ? [listener] : [...list, listener]);
    return this;
  }

  off<K extends keyof Events>(event: K, listener: Events[K]): this {
    const list = this.listeners.get(event);
    if (list === undefined || !list.includes(listener)) return this;
    const rest = list.filter((l) => l !== listener);
    if (rest.length === 0) this.listeners.delete(event);
    else this.listeners.set(event, rest);
    return this;
  }

  protected emit<K extends keyof Events>(event: K, ...args: Parameters<Events[K]>): void {
    const list = this.listeners.get(event);
    if (list === undefined) return;
    for (const listener of list) (listener as (...a: Parameters<Events[K]>) => void)(...args);
  }
}
