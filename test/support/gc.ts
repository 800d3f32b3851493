import { getHeapStatistics, setFlagsFromString } from "node:v8";
import { runInNewContext, runInThisContext } from "node:vm";

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

setFlagsFromString("--allow-natives-syntax");
const fast: unknown = runInThisContext("(o) => %HasFastProperties(o)");

/** Whether V8 keeps the object's properties in its hidden class (false: a dictionary of its own). */
export function hasFastProperties(o: object): boolean {
  if (typeof fast !== "function") throw new Error("no natives");
  return Reflect.apply(fast, undefined, [o]) === true;
}
