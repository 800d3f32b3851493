/**
 * One line from the server, parsed (IRCv3 message tags, source, command, parameters), independent
 * of the IRC library. The request/reply matcher (requests.ts) reads the server's raw lines through
 * this, so it sees every line in wire order, labels and batches included.
 *
 * Guarantee: a line that is not a well-formed IRC message (no command) gives undefined; anything
 * else parses without throwing. Tag values are unescaped as the message-tags spec says.
 */
export interface IrcLine {
  readonly tags: Readonly<Record<string, string>>;
  /** The nick (or server name) of the source, when the line has one. */
  readonly source: string | undefined;
  /** Upper case; numerics stay three digits. */
  readonly command: string;
  readonly params: readonly string[];
}

const ESCAPES: Readonly<Record<string, string>> = { ":": ";", s: " ", "\\": "\\", r: "\r", n: "\n" };

function unescapeTag(value: string): string {
  return value.replace(/\\(.?)/g, (_m, c: string) => ESCAPES[c] ?? c);
}

function parseTags(text: string): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const part of text.split(";")) {
    if (part === "") continue;
    const eq = part.indexOf("=");
    if (eq === -1) tags[part] = "";
    else tags[part.slice(0, eq)] = unescapeTag(part.slice(eq + 1));
  }
  return tags;
}

/** Cuts the next space-separated word off `rest`. */
function word(rest: string): [string, string] {
  const trimmed = rest.replace(/^ +/, "");
  const space = trimmed.indexOf(" ");
  return space === -1 ? [trimmed, ""] : [trimmed.slice(0, space), trimmed.slice(space + 1)];
}

export function parseIrcLine(raw: string): IrcLine | undefined {
  let rest = raw.replace(/\r?\n$/, "");
  let tags: Record<string, string> = {};
  if (rest.startsWith("@")) {
    const [t, after] = word(rest.slice(1));
    tags = parseTags(t);
    rest = after;
  }
  let source: string | undefined;
  rest = rest.replace(/^ +/, "");
  if (rest.startsWith(":")) {
    const [prefix, after] = word(rest.slice(1));
    source = prefix.split("!")[0]?.split("@")[0];
    rest = after;
  }
  const [command, after] = word(rest);
  if (command === "") return undefined;
  rest = after;
  const params: string[] = [];
  for (;;) {
    rest = rest.replace(/^ +/, "");
    if (rest === "") break;
    if (rest.startsWith(":")) {
      params.push(rest.slice(1));
      break;
    }
    const [param, next] = word(rest);
    params.push(param);
    rest = next;
  }
  return { tags, source: source === "" ? undefined : source, command: command.toUpperCase(), params };
}

/** The line's last parameter (the human-readable text of a numeric), or "". */
export function lastParam(line: IrcLine): string {
  return line.params[line.params.length - 1] ?? "";
}

/** A numeric reply (three digits). */
export function isNumeric(line: IrcLine): boolean {
  return /^\d{3}$/.test(line.command);
}

/** Numerics outside 400-599 that servers use for errors (IRCv3 and modern ircds). */
const OTHER_ERRORS = new Set(["691", "696", "723", "902", "904", "905", "906", "907"]);

/**
 * An error: a numeric from 400 to 599 (or a known later error numeric), or an IRCv3 FAIL. 470
 * (ERR_LINKCHANNEL) is not one: the server forwards the JOIN to another channel and it succeeds.
 */
export function isErrorLine(line: IrcLine): boolean {
  if (line.command === "FAIL") return true;
  if (!isNumeric(line) || line.command === "470") return false;
  const n = Number(line.command);
  return (n >= 400 && n <= 599) || OTHER_ERRORS.has(line.command);
}
