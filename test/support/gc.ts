import { getHeapStatistics, setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

setFlagsFromString("--expose-gc");
const gc: unknown = runInNewContext("gc");

/** A full garbage collection now (V8 keeps a WeakRef's target alive through the turn that made it: await a turn first for those). */
export function collectGarbage(): void {
  if (typeof gc !== "function") throw new Error("no gc");
  Reflect.apply(gc, undefined, []);
}

/** The V8 heap in use after a full garbage collection, in bytes. */
export function heapAfterGc(): number {
  collectGarbage();
  return getHeapStatistics().used_heap_size;
}
