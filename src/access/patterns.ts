/**
 * Patterns of Matrix user ids and server names, as operators write them in the config and as ban
 * lists publish them: a glob (`*` any run of characters, `?` exactly one; matched against the whole
 * text, ignoring case) or a regular expression written `/.../flags` (used as written: unanchored,
 * case-sensitive unless it says `i`).
 *
 * Guarantee: `PatternIndex.find` answers exactly as testing every pattern in turn would (it returns
 * the first entry in insertion order that matches), but in time independent of the number of
 * literal entries (one hash lookup) and with one combined regular expression for all the globs, so
 * a check against a thousand entries costs microseconds. Not guaranteed: protection against an
 * operator's own catastrophic regular expression (they are trusted config).
 */

const GLOB_CHARS = /[*?]/;

/** A regular expression written `/body/flags`, or undefined for a glob. */
function regexParts(text: string): { readonly body: string; readonly flags: string } | undefined {
  if (!text.startsWith("/")) return undefined;
  const end = text.lastIndexOf("/");
  if (end <= 0) return undefined;
  return { body: text.slice(1, end), flags: text.slice(end + 1) };
}

/** The body of an anchored-by-the-caller regular expression equivalent to the glob. */
function globSource(glob: string): string {
  let out = "";
  for (const char of glob) {
    if (char === "*") out += ".*";
    else if (char === "?") out += ".";
    else out += char.replace(/[.+^${}()|[\]\\/-]/g, "\\$&");
  }
  return out;
}

/** Compiles one pattern; throws with a readable message when it is not valid. */
export function compilePattern(text: string): RegExp {
  if (text.trim() === "") throw new Error("an empty pattern matches nothing useful");
  const regex = regexParts(text);
  if (regex === undefined) return new RegExp(`^${globSource(text)}$`, "i");
  if (regex.body === "") throw new Error(`${JSON.stringify(text)} is an empty regular expression`);
  if (/[gy]/.test(regex.flags)) throw new Error(`${JSON.stringify(text)}: the flags g and y are not allowed`);
  try {
    return new RegExp(regex.body, regex.flags);
  } catch (err) {
    throw new Error(`${JSON.stringify(text)} is not a valid regular expression: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** For the config schema: what is wrong with a list of patterns (naming the entry), or undefined. */
export function patternListProblem(patterns: readonly string[]): string | undefined {
  for (const [i, text] of patterns.entries()) {
    try {
      compilePattern(text);
    } catch (err) {
      return `entry ${i} (${JSON.stringify(text)}): ${err instanceof Error ? err.message : String(err)}`;
    }
  }
  return undefined;
}

interface Entry<T> {
  readonly order: number;
  readonly value: T;
}

interface PatternEntry<T> extends Entry<T> {
  readonly regex: RegExp;
}

/**
 * Patterns, each carrying a value (a rule, a config key), that can be added and removed one by one;
 * `find` gives the value of the earliest-added pattern that matches. Literal globs (no `*`/`?`) are
 * kept in a map by their lower-case text; the other globs are combined into one expression, rebuilt
 * on the first `find` after a change.
 */
export class PatternIndex<T> {
  private readonly literals = new Map<string, Entry<T>[]>();
  private readonly globs = new Map<string, PatternEntry<T>[]>();
  private readonly regexes = new Map<string, PatternEntry<T>[]>();
  /** The globs as one expression; undefined after a change, until the next find. */
  private combined: RegExp | undefined;
  private counter = 0;

  get size(): number {
    let n = 0;
    for (const bucket of [this.literals, this.globs, this.regexes]) for (const entries of bucket.values()) n += entries.length;
    return n;
  }

  /** Adds a pattern; throws (see compilePattern) when it is not valid. */
  add(text: string, value: T): void {
    const order = this.counter++;
    if (regexParts(text) !== undefined) return push(this.regexes, text, { order, value, regex: compilePattern(text) });
    if (!GLOB_CHARS.test(text)) {
      compilePattern(text);
      return push(this.literals, text.toLowerCase(), { order, value });
    }
    push(this.globs, text, { order, value, regex: compilePattern(text) });
    this.combined = undefined;
  }

  /** Removes one pattern carrying `value` (compared with ===); false if there was none. */
  remove(text: string, value: T): boolean {
    if (regexParts(text) !== undefined) return pull(this.regexes, text, value);
    if (!GLOB_CHARS.test(text)) return pull(this.literals, text.toLowerCase(), value);
    const removed = pull(this.globs, text, value);
    if (removed) this.combined = undefined;
    return removed;
  }

  /** The value of the earliest-added pattern matching `text`, or undefined. */
  find(text: string): T | undefined {
    let best: Entry<T> | undefined = this.literals.get(text.toLowerCase())?.[0];
    const consider = (entries: readonly PatternEntry<T>[]) => {
      for (const entry of entries) if ((best === undefined || entry.order < best.order) && entry.regex.test(text)) best = entry;
    };
    if (this.globs.size > 0 && this.globRegex().test(text)) for (const entries of this.globs.values()) consider(entries);
    for (const entries of this.regexes.values()) consider(entries);
    return best?.value;
  }

  private globRegex(): RegExp {
    this.combined ??= new RegExp(`^(?:${[...this.globs.keys()].map(globSource).join("|")})$`, "i");
    return this.combined;
  }
}

function push<E>(map: Map<string, E[]>, key: string, entry: E): void {
  const entries = map.get(key);
  if (entries === undefined) map.set(key, [entry]);
  else entries.push(entry);
}

function pull<T, E extends Entry<T>>(map: Map<string, E[]>, key: string, value: T): boolean {
  const entries = map.get(key);
  const at = entries?.findIndex((e) => e.value === value) ?? -1;
  if (entries === undefined || at < 0) return false;
  entries.splice(at, 1);
  if (entries.length === 0) map.delete(key);
  return true;
}
