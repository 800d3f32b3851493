/**
 * The requests a channel operator makes (KICK, MODE, TOPIC) and the USERHOST lookup a ban needs,
 * each with what answers it on a server without `labeled-response` (with it, the label decides;
 * see requests.ts). An answer is our own echo of the command, or an error that names the channel
 * or a nick the request named (482 not an operator, 441 not on that channel, 401 no such nick...),
 * so another connection's traffic or an unrelated error is not taken for it.
 */
import { isErrorLine, type IrcLine } from "./ircLine";
import { COLLECT_MS, fromMe, names } from "./replies";
import type { IrcRequest, Viewpoint } from "./requests";

/** ERR_CHANOPRIVSNEEDED: the connection is not an operator of the channel. */
export const NOT_OPERATOR = "482";
/** ERR_USERNOTINCHANNEL and ERR_NOSUCHNICK: the nick acted on is not there. */
export const NICK_NOT_THERE: ReadonlySet<string> = new Set(["441", "401"]);

/** An error addressed to us that names one of `targets` (or an IRCv3 FAIL of the command). */
function errorAbout(command: string, targets: readonly string[]): (line: IrcLine, we: Viewpoint) => boolean {
  return (line, we) => {
    if (!isErrorLine(line)) return false;
    if (line.command === "FAIL") return line.params[0]?.toUpperCase() === command;
    if (!(line.params[0] === "*" || names(line, 0, we.me, we))) return false;
    return line.params.slice(1, -1).some((p) => targets.some((t) => we.same(p, t)));
  };
}

/** KICK: our KICK echo of the nick from the channel, or a refusal (482, 441, 401, 403, 442). */
export function kickRequest(channel: string, nick: string, reason: string): IrcRequest {
  return {
    command: "KICK",
    params: [channel, nick, reason],
    expect: {
      end: (line, we) => line.command === "KICK" && fromMe(line, we) && names(line, 0, channel, we) && names(line, 1, nick, we),
      error: errorAbout("KICK", [channel, nick]),
    },
  };
}

/**
 * MODE on a channel, e.g. ("+b", ["*!*@host"]) or ("-ov", [nick, nick]). A change that changes
 * nothing (voice for someone who has it) gets no echo: the answer is then complete, empty, after
 * COLLECT_MS.
 */
export function modeRequest(channel: string, modes: string, args: readonly string[]): IrcRequest {
  return {
    command: "MODE",
    params: [channel, modes, ...args],
    expect: {
      end: (line, we) => line.command === "MODE" && fromMe(line, we) && names(line, 0, channel, we),
      error: errorAbout("MODE", [channel, ...args]),
      settleMs: COLLECT_MS,
    },
  };
}

/** TOPIC: our TOPIC echo, or a refusal (482 when the channel is +t, 442 not on it...). */
export function topicRequest(channel: string, topic: string): IrcRequest {
  return {
    command: "TOPIC",
    params: [channel, topic],
    expect: {
      end: (line, we) => line.command === "TOPIC" && fromMe(line, we) && names(line, 0, channel, we),
      error: errorAbout("TOPIC", [channel]),
    },
  };
}

/** USERHOST: one 302 line (empty when the nick is not online). */
export function userhostRequest(nick: string): IrcRequest {
  return {
    command: "USERHOST",
    params: [nick],
    expect: {
      end: (line, we) => line.command === "302" && names(line, 0, we.me, we),
      error: (line, we) => isErrorLine(line) && names(line, 0, we.me, we) && line.params.some((p) => p.toUpperCase() === "USERHOST"),
    },
  };
}

/**
 * The host of `nick` in a USERHOST answer ("nick*=+user@host ..."; `*` marks an operator, `+`/`-`
 * away), or undefined when the answer does not name it.
 */
export function hostIn(lines: readonly IrcLine[], nick: string, same: (a: string, b: string) => boolean): string | undefined {
  for (const line of lines) {
    if (line.command !== "302") continue;
    for (const entry of (line.params[line.params.length - 1] ?? "").split(" ")) {
      const match = /^([^*=]+)\*?=[+-][^@\s]*@(\S+)$/.exec(entry);
      if (match?.[1] !== undefined && match[2] !== undefined && same(match[1], nick)) return match[2];
    }
  }
  return undefined;
}

/** A host as a ban mask may name it: one word without wildcards or the mask's own separators. */
// eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
const MASK_HOST = /^[^\s*?!@,:\u0000-\u001f\u007f]+$/;
/** A nick as a ban mask may name it (the caller checked it is a nick; this is the last guard). */
// eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
const MASK_NICK = /^[^\s*?!@,:#&$~\u0000-\u001f\u007f]+$/;

/**
 * The ban mask for a nick: everyone from its host when known (`*!*@host`), else the nick itself
 * (`nick!*@*`). Built only from parts that name something: a host or nick with a wildcard, a
 * separator or a space is not used, so the mask is never one that matches everyone (`*!*@*`);
 * undefined when neither part is usable.
 */
export function banMask(nick: string, host: string | undefined): string | undefined {
  if (host !== undefined && MASK_HOST.test(host)) return `*!*@${host}`;
  return MASK_NICK.test(nick) ? `${nick}!*@*` : undefined;
}

/**
 * MODE #channel without changes: the channel's modes (324 RPL_CHANNELMODEIS, then 329 on most
 * servers, which the request does not wait for), or an error naming the channel (403 no such
 * channel: also what some servers answer for a secret channel we are not in; 442, 477...).
 */
export function channelModesQuery(channel: string): IrcRequest {
  return {
    command: "MODE",
    params: [channel],
    expect: {
      end: (line, we) => line.command === "324" && names(line, 0, we.me, we) && names(line, 1, channel, we),
      error: errorAbout("MODE", [channel]),
    },
  };
}

/** The mode letters a 324 answer shows as set (prefix and parameter modes included, no parameters). */
export function modesShown(lines: readonly IrcLine[]): ReadonlySet<string> | undefined {
  const answer = lines.find((l) => l.command === "324");
  if (answer === undefined) return undefined;
  return new Set(Array.from((answer.params[2] ?? "").matchAll(/[a-zA-Z]/g), (m) => m[0]));
}

/** RPL_INVITING: the server passed our INVITE on. */
export const INVITING = "341";

/**
 * INVITE nick #channel: 341 (RPL_INVITING) naming the nick, or a refusal naming the nick or the
 * channel (482 not an operator of a +i channel, 443 already on it, 401 no such nick, 442 we are not
 * on it, 403 no such channel).
 */
export function inviteRequest(nick: string, channel: string): IrcRequest {
  return {
    command: "INVITE",
    params: [nick, channel],
    expect: {
      end: (line, we) => line.command === INVITING && names(line, 0, we.me, we) && names(line, 1, nick, we),
      error: errorAbout("INVITE", [nick, channel]),
    },
  };
}
