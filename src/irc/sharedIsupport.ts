/**
 * irc-framework keeps each client's ISUPPORT (RPL_ISUPPORT, 005) in an object of its own, with a
 * property per token: ~30 tokens, kept in a dictionary of about 1.6 KiB plus the values' strings
 * and lists, per connection (issue 14's heap breakdown, "Object . properties"). Every connection
 * to one server hears the same tokens. After each 005 a connection's table is replaced by an empty
 * object whose prototype is one table shared by every connection that heard the same
 * tokens: irc-framework reads tokens by name (through the prototype); a later 005 writes its
 * tokens on the connection's own object, which shadows the shared table until the next sharing.
 *
 * Guarantees:
 * - Reading any token through `options[NAME]` (irc-framework's `supports()`, its handlers, the
 *   bridge's `isupport`) gives the same value after sharing as before it.
 * - A shared table is never written through a connection: an assignment to a token lands on the
 *   connection's own object (the table's tokens stay writable for that: JavaScript refuses to
 *   shadow a read-only inherited property), no token can be added to it, and its values (lists,
 *   PREFIX's pairs) are frozen. What a connection hears later is its own until it is shared
 *   again, so no connection sees another's tokens.
 * - At most MAX_TABLES tables are kept (a server that sends different tokens to each connection
 *   would otherwise grow the cache without end); past that the least recently shared one is
 *   forgotten: the connections over it keep it, a later connection that hears its tokens gets a
 *   new one. (Each 005 line that changes a token makes a table of the tokens so far, so a server
 *   of three 005 lines keeps three; the same lines heard again, as a VERSION answers, make none.)
 */

/** Distinct tables kept: a server makes one per 005 line it sends (the tokens so far), a network a few per server. */
const MAX_TABLES = 64;

type Table = Readonly<Record<string, unknown>>;

const tables = new Map<string, Table>();

/** irc-framework's ISUPPORT holder (client.network). */
export interface IsupportHolder {
  options: Record<string, unknown>;
}

/** Each shared table's key: what the tables it was made of heard that changed them, in order (see changedTokens). */
const keys = new WeakMap<Table, string>();

/** Replaces the holder's table by an empty one over the shared table with the same tokens and values. */
export function shareIsupport(network: IsupportHolder): void {
  // The shared table under this one, if it is one, and its key.
  const proto = Object.getPrototypeOf(network.options) as Table | null;
  const under = proto !== null && keys.has(proto) ? proto : undefined;
  const base = under === undefined ? undefined : keys.get(under);
  const changed = changedTokens(network.options, under);
  // The same 005 lines again (a VERSION answers with them): the table underneath is this one.
  const key = base === undefined ? changed : changed === NOTHING ? base : `${base}\u0000${changed}`;
  let shared = tables.get(key) ?? (key === base ? under : undefined);
  if (shared === undefined) {
    const flat: Record<string, unknown> = {};
    // for-in: the object's own tokens and those of the table under it, each once (own ones shadow).
    for (const name in network.options) flat[name] = network.options[name];
    for (const value of Object.values(flat)) deepFreeze(value);
    shared = Object.preventExtensions(flat);
    keys.set(shared, key);
    // The Map keeps insertion order: its first key is the least recently shared table.
    const oldest = tables.size >= MAX_TABLES ? tables.keys().next().value : undefined;
    if (oldest !== undefined) tables.delete(oldest);
  } else tables.delete(key);
  tables.set(key, shared);
  network.options = Object.create(shared) as Record<string, unknown>;
}

const NOTHING = "[]";

/**
 * The part of a table's key that is its own: the tokens set on it that the shared table under it
 * (if any) does not already hold with the same value, in the order they were set, each with its
 * whole value (strings, true, lists, PREFIX's {symbol, mode} pairs). A table's key is the key of the
 * table under it (none for irc-framework's own first table), a NUL, then this: only the latest 005
 * line's tokens are serialized, not the whole table again, and tables with the same key hold the
 * same tokens and values. JSON never holds a raw NUL, so the parts cannot run into each other.
 */
function changedTokens(options: Record<string, unknown>, under: Table | undefined): string {
  const own: [string, unknown][] = [];
  for (const name of Object.keys(options)) {
    const value = options[name];
    if (under !== undefined && Object.hasOwn(under, name) && JSON.stringify(under[name]) === JSON.stringify(value)) continue;
    own.push([name, value]);
  }
  return JSON.stringify(own);
}

/** How many shared tables are kept (for tests). */
export function sharedIsupportTables(): number {
  return tables.size;
}

function deepFreeze(value: unknown): void {
  if (typeof value !== "object" || value === null || Object.isFrozen(value)) return;
  for (const inner of Object.values(value)) deepFreeze(inner);
  Object.freeze(value);
}
