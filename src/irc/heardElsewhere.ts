/**
 * Lines another connection already heard. Every member of a channel hears each JOIN, PART, message
 * and TAGMSG there; the broker (broker/channelBroker.ts) delivers it once and, for any copy after the
 * first, does nothing at all unless the copy is the reader's. Such a copy is dropped here, from the
 * raw text, before the transport hands it to irc-framework: no parse, no event, no middleware, no
 * typed event (in a channel of N of our users, each line would otherwise be dispatched N times).
 * Asked through `known` (broker/networkFeed.ts: this connection is not the channel's reader, and the
 * broker already holds the line's msgid, delivered or waiting for the reader).
 *
 * Guarantee: a line is skipped only when all of these hold, and is dispatched as before otherwise:
 * - it is a PRIVMSG, NOTICE, JOIN, PART or TAGMSG whose first parameter is a channel (not us, not "@#chan");
 * - it carries a msgid (without escapes) and no batch tag (multiline, chathistory and netsplit
 *   batches are dispatched);
 * - its source is a user (nick!user@host), another nick than ours (our echoes settle our sends; our
 *   JOIN updates our state);
 * - it is not a CTCP (each connection answers those to itself);
 * - none of the connection's watchers waits for it (lineInterest.ts: a request or one of our JOINs waits);
 * - `known(channel, msgid)` says the broker has it from another connection.
 * Such a line changes no state of irc-framework's (it keeps no channel members) nor of this
 * connection's, and the broker would ignore it: skipping it changes nothing but the cost.
 */
import type { Waiting } from "./lineInterest";
import { NamesReplies } from "./namesReplies";
import { isChatter, numericOf } from "./serverChatter";

const SKIPPABLE = ["PRIVMSG", "NOTICE", "JOIN", "PART", "TAGMSG"] as const;

/** What a channel line's copy is, cut from its raw text. */
export interface ChannelCopy {
  readonly command: string;
  readonly msgid: string;
  readonly nick: string;
  readonly channel: string;
}

/**
 * The command, msgid, source nick and target of a raw line that could be a copy of a channel line,
 * or undefined when it cannot be one (see the guarantee above; the channel is not checked here).
 */
export function channelCopy(raw: string): ChannelCopy | undefined {
  if (raw.charCodeAt(0) !== 0x40 /* @ */) return undefined;
  const tagsEnd = raw.indexOf(" ");
  if (tagsEnd === -1) return undefined;
  // Tag keys are compared in place: no string is cut for a tag that is not the msgid.
  let msgid: string | undefined;
  for (let at = 1; at < tagsEnd; ) {
    let end = raw.indexOf(";", at);
    if (end === -1 || end > tagsEnd) end = tagsEnd;
    if (isKey(raw, at, end, "batch")) return undefined;
    if (isKey(raw, at, end, "msgid") && raw.charCodeAt(at + 5) === 0x3d /* = */) msgid = raw.slice(at + 6, end);
    at = end + 1;
  }
  if (msgid === undefined || msgid === "" || msgid.includes("\\")) return undefined;
  let at = tagsEnd;
  while (raw.charCodeAt(at) === 0x20) at++;
  if (raw.charCodeAt(at) !== 0x3a /* : */) return undefined;
  const sourceAt = at;
  const sourceEnd = raw.indexOf(" ", at);
  if (sourceEnd === -1) return undefined;
  const bang = raw.indexOf("!", at);
  if (bang === -1 || bang > sourceEnd) return undefined;
  at = sourceEnd;
  while (raw.charCodeAt(at) === 0x20) at++;
  const commandEnd = raw.indexOf(" ", at);
  if (commandEnd === -1) return undefined;
  const command = skippableAt(raw, at, commandEnd);
  if (command === undefined) return undefined;
  const nick = raw.slice(sourceAt + 1, bang);
  at = commandEnd;
  while (raw.charCodeAt(at) === 0x20) at++;
  const trailing = raw.charCodeAt(at) === 0x3a;
  if (trailing) at++;
  const targetEnd = trailing ? raw.length : raw.indexOf(" ", at);
  const channel = raw.slice(at, targetEnd === -1 ? raw.length : targetEnd);
  if (nick === "" || channel === "") return undefined;
  if (command === "PRIVMSG" || command === "NOTICE") {
    if (trailing || targetEnd === -1) return undefined;
    let text = targetEnd;
    while (raw.charCodeAt(text) === 0x20) text++;
    if (raw.charCodeAt(text) === 0x3a) text++;
    if (raw.charCodeAt(text) === 0x01) return undefined;
  }
  return { command, msgid, nick, channel };
}

