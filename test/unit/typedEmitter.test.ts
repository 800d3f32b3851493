import { test } from "node:test";
import assert from "node:assert/strict";
import { TypedEmitter, type HandlerTable } from "../../src/util/typedEmitter";

interface Events {
  ping: (n: number) => void;
}

class Emitter extends TypedEmitter<Events> {
  fire(n: number): void {
    this.emit("ping", n);
  }
}

test("listeners run in the order added, once each even when added twice", () => {
  const e = new Emitter();
  const seen: string[] = [];
  const a = (n: number) => seen.push(`a${n}`);
  e.on("ping", a).on("ping", (n) => seen.push(`b${n}`)).on("ping", a);
  e.fire(1);
  assert.deepEqual(seen, ["a1", "b1"]);
});

test("a listener added or removed during an emit takes effect from the next emit", () => {
  const e = new Emitter();
  const seen: string[] = [];
  const late = (n: number) => seen.push(`late${n}`);
  const second = (n: number) => seen.push(`second${n}`);
  e.on("ping", (n) => {
    seen.push(`first${n}`);
    if (n === 1) {
      e.on("ping", late);
      e.off("ping", second);
    }
  });
  e.on("ping", second);
  e.fire(1);
  e.fire(2);
  assert.deepEqual(seen, ["first1", "second1", "first2", "late2"]);
});

test("off removes only that listener; the last one removed leaves nothing to call", () => {
  const e = new Emitter();
  const seen: number[] = [];
  const a = (n: number) => seen.push(n);
  const b = (n: number) => seen.push(n * 10);
  e.on("ping", a).on("ping", b).off("ping", a);
  e.fire(1);
  e.off("ping", b).off("ping", b);
  e.fire(2);
  assert.deepEqual(seen, [10]);
});

test("an event named like a property of Object.prototype has no listener until one is added", () => {
  interface Named {
    toString: (s: string) => void;
    constructor: (s: string) => void;
  }
  class NamedEmitter extends TypedEmitter<Named> {
    fire(event: keyof Named, s: string): void {
      this.emit(event, s);
    }
  }
  const e = new NamedEmitter();
  const seen: string[] = [];
  e.fire("toString", "none yet");
  e.fire("constructor", "none yet");
  e.on("toString", (s) => seen.push(`toString ${s}`));
  e.fire("toString", "one");
  e.fire("constructor", "still none");
  assert.deepEqual(seen, ["toString one"]);
});

test("emitters of two classes, and two emitters of one class wired in other orders, each call only their own listeners", () => {
  interface Two {
    a: (s: string) => void;
    b: (s: string) => void;
  }
  // Each call makes a class of its own, with a table of event names of its own.
  const emitterClass = () =>
    class extends TypedEmitter<Two> {
      fire(event: keyof Two, s: string): void {
        this.emit(event, s);
      }
    };
  const One = emitterClass();
  const Other = emitterClass();
  const seen: string[] = [];
  const first = new One().on("a", (s) => seen.push(`first a ${s}`)).on("b", (s) => seen.push(`first b ${s}`));
  const second = new One().on("b", (s) => seen.push(`second b ${s}`));
  const other = new Other().on("b", (s) => seen.push(`other b ${s}`)).on("a", (s) => seen.push(`other a ${s}`));
  for (const e of [first, second, other]) {
    e.fire("a", "1");
    e.fire("b", "2");
  }
  assert.deepEqual(seen, ["first a 1", "first b 2", "second b 2", "other a 1", "other b 2"]);
});

interface TwoEvents {
  ping: (n: number) => void;
  pong: (word: string) => void;
  other: () => void;
}

class TwoEmitter extends TypedEmitter<TwoEvents> {
  fire<K extends keyof TwoEvents>(event: K, ...args: Parameters<TwoEvents[K]>): void {
    this.emit(event, ...args);
  }
}

/** A table of handlers shared by subscribers; each gets its subscriber's state first. */
const recorder: HandlerTable<TwoEvents, "ping" | "pong" | "other", { readonly name: string; readonly seen: string[] }> = {
  ping: ({ name, seen }, n) => seen.push(`${name} ping ${n}`),
  pong: ({ name, seen }, word) => seen.push(`${name} pong ${word}`),
  other: ({ name, seen }) => seen.push(`${name} other`),
};

test("a subscription's handlers hear the events subscribed to, with its state, in order with function listeners", () => {
  const e = new TwoEmitter();
  const seen: string[] = [];
  e.on("ping", (n) => seen.push(`before ${n}`));
  e.subscribe(recorder, { name: "r", seen }, ["ping", "pong"]);
  e.on("ping", (n) => seen.push(`after ${n}`));
  e.subscribe(recorder, { name: "s", seen }, ["ping"]);
  e.fire("ping", 1);
  e.fire("pong", "hi");
  e.fire("other");
  assert.deepEqual(seen, ["before 1", "r ping 1", "after 1", "s ping 1", "r pong hi"]);
});

test("a slot's one listener is held as it is: a second is added after it, the first added twice stays one, and removing down to one or none keeps the rest", () => {
  const e = new Emitter();
  const seen: string[] = [];
  const a = (n: number) => seen.push(`a${n}`);
  const b = (n: number) => seen.push(`b${n}`);
  const c = (n: number) => seen.push(`c${n}`);
  const noArray = () => !(Reflect.get(e, "lists") as unknown[]).some((held) => Array.isArray(held));
  e.on("ping", a).on("ping", a);
  assert.ok(noArray(), "one listener, held without an array");
  e.fire(1);
  e.off("ping", b); // not a listener: nothing changes
  e.fire(2);
  e.on("ping", b).on("ping", c).off("ping", a);
  e.fire(3);
  e.off("ping", c);
  assert.ok(noArray(), "one listener left, held without an array");
  e.fire(4);
  e.on("ping", a);
  e.fire(5);
  e.off("ping", b).off("ping", a);
  e.fire(6);
  assert.deepEqual(seen, ["a1", "a2", "b3", "c3", "b4", "b5", "a5"]);
  // A listener added while the one listener runs is heard from the next emit.
  const f = new Emitter();
  const heard: string[] = [];
  f.on("ping", (n) => {
    heard.push(`x${n}`);
    if (n === 1) f.on("ping", (m) => heard.push(`y${m}`));
  });
  f.fire(1);
  f.fire(2);
  assert.deepEqual(heard, ["x1", "x2", "y2"]);
});

test("once: the next emit only, in its place among the listeners; removeAllListeners: none left", () => {
  const e = new Emitter();
  const seen: string[] = [];
  e.on("ping", (n) => seen.push(`a${n}`));
  e.once("ping", (n) => seen.push(`once${n}`));
  e.on("ping", (n) => seen.push(`b${n}`));
  e.fire(1);
  e.fire(2);
  assert.deepEqual(seen, ["a1", "once1", "b1", "a2", "b2"]);
  e.removeAllListeners();
  e.fire(3);
  assert.deepEqual(seen, ["a1", "once1", "b1", "a2", "b2"]);
  e.on("ping", (n) => seen.push(`c${n}`));
  e.fire(4);
  assert.deepEqual(seen.at(-1), "c4", "listeners added after work");
});
