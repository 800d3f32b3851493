/**
 * Patterns of Matrix user ids and server names, as operators write them in the config and as ban
 * lists publish them: a glob (`*` any run of characters, `?` exactly one; matched against the whole
 * text, ignoring case) or a regular expression written `/.../flags` (used as written: unanchored,
 * case-sensitive unless it says `i`).
 *
 * Guarantee: `PatternIndex.find` answers exactly as testing every pattern in turn would (it returns
 * the first entry in insertion order that matches), but in time independent of the number of
 * literal entries and of globs that end in literal text (hash lookups), so a check against a
 * thousand such entries costs about a microsecond; globs that end in a wildcard are tested one by
 * one behind a substring test (slower: see `npm run bench:access`). Not guaranteed: protection against an
 * operator's own catastrophic regular expression (they are trusted config).
 */

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
  readonly text: string;
  readonly order: number;
  readonly value: T;
}

interface PatternEntry<T> extends Entry<T> {
  readonly regex: RegExp;
  /** The glob's longest literal run, lower case: a text without it cannot match (tested first). */
  readonly fragment: string;
}

/**
 * Patterns, each carrying a value (a rule, a config key), that can be added and removed one by one;
 * `find` gives the value of the earliest-added pattern that matches. Literal globs (no `*`/`?`) are
 * kept in a map by their lower-case text. A glob that ends in literal text (`@*:evil.example`,
 * `*.evil.example`: nearly all of them) is kept in a map by that tail, so only the globs whose tail
 * ends the text are tested: one lookup per distinct tail length. Globs that end in a wildcard are
 * tested one by one, each only when the text contains its longest literal run.
 */
export class PatternIndex<T> {
  private readonly literals = new Map<string, Entry<T>[]>();
  private readonly tailed = new Map<string, PatternEntry<T>[]>();
  /** Distinct tail lengths of `tailed`, with how many globs have each. */
  private readonly tailLengths = new Map<number, number>();
  private readonly open = new Map<string, PatternEntry<T>[]>();
  private readonly regexes = new Map<string, PatternEntry<T>[]>();
  private counter = 0;
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** Adds a pattern; throws (see compilePattern) when it is not valid. */
  add(text: string, value: T): void {
    const regex = compilePattern(text);
    const entry = { text, order: this.counter++, value, regex, fragment: longestLiteral(text) };
    this.count++;
    if (regexParts(text) !== undefined) return push(this.regexes, text, entry);
    const tail = globTail(text);
    if (tail === undefined) return push(this.literals, text.toLowerCase(), entry);
    if (tail === "") return push(this.open, text, entry);
    push(this.tailed, tail, entry);
    this.tailLengths.set(tail.length, (this.tailLengths.get(tail.length) ?? 0) + 1);
  }

  /** Removes one pattern `text` carrying `value` (compared with ===); false if there was none. */
  remove(text: string, value: T): boolean {
    const removed = this.pullEntry(text, value);
    if (removed) this.count--;
    return removed;
  }

  private pullEntry(text: string, value: T): boolean {
    if (regexParts(text) !== undefined) return pull(this.regexes, text, text, value);
    const tail = globTail(text);
    if (tail === undefined) return pull(this.literals, text.toLowerCase(), text, value);
    if (tail === "") return pull(this.open, text, text, value);
    if (!pull(this.tailed, tail, text, value)) return false;
    const left = (this.tailLengths.get(tail.length) ?? 1) - 1;
    if (left === 0) this.tailLengths.delete(tail.length);
    else this.tailLengths.set(tail.length, left);
    return true;
  }

  /** The value of the earliest-added pattern matching `text`, or undefined. */
  find(text: string): T | undefined {
    if (this.count === 0) return undefined;
    const lower = text.toLowerCase();
    let best: Entry<T> | undefined = this.literals.get(lower)?.[0];
    const consider = (entries: readonly PatternEntry<T>[]) => {
      for (const entry of entries) {
        if ((best === undefined || entry.order < best.order) && lower.includes(entry.fragment) && entry.regex.test(text)) best = entry;
      }
    };
    for (const length of this.tailLengths.keys()) {
      const entries = length <= lower.length ? this.tailed.get(lower.slice(lower.length - length)) : undefined;
      if (entries !== undefined) consider(entries);
    }
    for (const entries of this.open.values()) consider(entries);
    for (const entries of this.regexes.values()) consider(entries);
    return best?.value;
  }

}

/** A glob's longest run of literal text, lower case ("" for a regular expression: it is always tested). */
function longestLiteral(pattern: string): string {
  if (regexParts(pattern) !== undefined) return "";
  return pattern
    .toLowerCase()
    .split(/[*?]/)
    .reduce((a, b) => (b.length > a.length ? b : a), "");
}

/** A glob's literal text after its last wildcard, lower case ("" if it ends in one); undefined for a literal. */
function globTail(glob: string): string | undefined {
  const last = Math.max(glob.lastIndexOf("*"), glob.lastIndexOf("?"));
  return last < 0 ? undefined : glob.slice(last + 1).toLowerCase();
}

function push<E>(map: Map<string, E[]>, key: string, entry: E): void {
  const entries = map.get(key);
  if (entries === undefined) map.set(key, [entry]);
  else entries.push(entry);
}

function pull<T, E extends Entry<T>>(map: Map<string, E[]>, key: string, text: string, value: T): boolean {
  const entries = map.get(key);
  const at = entries?.findIndex((e) => e.value === value && e.text === text) ?? -1;
  if (entries === undefined || at < 0) return false;
  entries.splice(at, 1);
  if (entries.length === 0) map.delete(key);
  return true;
}
