/**
 * Channel mode strings read the way the server announced them in ISUPPORT: PREFIX (the member
 * modes and their ranks, `(qaohv)~&@%+`) and CHANMODES (`A,B,C,D`: list modes, modes that always
 * take a parameter, modes that take one only when set, flags).
 *
 * Guarantee: a mode string is split into one change per letter, each with its sign, and a
 * parameter is consumed exactly where the server's rules say: prefix modes and types A and B
 * always, type C only when set, type D never. Parsing never throws. Not guaranteed: a mode letter
 * the server did not announce is taken as a flag (no parameter), so a server that sends an
 * unannounced mode with a parameter shifts the parameters after it; a missing parameter leaves
 * `param` undefined.
 */
export interface PrefixMode {
  readonly mode: string;
  readonly symbol: string;
}

export interface ModeSpec {
  /** Member (prefix) modes, highest rank first. */
  readonly prefix: readonly PrefixMode[];
  /** CHANMODES type A: lists (ban, exception, invite exception): always a parameter. */
  readonly lists: string;
  /** Type B: always a parameter (the key). */
  readonly always: string;
  /** Type C: a parameter only when set (the limit). */
  readonly whenSet: string;
  /** Type D: never a parameter. */
  readonly flags: string;
}

export type ModeKind = "prefix" | "list" | "always" | "whenSet" | "flag";

export interface ModeChange {
  readonly add: boolean;
  readonly mode: string;
  readonly kind: ModeKind;
  readonly param: string | undefined;
}

/** What RFC 1459/2812 servers assume when they announce nothing. */
export const DEFAULT_PREFIX: readonly PrefixMode[] = [
  { mode: "o", symbol: "@" },
  { mode: "v", symbol: "+" },
];
export const DEFAULT_SPEC: ModeSpec = { prefix: DEFAULT_PREFIX, lists: "beI", always: "k", whenSet: "l", flags: "imnpst" };

/** ISUPPORT PREFIX, e.g. "(qaohv)~&@%+"; undefined when it is not of that form. An empty value means no prefixes. */
export function parsePrefix(value: string): PrefixMode[] | undefined {
  if (value === "") return [];
  const m = /^\(([^)]*)\)(.*)$/.exec(value);
  if (m === null) return undefined;
  // Mode letters and prefix symbols are ASCII: one UTF-16 unit each.
  const modes = m[1] ?? "";
  const symbols = m[2] ?? "";
  if (modes.length !== symbols.length) return undefined;
  return Array.from({ length: modes.length }, (_, i) => ({ mode: modes.charAt(i), symbol: symbols.charAt(i) }));
}

export interface AnnouncedModes {
  readonly prefix: string | undefined;
  readonly chanmodes: string | undefined;
}

/** The PREFIX and CHANMODES tokens of one RPL_ISUPPORT (005) line's parameters, over what was known. */
export function announcedModes(params: readonly string[], known: AnnouncedModes): AnnouncedModes {
  let { prefix, chanmodes } = known;
  for (const token of params.slice(1, -1)) {
    const eq = token.indexOf("=");
    const name = (eq === -1 ? token : token.slice(0, eq)).toUpperCase();
    const value = eq === -1 ? "" : token.slice(eq + 1);
    if (name === "PREFIX") prefix = value;
    else if (name === "CHANMODES") chanmodes = value;
  }
  return { prefix, chanmodes };
}

/** A spec from the raw ISUPPORT values (undefined: not announced, so the RFC default). */
export function modeSpec(prefix: string | undefined, chanmodes: string | undefined): ModeSpec {
  const members = prefix === undefined ? DEFAULT_PREFIX : (parsePrefix(prefix) ?? DEFAULT_PREFIX);
  if (chanmodes === undefined) return { ...DEFAULT_SPEC, prefix: members };
  const [lists = "", always = "", whenSet = "", flags = ""] = chanmodes.split(",");
  return { prefix: members, lists, always, whenSet, flags };
}

export function kindOf(mode: string, spec: ModeSpec): ModeKind {
  if (spec.prefix.some((p) => p.mode === mode)) return "prefix";
  if (spec.lists.includes(mode)) return "list";
  if (spec.always.includes(mode)) return "always";
  if (spec.whenSet.includes(mode)) return "whenSet";
  return "flag";
}

/** "+ov-b", ["nick1", "nick2", "mask"] -> one change per letter, with its parameter. */
export function parseModeChanges(modes: string, params: readonly string[], spec: ModeSpec): ModeChange[] {
  const out: ModeChange[] = [];
  let add = true;
  let next = 0;
  for (const mode of modes) {
    if (mode === "+" || mode === "-") {
      add = mode === "+";
      continue;
    }
    const kind = kindOf(mode, spec);
    const takes = kind === "prefix" || kind === "list" || kind === "always" || (kind === "whenSet" && add);
    const param = takes ? params[next] : undefined;
    if (takes) next++;
    out.push({ add, mode, kind, param });
  }
  return out;
}

/** Rank of a prefix mode: 0 is the highest; -1 when it is not a prefix mode of this server. */
export function rankOf(mode: string, prefix: readonly PrefixMode[]): number {
  return prefix.findIndex((p) => p.mode === mode);
}

/** The prefix modes among `modes`, highest first, each once ("vo" -> "ov"). */
export function orderPrefixes(modes: Iterable<string>, prefix: readonly PrefixMode[]): string {
  const have = new Set(modes);
  return prefix
    .filter((p) => have.has(p.mode))
    .map((p) => p.mode)
    .join("");
}
