/**
 * What users may type where an IRC nick, username, channel or command parameter goes. Each check
 * returns why the text is refused (shown to the user), or undefined when it is acceptable. CR, LF
 * and NUL are refused everywhere: they would end or cut an IRC line (lines.ts replaces them anyway,
 * as the last line of defence).
 */
import { isValidChannelName } from "./channelName";

// eslint-disable-next-line no-control-regex -- CR, LF and NUL are exactly what is refused
const LINE_BREAKING = /[\r\n\u0000]/;
const NICK = /^[A-Za-z[\]\\`_^{|}][A-Za-z0-9[\]\\`_^{|}-]*$/;
const USERNAME = /^[a-z0-9]{1,10}$/;
const COMMAND = /^[A-Za-z]+$/;

/** Commands the bridge itself manages on a user's connection; !nick, !join, !part and !quit do them. */
export const MANAGED_COMMANDS: readonly string[] = ["NICK", "JOIN", "PART", "QUIT", "USER", "PASS", "CAP", "AUTHENTICATE", "PING", "PONG", "BATCH", "WEBIRC"];

/** IRC allows at most 15 parameters in a line. */
export const MAX_PARAMS = 15;
/** The nick length assumed when the server has not said (NICKLEN). */
export const DEFAULT_NICKLEN = 30;

export function nickProblem(nick: string, nicklen = DEFAULT_NICKLEN): string | undefined {
  if (LINE_BREAKING.test(nick) || /\s/.test(nick)) return "a nick cannot contain spaces or line breaks";
  if (nick === "") return "the nick is empty";
  if (nick.length > nicklen) return `a nick may have at most ${nicklen} characters on this network`;
  if (/^[0-9-]/.test(nick)) return "a nick cannot start with a digit or '-'";
  if (!NICK.test(nick)) return "a nick may only contain letters, digits and []\\`_^{|}-";
  return undefined;
}

export function usernameProblem(username: string): string | undefined {
  if (username === "" || username.length > 10) return "a username has 1 to 10 characters";
  if (!USERNAME.test(username)) return "a username may only contain lower-case letters a-z and digits 0-9";
  return undefined;
}

export function channelProblem(channel: string): string | undefined {
  if (LINE_BREAKING.test(channel)) return "a channel name cannot contain line breaks";
  if (!/^[#&!+]/.test(channel)) return "a channel name starts with #, &, ! or +";
  if (!isValidChannelName(channel)) return "a channel name has 2 to 200 characters and no spaces, commas, colons or BEL";
  return undefined;
}

/** A command word: letters only (numerics and anything else are refused). */
export function commandProblem(word: string): string | undefined {
  return COMMAND.test(word) ? undefined : "an IRC command is a word of letters only, such as MODE";
}

/** One parameter; only the last one may be empty, contain spaces or start with ':'. */
export function paramProblem(param: string, last: boolean): string | undefined {
  if (LINE_BREAKING.test(param)) return "a parameter cannot contain CR, LF or NUL";
  if (last) return undefined;
  if (param === "" || /\s/.test(param) || param.startsWith(":")) return "only the last parameter may be empty, contain spaces or start with ':'";
  return undefined;
}
