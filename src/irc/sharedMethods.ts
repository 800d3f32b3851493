/**
 * irc-framework builds some of a client's methods as closures on each client's own objects: its
 * NetworkInfo's eight (supports, isChannelName, timeToLocal...), its caps' `isEnabled`, and its WHOX
 * token's `next` and `validate`. One copy serves every client: here each such object is rebuilt
 * with the same data over a prototype that holds the methods. About 0.9 KiB of heap per connection
 * (issue 14's heap breakdown: "NetworkInfo . supports" and the rest, "Object . isEnabled",
 * "Object . next", "Object . validate").
 *
 * Guarantees:
 * - Every method answers as before. NetworkInfo's and the caps' are irc-framework's own functions,
 *   taken from a client that is never connected: each reads only `this`, and irc-framework calls
 *   each as a method (`network.supports(...)`, `cap.isEnabled(...)`). The WHOX token's are arrow
 *   functions over their own token, so they are written again here, reading `this`.
 * - The data is the same objects (the ISUPPORT table, the caps' lists and map, the time offsets),
 *   and the client and its command handler both hold the new NetworkInfo, as they held the old.
 * - An irc-framework whose client's objects hold other functions than those listed is refused,
 *   naming them (checked once, leanStructure.ts), rather than sharing a closure that may hold its
 *   own client's state.
 */
import { Client } from "irc-framework";

type Holder = Record<string, unknown>;

/** The functions irc-framework 4.14 puts on each client's objects, by object. */
const NETWORK_METHODS = ["timeToLocal", "timeToServer", "getServerTimeOffset", "addServerTimeOffset", "supports", "supportsTag", "isChannelName", "extractTargetGroup"];
const CAP_METHODS = ["isEnabled"];
const WHOX_METHODS = ["next", "validate"];

/** irc-framework's WHOX token (a counter of the WHO requests it sent, 1 to 999, and those still unanswered). */
interface WhoxToken {
  value: number;
  readonly requests: number[];
}

/** The WHOX token's methods as irc-framework 4.14 writes them (client.js, createStructure), over `this`. */
const WHOX_PROTO = {
  next(this: WhoxToken): number {
    if (this.value >= 999) this.value = 0;
    const token = ++this.value;
    this.requests.push(token);
    return token;
  },
  validate(this: WhoxToken, token: number): boolean {
    const idx = this.requests.indexOf(token);
    if (idx === -1) return false;
    this.requests.splice(idx, 1);
    return true;
  },
};

/** NetworkInfo's and the caps' methods, taken once from a client irc-framework built itself (checkMethods). */
export interface SharedMethods {
  readonly network: object;
  readonly cap: object;
}

function isHolder(v: unknown): v is Holder {
  return typeof v === "object" && v !== null;
}

function functionsOf(v: unknown): string[] {
  return isHolder(v) ? Object.keys(v).filter((key) => typeof v[key] === "function") : [];
}

/** Refuses a client whose objects' own functions are not the ones listed. */
export function check(who: string, v: unknown, expected: readonly string[]): void {
  const theirs = functionsOf(v);
  if (theirs.join() !== expected.join()) throw new Error(`irc-framework's client is not built as this bridge expects (its ${who} has the functions ${theirs.join(", ")} where ${expected.join(", ")} were expected): its version is not the one this bridge was written for`);
}

/** A prototype over `base` holding `template`'s functions `names`. */
function methodsOf(template: unknown, names: readonly string[], base: object | null): object {
  const proto: Holder = Object.create(base) as Holder;
  if (isHolder(template)) for (const name of names) proto[name] = template[name];
  return proto;
}

/**
 * Checks the functions on a client irc-framework built itself (every client is built by the same
 * code: the template's objects stand for all of them) and takes NetworkInfo's and the caps' methods from it.
 */
export function checkMethods(template: Client): SharedMethods {
  const network: unknown = template.network;
  const cap: unknown = isHolder(network) ? network.cap : undefined;
  check("NetworkInfo", network, NETWORK_METHODS);
  check("caps", cap, CAP_METHODS);
  check("WHOX token", Reflect.get(template, "whox_token"), WHOX_METHODS);
  return {
    network: methodsOf(network, NETWORK_METHODS, Object.getPrototypeOf(network) as object | null),
    cap: methodsOf(cap, CAP_METHODS, Object.prototype),
  };
}

/** `from`'s own data (not its functions) on a new object over `proto`, in the same order. */
function rebuilt(from: unknown, proto: object): Holder {
  const to: Holder = Object.create(proto) as Holder;
  if (!isHolder(from)) return to;
  for (const [key, value] of Object.entries(from)) if (typeof value !== "function") to[key] = value;
  return to;
}

/** A new NetworkInfo (with its caps), as irc-framework builds one, over the shared methods. */
export function leanNetwork(network: Client["network"], methods: SharedMethods): object {
  const lean = rebuilt(network, methods.network);
  lean.cap = rebuilt(network.cap, methods.cap);
  return lean;
}

/** A new WHOX token, as irc-framework starts one (no request sent yet), over the shared methods. */
export function newWhoxToken(): WhoxToken & typeof WHOX_PROTO {
  const proto: typeof WHOX_PROTO = Object.create(WHOX_PROTO) as typeof WHOX_PROTO;
  return Object.assign(proto, { value: 0, requests: new Array<number>() });
}
