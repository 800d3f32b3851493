/**
 * What !cmd may send through a user's own IRC connection, decided before anything is sent.
 *
 * Guarantee: a plan is returned only when every check passed: the command word is letters only and
 * not one the bridge manages (NICK, JOIN, PART, QUIT...: their own commands do those); it is in the
 * network's allow-list, or in its privileged list and the user is a bridge admin (privileged wins
 * over allowed); there are at most 15 parameters, none containing CR, LF or NUL, only the last
 * with spaces; PRIVMSG and NOTICE go to exactly one target that is a configured service nick or a
 * channel the user is in, and carry no CTCP. Otherwise the refusal says which check failed.
 *
 * Parameters: the words after the command; a word starting with ':' begins the last parameter,
 * which runs to the end of the line (as IRC writes it). For commands whose last parameter is text
 * (PRIVMSG, NOTICE, AWAY, TOPIC, KICK, KILL, WALLOPS) the words after the fixed ones are that text
 * even without ':'.
 */
import type { RawCommandPolicy } from "../irc/networkContext";
import { commandProblem, MANAGED_COMMANDS, MAX_PARAMS, paramProblem } from "../irc/syntax";

export type RawPlan =
  | { readonly ok: true; readonly command: string; readonly params: readonly string[]; readonly to: "service" | "channel" | undefined }
  | { readonly ok: false; readonly reason: string };

export interface RawCaller {
  readonly isAdmin: boolean;
  /** Channels the user's connection is in. */
  readonly channels: readonly string[];
  same(a: string, b: string): boolean;
}

/** Parameters before the free text, for commands whose last parameter is text. */
const TEXT_AFTER: Readonly<Record<string, number>> = { PRIVMSG: 1, NOTICE: 1, AWAY: 0, TOPIC: 1, KICK: 2, KILL: 1, WALLOPS: 0 };

const OWN_COMMAND: Readonly<Record<string, string>> = { NICK: "!nick", JOIN: "!join", PART: "!part", QUIT: "!quit" };

/** The parameters the words make (see the top comment). */
export function paramsOf(command: string, words: readonly string[]): string[] {
  const colon = words.findIndex((w) => w.startsWith(":"));
  if (colon !== -1) return [...words.slice(0, colon), words.slice(colon).join(" ").slice(1)];
  const fixed = TEXT_AFTER[command];
  if (fixed !== undefined && words.length > fixed + 1) return [...words.slice(0, fixed), words.slice(fixed).join(" ")];
  return [...words];
}

export function planRawCommand(argv: readonly string[], policy: RawCommandPolicy, caller: RawCaller): RawPlan {
  const [word, ...words] = argv;
  if (word === undefined) return { ok: false, reason: "Which command? Usage: !cmd [network] COMMAND parameters..." };
  const wordProblem = commandProblem(word);
  if (wordProblem !== undefined) return { ok: false, reason: `Not sent: ${wordProblem}.` };
  const command = word.toUpperCase();
  if (MANAGED_COMMANDS.includes(command)) {
    const own = OWN_COMMAND[command];
    return { ok: false, reason: `Not sent: the bridge manages ${command} itself${own === undefined ? "" : `; use ${own}`}.` };
  }
  if (policy.privileged.has(command)) {
    if (!caller.isAdmin) return { ok: false, reason: `Not sent: ${command} is only for bridge administrators.` };
  } else if (!policy.allowed.has(command)) {
    return { ok: false, reason: `Not sent: ${command} is not allowed through the bridge. Allowed: ${[...policy.allowed].sort().join(", ")}.` };
  }
  const params = paramsOf(command, words);
  if (params.length > MAX_PARAMS) return { ok: false, reason: `Not sent: IRC allows at most ${MAX_PARAMS} parameters, this has ${params.length}.` };
  for (const [i, param] of params.entries()) {
    const problem = paramProblem(param, i === params.length - 1);
    if (problem !== undefined) return { ok: false, reason: `Not sent: parameter ${i + 1}: ${problem}.` };
  }
  if (command !== "PRIVMSG" && command !== "NOTICE") return { ok: true, command, params, to: undefined };
  return planMessage(command, params, policy, caller);
}

function planMessage(command: string, params: readonly string[], policy: RawCommandPolicy, caller: RawCaller): RawPlan {
  const [target, text] = params;
  if (target === undefined || text === undefined || text === "") return { ok: false, reason: `Not sent: usage: !cmd ${command} <service or channel> <text>.` };
  if (target.includes(",")) return { ok: false, reason: `Not sent: ${command} goes to one target at a time.` };
  if (text.includes("\u0001")) return { ok: false, reason: "Not sent: CTCP (\\x01) is not allowed through the bridge." };
  if (policy.serviceNicks.some((n) => caller.same(n, target))) return { ok: true, command, params, to: "service" };
  if (caller.channels.some((c) => caller.same(c, target))) return { ok: true, command, params, to: "channel" };
  return {
    ok: false,
    reason: `Not sent: ${command} may only go to the network's services (${policy.serviceNicks.join(", ")}) or to a channel you are in.`,
  };
}

/** Commands whose parameters are credentials or keys. */
const SECRET_COMMANDS = new Set(["PASS", "OPER", "AUTHENTICATE", "WEBIRC", "JOIN"]);
/** Words that, anywhere in a raw command, put a password after them (services' IDENTIFY, REGISTER...). */
const SECRET_WORDS = /^:?(IDENTIFY|ID|LOGIN|AUTH|REGISTER|PASSWORD|PASS|SETPASS|RESETPASS|GHOST|RECOVER|REGAIN|RELEASE|CONFIRM|VERIFY|DROP)$/i;

/**
 * Whether a !cmd line may carry a secret, so its message is redacted: a command that takes
 * credentials or a key (PASS, OPER, JOIN with a key...), a MODE that sets or lifts a channel key
 * (+k), or a services command that takes a password (IDENTIFY, REGISTER, GHOST...). Errs on the side
 * of redacting: a line that merely looks like one is redacted too.
 */
export function rawCarriesSecret(argv: readonly string[]): boolean {
  const [word = "", ...words] = argv;
  const command = word.toUpperCase();
  if (SECRET_COMMANDS.has(command)) return command !== "JOIN" || words.length > 1;
  if (command === "MODE" && /^[+-].*k/.test(words[1] ?? "")) return true;
  return words.some((w) => SECRET_WORDS.test(w));
}
