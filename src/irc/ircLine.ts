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

/** The first index from `at` that is not a space. */
function skipSpaces(raw: string, at: number, end: number): number {
  while (at < end && raw.charCodeAt(at) === 0x20) at++;
  return at;
}

/** Where the word starting at `at` ends: the next space, or `end`. */
function wordEnd(raw: string, at: number, end: number): number {
  const space = raw.indexOf(" ", at);
  return space === -1 || space > end ? end : space;
}

/**
 * Read in place, by index: only the parts it returns are cut out of the line (a 005 line of 15
 * tokens was cut into a shorter rest after each word, with a pair of strings per word).
 */
export function parseIrcLine(raw: string): IrcLine | undefined {
  // A trailing LF or CR LF is not part of the line.
  let end = raw.length;
  if (end > 0 && raw.charCodeAt(end - 1) === 0x0a) end -= end > 1 && raw.charCodeAt(end - 2) === 0x0d ? 2 : 1;
  let at = 0;
  let tags: Record<string, string> = {};
  if (raw.charCodeAt(0) === 0x40 /* @ */ && end > 0) {
    const from = skipSpaces(raw, 1, end);
    const to = wordEnd(raw, from, end);
    tags = parseTags(raw.slice(from, to));
    at = to < end ? to + 1 : end;
  }
  let source: string | undefined;
  at = skipSpaces(raw, at, end);
  if (at < end && raw.charCodeAt(at) === 0x3a /* : */) {
    const from = skipSpaces(raw, at + 1, end);
    const to = wordEnd(raw, from, end);
    // The nick of nick!user@host (or the server's name).
    let cut = raw.indexOf("!", from);
    if (cut === -1 || cut > to) cut = to;
    const host = raw.indexOf("@", from);
    if (host !== -1 && host < cut) cut = host;
    source = raw.slice(from, cut);
    at = to < end ? to + 1 : end;
  }
  const commandAt = skipSpaces(raw, at, end);
  const commandEnd = wordEnd(raw, commandAt, end);
  if (commandEnd === commandAt) return undefined;
  const command = raw.slice(commandAt, commandEnd);
  at = commandEnd < end ? commandEnd + 1 : end;
  const params: string[] = [];
  for (;;) {
    at = skipSpaces(raw, at, end);
    if (at >= end) break;
    if (raw.charCodeAt(at) === 0x3a /* : */) {
      params.push(raw.slice(at + 1, end));
      break;
    }
    const to = wordEnd(raw, at, end);
    params.push(raw.slice(at, to));
    at = to < end ? to + 1 : end;
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