/** Whether the tag from `at` to `end` has this key (followed by "=" or nothing). */
function isKey(raw: string, at: number, end: number, key: string): boolean {
  const after = at + key.length;
  return after <= end && raw.startsWith(key, at) && (after === end || raw.charCodeAt(after) === 0x3d /* = */);
}

/** The command from `at` to `end` (in any case) when it is one of SKIPPABLE, in upper case; undefined otherwise. */
function skippableAt(raw: string, at: number, end: number): string | undefined {
  for (const command of SKIPPABLE) if (end - at === command.length && sameLetters(raw, at, command)) return command;
  return undefined;
}

/** Whether `raw` has the letters of `upper` at `at`, in either case. */
function sameLetters(raw: string, at: number, upper: string): boolean {
  for (let i = 0; i < upper.length; i++) {
    const code = raw.charCodeAt(at + i);
    const want = upper.charCodeAt(i);
    if (code !== want && code - 32 !== want) return false;
  }
  return true;
}

export interface SkipContext {
  /** Whether the broker already has this msgid in this channel, from another connection (delivered or waiting). */
  readonly known: (channel: string, msgid: string) => boolean;
  /** Whether a nick is ours (this connection's, in the server's casemapping). */
  readonly isMe: (nick: string) => boolean;
  readonly isChannel: (name: string) => boolean;
  /** Whether the connection's watchers wait for a line of this command now (watchersWaitFor). */
  readonly waitingFor: (command: string) => boolean;
}

/** Whether a raw server line may be skipped (see the guarantee above). */
export function heardElsewhere(raw: string, ctx: SkipContext): boolean {
  const copy = channelCopy(raw);
  if (copy === undefined || !ctx.isChannel(copy.channel) || ctx.isMe(copy.nick)) return false;
  // lineMatters (lineInterest.ts) for a line whose command is known to be one of SKIPPABLE.
  if (ctx.waitingFor(copy.command)) return false;
  return ctx.known(copy.channel, copy.msgid);
}

/** Whether the connection's watchers wait for a line of this command (lineInterest.ts's rule, for a command skipped here). */
export function watchersWaitFor(command: string, waiting: Waiting): boolean {
  return waiting.requests || (waiting.joins && command === "JOIN");
}

export interface SkipperContext extends Omit<SkipContext, "known"> {
  /** The connection was closed, or this socket's client replaced: nobody listens to its lines. */
  readonly closed: () => boolean;
}

/**
 * The transport's skipLine: every line once the connection is closed (until the server closes the
 * socket it still sends: at a bridge's stop, each connection in a channel heard the QUIT of every
 * other one that quit before it, N² / 2 lines parsed for no one), MOTD text and LUSERS counts
 * (serverChatter.ts) while no request waits, and, where a broker answers, copies another
 * connection heard (`known`) and NAMES replies the feed has from the channel's reader (`names`:
 * namesReplies.ts).
 */
export function lineSkipper(known: SkipContext["known"] | undefined, ctx: SkipperContext, namesElsewhere?: (channel: string) => boolean): (line: string) => boolean {
  const skip: SkipContext | undefined = known === undefined ? undefined : { known, ...ctx };
  // A request's answer (a user's NAMES) is read: watchersWaitFor says a 353 is waited for while a request waits.
  const names = namesElsewhere === undefined ? undefined : new NamesReplies(namesElsewhere, () => ctx.waitingFor("353"), ctx.isChannel);
  return (line) => {
    if (ctx.closed()) return true;
    const code = numericOf(line);
    if (code === -1) return skip !== undefined && heardElsewhere(line, skip);
    if (isChatter(code)) return !ctx.waitingFor("MOTD");
    return names !== undefined && names.skip(line, code);
  };
}
