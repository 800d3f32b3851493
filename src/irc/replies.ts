/**
 * The requests the admin commands make, each with what answers it on a server without
 * `labeled-response` (on one with it, the label decides; see requests.ts). Numerics are those of
 * RFC 1459/2812 as Ergo, InspIRCd, Solanum and UnrealIRCd send them; each expectation checks the
 * nick or channel a reply names, so an unrelated reply is not taken for the answer.
 */
import { JOIN_REFUSALS } from "./joinRefusals";
import { isErrorLine, isNumeric, type IrcLine } from "./ircLine";
import type { IrcRequest, Viewpoint } from "./requests";

/** How long a raw command's answer is collected when nothing marks its end (unlabeled servers). */
export const COLLECT_MS = 2000;

/** The line is our own (an echo of what we sent). */
export const fromMe = (line: IrcLine, we: Viewpoint) => line.source !== undefined && we.same(line.source, we.me);
/** The line's parameter `at` is `name` (server casemapping). */
export const names = (line: IrcLine, at: number, name: string, we: Viewpoint) => {
  const param = line.params[at];
  return param !== undefined && we.same(param, name);
};

/** Refusals of NICK that name the nick asked for (params[1]) and those that cannot name it. */
const NICK_ERRORS_NAMED = new Set(["432", "433", "436", "437", "438"]);
const NICK_ERRORS_UNNAMED = new Set(["431", "435", "447", "484"]);

/** NICK: our own NICK echo to the new nick, or a refusal (in use, erroneous, unavailable...). */
export function nickRequest(nick: string): IrcRequest {
  return {
    command: "NICK",
    params: [nick],
    expect: {
      end: (line, we) => line.command === "NICK" && fromMe(line, we) && names(line, 0, nick, we),
      error: (line, we) => (NICK_ERRORS_NAMED.has(line.command) && names(line, 1, nick, we)) || NICK_ERRORS_UNNAMED.has(line.command),
    },
  };
}

/** NAMES for one channel: 353 lines naming it, until 366 naming it. */
export function namesRequest(channel: string): IrcRequest {
  return {
    command: "NAMES",
    params: [channel],
    expect: {
      end: (line, we) => line.command === "366" && names(line, 1, channel, we),
      part: (line, we) => line.command === "353" && names(line, 2, channel, we),
      error: (line, we) => isErrorLine(line) && line.params.slice(1, -1).some((p) => we.same(p, channel)),
    },
  };
}

/** WHOIS: every reply about the nick until 318 (end of WHOIS); 401/402 come before the 318. */
export function whoisRequest(nick: string): IrcRequest {
  return {
    command: "WHOIS",
    params: [nick],
    expect: {
      end: (line, we) => line.command === "318" && names(line, 1, nick, we),
      part: (line, we) => isNumeric(line) && names(line, 1, nick, we),
    },
  };
}

const JOIN_ERRORS = JOIN_REFUSALS;

/** JOIN: our JOIN echo (of the channel, or of the one the server forwarded us to), or a refusal. */
export function joinRequest(channel: string, key: string | undefined): IrcRequest {
  let forwardedTo: string | undefined;
  return {
    command: "JOIN",
    params: key === undefined ? [channel] : [channel, key],
    expect: {
      end: (line, we) => line.command === "JOIN" && fromMe(line, we) && (names(line, 0, channel, we) || (forwardedTo !== undefined && names(line, 0, forwardedTo, we))),
      error: (line, we) => JOIN_ERRORS.has(line.command) && names(line, 1, channel, we),
      // 470: "forwarding to another channel"; the JOIN echo that follows names that one.
      part: (line, we) => {
        if (line.command !== "470" || !names(line, 1, channel, we)) return false;
        forwardedTo = line.params[2];
        return true;
      },
    },
  };
}

/** PART: our PART echo, or 442 (not on that channel) / 403 (no such channel). */
export function partRequest(channel: string, reason: string): IrcRequest {
  return {
    command: "PART",
    params: [channel, reason],
    expect: {
      end: (line, we) => line.command === "PART" && fromMe(line, we) && names(line, 0, channel, we),
      error: (line, we) => (line.command === "442" || line.command === "403") && names(line, 1, channel, we),
    },
  };
}

/** Numerics that end the answer of a common query (WHO, NAMES, LIST, MOTD, INFO, ISON...). */
const TERMINAL = new Set(["219", "302", "303", "305", "306", "315", "318", "323", "331", "341", "347", "349", "366", "368", "369", "374", "376", "391"]);

/**
 * Any other command: the numerics addressed to us, until one that ends a query, an error, or our own
 * echo of the command (MODE, TOPIC, KICK, PRIVMSG to a channel); else what came within COLLECT_MS.
 */
export function rawRequest(command: string, params: readonly string[]): IrcRequest {
  const upper = command.toUpperCase();
  return {
    command: upper,
    params,
    expect: {
      end: (line, we) => (TERMINAL.has(line.command) && names(line, 0, we.me, we)) || (line.command === upper && fromMe(line, we)),
      error: (line, we) => isErrorLine(line) && (line.params[0] === "*" || names(line, 0, we.me, we)),
      part: (line, we) => isNumeric(line) && names(line, 0, we.me, we),
      settleMs: COLLECT_MS,
    },
  };
}

/**
 * PRIVMSG/NOTICE to a service: its answer comes from the service, which on many networks is a
 * separate server the label does not follow, so it is sent unlabeled and the service's notices to
 * us within COLLECT_MS are the answer (401: the service is not there).
 */
export function serviceRequest(command: "PRIVMSG" | "NOTICE", service: string, text: string): IrcRequest {
  return {
    command,
    params: [service, text],
    expect: {
      end: () => false,
      error: (line, we) => isErrorLine(line) && names(line, 1, service, we),
      part: (line, we) => (line.command === "NOTICE" || line.command === "PRIVMSG") && line.source !== undefined && we.same(line.source, service) && names(line, 0, we.me, we),
      settleMs: COLLECT_MS,
      unlabeled: true,
    },
  };
}

/** MODE #channel (its modes): 324 naming the channel, or a refusal naming it (403 no such channel...). */
export function channelModesRequest(channel: string): IrcRequest {
  return {
    command: "MODE",
    params: [channel],
    expect: {
      end: (line, we) => line.command === "324" && names(line, 1, channel, we),
      error: (line, we) => isErrorLine(line) && names(line, 1, channel, we),
    },
  };
}

/** The mode letters a 324 line sets (its parameters, such as a key, left out). */
export function modeLetters(reply: readonly IrcLine[]): string {
  const line = reply.find((l) => l.command === "324");
  return (line?.params[2] ?? "").replace(/^\+/, "");
}

/**
 * REDACT <target> <msgid> [:reason] (IRCv3 draft/message-redaction): deletes a message. The answer
 * is the server's REDACT from us for that msgid (it relays it to the channel, us included), or a
 * FAIL REDACT (not allowed, unknown msgid) or an error numeric naming us.
 */
export function redactRequest(target: string, msgid: string, reason: string): IrcRequest {
  return {
    command: "REDACT",
    params: reason.trim() === "" ? [target, msgid] : [target, msgid, reason],
    expect: {
      end: (line, we) => line.command === "REDACT" && fromMe(line, we) && line.params[1] === msgid,
      error: (line, we) => (line.command === "FAIL" && line.params[0] === "REDACT") || (isErrorLine(line) && names(line, 0, we.me, we)),
    },
  };
}
