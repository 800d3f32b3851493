/**
 * A Map that holds no hash table while it is empty: the table is made at its first entry and
 * dropped when its last entry leaves (or at `clear`).
 *
 * Why: each connection has several maps that are empty nearly all the time (JOINs waiting for
 * their answer, lines waiting for their echo, typing notices, multi-line batches, request
 * batches). An empty V8 Map costs about 180 bytes (the Map and a table of 4 entries); this costs
 * one small object until something is put in it (issue 14's heap breakdown, "Map . table").
 *
 * Iterators (`keys`, `values`) are those of the table at the time they were asked for (of one
 * shared empty Map while there is none):
 * an entry set after the map was emptied during that iteration is not visited (a plain Map would
 * visit it). Its users delete or clear while iterating, never set.
 */
/** What an empty SparseMap iterates: never written to. */
const EMPTY: ReadonlyMap<never, never> = new Map<never, never>();

export class SparseMap<K, V> {
  private map: Map<K, V> | undefined;

  get size(): number {
    return this.map?.size ?? 0;
  }

  get(key: K): V | undefined {
    return this.map?.get(key);
  }

  has(key: K): boolean {
    return this.map?.has(key) ?? false;
  }

  set(key: K, value: V): this {
    (this.map ??= new Map()).set(key, value);
    return this;
  }

  delete(key: K): boolean {
    const map = this.map;
    if (map === undefined || !map.delete(key)) return false;
    if (map.size === 0) this.map = undefined;
    return true;
  }

  clear(): void {
    this.map = undefined;
  }

  keys(): ReturnType<Map<K, V>["keys"]> {
    return this.map?.keys() ?? EMPTY.keys();
  }

  values(): ReturnType<Map<K, V>["values"]> {
    return this.map?.values() ?? EMPTY.values();
  }
}
