/**
 * Strings kept from IRC lines for the life of a connection, made to hold nothing else alive.
 *
 * V8 makes a substring of 13 characters or more a view (a "sliced string") over the string it was
 * cut from: a value kept from a line keeps the whole line. A connection kept, this way, its
 * server's CAP LS line (512 bytes, through draft/multiline's value), its first RPL_ISUPPORT line
 * (through CHANMODES) and the echo of its JOIN (through its host): about 0.8 KiB per connection
 * (issue 14's heap breakdown, sliced strings by what holds them).
 *
 * - `detached(s)`: the same text in a string of its own.
 * - `shared(s)`: the same, one copy for every caller that keeps the same text (values every
 *   connection to a server hears alike: its name, its caps' values, its ISUPPORT tokens). At most
 *   MAX_SHARED texts are held; past that each caller gets a copy of its own, so a server that sends
 *   each connection something different cannot grow the table without end.
 */

/** Distinct texts held by `shared`: a network's servers' names, versions and tokens fit many times over. */
export const MAX_SHARED = 512;

const table = new Map<string, string>();

/** Shorter substrings are copied by V8 already (its SlicedString::kMinLength). */
const SLICED_FROM = 13;

export function detached(s: string): string {
  return s.length < SLICED_FROM ? s : Buffer.from(s, "utf8").toString("utf8");
}

export function shared(s: string): string {
  const known = table.get(s);
  if (known !== undefined) return known;
  const own = detached(s);
  if (table.size < MAX_SHARED) table.set(own, own);
  return own;
}
