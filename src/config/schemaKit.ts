/**
 * A tiny schema language: one description of the config gives its TypeScript type (`Infer`), its
 * defaults, its validation (with the exact failing key path) and the generated sample file.
 * Nothing else in the project describes config keys, so the four cannot disagree.
 */

export type Presence = "required" | "default" | "optional";

interface LeafBase<T, P extends Presence> {
  readonly kind: "leaf";
  readonly doc: string;
  readonly presence: P;
  /** Value used when the key is absent (presence "default"). */
  readonly default?: T;
  /** Value shown in the sample for required or optional keys. */
  readonly example?: T;
  /** Human description of what is accepted, used in error messages. */
  readonly expected: string;
  /** Returns undefined when the value is acceptable. The value has already passed the type test. */
  readonly accepts: (value: unknown) => value is T;
  readonly refine?: (value: T) => string | undefined;
  /** A secret (a password, a key): an error about it never shows its value. */
  readonly secret?: boolean;
  /** Phantom field that carries the value type for `Infer`. */
  readonly __type?: T;
}

export type Leaf<T, P extends Presence = Presence> = LeafBase<T, P>;

export interface ObjectNode<F extends Fields = Fields> {
  readonly kind: "object";
  readonly doc: string;
  readonly fields: F;
}

export interface ListNode<I extends Node = Node> {
  readonly kind: "list";
  readonly doc: string;
  readonly item: I;
  readonly minItems: number;
  /** Items shown in the sample (and the default when minItems is 0 and the key is absent: empty). */
  readonly example: readonly unknown[];
}

export interface MapNode<V extends Node = Node> {
  readonly kind: "map";
  readonly doc: string;
  readonly keyExpected: string;
  readonly keyAccepts: (key: string) => boolean;
  readonly value: V;
  readonly example: Readonly<Record<string, unknown>>;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the leaf's value type is erased here on purpose
export type Node = Leaf<any> | ObjectNode | ListNode | MapNode;
export type Fields = Readonly<Record<string, Node>>;

export type Infer<N> =
  N extends Leaf<infer T, infer P>
    ? P extends "optional"
      ? T | undefined
      : T
    : N extends ObjectNode<infer F>
      ? { readonly [K in keyof F]: Infer<F[K]> }
      : N extends ListNode<infer I>
        ? readonly Infer<I>[]
        : N extends MapNode<infer V>
          ? Readonly<Record<string, Infer<V>>>
          : never;

interface LeafOptions<T> {
  readonly refine?: (value: T) => string | undefined;
  /** A secret: errors name its type, never its value. */
  readonly secret?: boolean;
}

function leaf<T>(
  expected: string,
  accepts: (value: unknown) => value is T,
): {
  required(doc: string, example: T, opts?: LeafOptions<T>): Leaf<T, "required">;
  withDefault(doc: string, value: T, opts?: LeafOptions<T>): Leaf<T, "default">;
  optional(doc: string, example: T, opts?: LeafOptions<T>): Leaf<T, "optional">;
} {
  return {
    required: (doc, example, opts) => ({ kind: "leaf", doc, presence: "required", example, expected, accepts, ...opts }),
    withDefault: (doc, value, opts) => ({ kind: "leaf", doc, presence: "default", default: value, expected, accepts, ...opts }),
    optional: (doc, example, opts) => ({ kind: "leaf", doc, presence: "optional", example, expected, accepts, ...opts }),
  };
}

const isString = (v: unknown): v is string => typeof v === "string";
const isBoolean = (v: unknown): v is boolean => typeof v === "boolean";

export const str = leaf("a string", isString);
export const bool = leaf("true or false", isBoolean);

export function int(min: number, max: number): ReturnType<typeof leaf<number>> {
  return leaf(`an integer from ${min} to ${max}`, (v: unknown): v is number => Number.isInteger(v) && (v as number) >= min && (v as number) <= max);
}

export function num(min: number, max: number): ReturnType<typeof leaf<number>> {
  return leaf(`a number from ${min} to ${max}`, (v: unknown): v is number => typeof v === "number" && Number.isFinite(v) && v >= min && v <= max);
}

export function oneOf<const V extends readonly string[]>(values: V): ReturnType<typeof leaf<V[number]>> {
  return leaf(`one of ${values.map((v) => JSON.stringify(v)).join(", ")}`, (v: unknown): v is V[number] => typeof v === "string" && values.includes(v));
}

export function stringList(itemExpected = "strings"): ReturnType<typeof leaf<readonly string[]>> {
  return leaf(`a list of ${itemExpected}`, (v: unknown): v is readonly string[] => Array.isArray(v) && v.every(isString));
}

export function obj<F extends Fields>(doc: string, fields: F): ObjectNode<F> {
  return { kind: "object", doc, fields };
}

export function list<I extends Node>(doc: string, item: I, opts: { minItems?: number; example: readonly unknown[] }): ListNode<I> {
  return { kind: "list", doc, item, minItems: opts.minItems ?? 0, example: opts.example };
}

export function map<V extends Node>(
  doc: string,
  key: { expected: string; accepts: (key: string) => boolean },
  value: V,
  example: Readonly<Record<string, unknown>>,
): MapNode<V> {
  return { kind: "map", doc, keyExpected: key.expected, keyAccepts: key.accepts, value, example };
}
