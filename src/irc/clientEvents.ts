/**
 * Translation of irc-framework's untyped event objects into the bridge's typed IRC events
 * (events.ts). Used by connection.ts only.
 */
import type { Client } from "irc-framework";
import type { AccountEvent, ChannelModesEvent, InviteEvent, JoinEvent, KickEvent, MessageEvent, ModeEvent, NamesEvent, NickEvent, PartEvent, QuitEvent, RedactEvent, TagmsgEvent, Tags, TopicEvent } from "./events";
import { parseIrcLine } from "./ircLine";
import { MultilineBatches } from "./multilineIn";
import { parseModeChanges, type ModeSpec } from "./modes";
import { rawOf, type ClientSink } from "./dispatchingClient";

export type Raw = Record<string, unknown>;

export const str = (v: unknown): string => (typeof v === "string" ? v : "");
export const optStr = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === "number" && Number.isFinite(v) ? v : undefined);

/** Whether every value is a string (irc-framework decodes every tag value to one). */
function allStrings(v: object): v is Record<string, string> {
  for (const value of Object.values(v)) if (typeof value !== "string") return false;
  return true;
}

/**
 * The event's tags. irc-framework's own object (a fresh one per line and connection, never changed
 * after) is taken as it is when every value is a string, which it always is: no copy per event.
 */
function tagsOf(v: unknown): Tags {
  if (typeof v !== "object" || v === null) return {};
  if (allStrings(v)) return v;
  const out: Record<string, string> = {};
  for (const [k, value] of Object.entries(v)) out[k] = typeof value === "string" ? value : "";
  return out;
}

function batchOf(v: unknown): string | undefined {
  return typeof v === "object" && v !== null && "type" in v && typeof v.type === "string" ? v.type : undefined;
}

function batchIdOf(v: unknown): string | undefined {
  return typeof v === "object" && v !== null && "id" in v && typeof v.id === "string" ? v.id : undefined;
}

export interface ForwardedEvents {
  /** A message; a draft/multiline batch comes as one message, its lines joined by "\n" (multilineIn.ts). */
  message: (e: MessageEvent) => void;
  /** A TAGMSG to a channel or to us (reactions, typing). */
  tagmsg: (e: TagmsgEvent) => void;
  /** A REDACT (draft/message-redaction): a message was deleted. */
  redact: (e: RedactEvent) => void;
  join: (e: JoinEvent) => void;
  part: (e: PartEvent) => void;
  kick: (e: KickEvent) => void;
  quit: (e: QuitEvent) => void;
  nick: (e: NickEvent) => void;
  topic: (e: TopicEvent) => void;
  names: (e: NamesEvent) => void;
  account: (e: AccountEvent) => void;
  /** A MODE on a channel (user modes on our own nick are not forwarded). */
  mode: (e: ModeEvent) => void;
  /** The channel's modes, as the server answered `MODE #channel`. */
  channelModes: (e: ChannelModesEvent) => void;
  /** A BATCH finished (its events were emitted just before, each marked with the batch type). */
  batchEnd: (e: { readonly type: string; readonly params: readonly string[] }) => void;
  /** The server announced (more of) its ISUPPORT options, such as CASEMAPPING. */
  isupport: () => void;
  /** An INVITE we heard: to us (delivered to the invited connection only, not through the broker), or invite-notify about another nick. */
  invite: (e: InviteEvent) => void;
  /** A CTCP request (other than ACTION) to us or to a channel we are in: `type` upper case. */
  ctcpRequest: (e: CtcpRequestEvent) => void;
}

export interface CtcpRequestEvent {
  readonly from: string;
  readonly target: string;
  readonly type: string;
}

type Emit = <K extends keyof ForwardedEvents>(event: K, ...args: Parameters<ForwardedEvents[K]>) => void;

const isChannel = (target: string) => /^[#&!+]/.test(target);
/** A list of strings from an untyped value (irc-framework's params): empty when it is no array. */
export const strings = (v: unknown): string[] => (Array.isArray(v) ? v.map(str) : []);

/** How a client's messages are told: to the connection (`emit`), and ours to the echo waiter (`ownMessage`). */
interface MessageOut {
  readonly c: Client;
  readonly emit: Emit;
  readonly ownMessage: (target: string, msgid: string | undefined) => void;
}

const common = (e: Raw) => ({ tags: tagsOf(e.tags), time: num(e.time), batch: batchOf(e.batch) });

function deliver(out: MessageOut, kind: MessageEvent["kind"], e: Raw, text: string, target: string, tags: Tags, time: number | undefined, batch: string | undefined): void {
  if (str(e.nick).toLowerCase() === out.c.user.nick.toLowerCase() && batch === undefined) out.ownMessage(target, tags.msgid);
  const group = optStr(e.group);
  const account = optStr(e.account);
  out.emit("message", { kind, from: str(e.nick), target, text, account, ...(group === undefined ? {} : { group }), tags, time, batch });
}

type Batches = MultilineBatches<{ readonly kind: MessageEvent["kind"]; readonly e: Raw }>;

function message(out: MessageOut, batches: Batches, kind: MessageEvent["kind"], e: Raw): void {
  if (e.from_server === true) return;
  const id = batchOf(e.batch) === "draft/multiline" ? batchIdOf(e.batch) : undefined;
  if (id !== undefined && batches.add(id, str(e.message), tagsOf(e.tags), { kind, e })) return;
  deliver(out, kind, e, str(e.message), str(e.target), tagsOf(e.tags), num(e.time), batchOf(e.batch));
}

/**
 * The handler of the client's events that are told as typed events; `ownMessage` sees our echoes.
 * One function per client (dispatchingClient.ts), not a listener per event. Mode strings are parsed
 * with `spec()`, the server's PREFIX and CHANMODES at that moment (see modes.ts), from
 * irc-framework's raw mode string and parameters, not from its own parse.
 */
export function eventForwarder(c: Client, emit: Emit, ownMessage: (target: string, msgid: string | undefined) => void, spec: () => ModeSpec): ClientSink {
  const out: MessageOut = { c, emit, ownMessage };
  const batches: Batches = new MultilineBatches();
  return (event, arg) => {
    const e = rawOf(arg);
    switch (event) {
      case "raw": {
        const line = e.from_server === true && str(e.line).includes(" BATCH +") ? parseIrcLine(str(e.line)) : undefined;
        if (line !== undefined) batches.heard(line);
        return;
      }
      case "batch end draft/multiline": {
        const whole = batches.end(str(e.id));
        const time = whole?.tags.time === undefined ? undefined : Date.parse(whole.tags.time);
        if (whole !== undefined) deliver(out, whole.first.kind, whole.first.e, whole.text, whole.target, whole.tags, Number.isFinite(time) ? time : undefined, undefined);
        return;
      }
      case "tagmsg":
        if (e.from_server !== true && str(e.nick) !== "") emit("tagmsg", { from: str(e.nick), target: str(e.target), ...common(e) });
        return;
      case "unknown command": {
        const [target, msgid, reason] = strings(e.params);
        if (str(e.command) !== "REDACT" || target === undefined || msgid === undefined || str(e.nick) === "") return;
        const tags = tagsOf(e.tags);
        const time = tags.time === undefined ? undefined : Date.parse(tags.time);
        emit("redact", { from: str(e.nick), target, msgid, reason: reason ?? "", tags, time: Number.isFinite(time) ? time : undefined, batch: batchOf(e.batch) });
        return;
      }
      case "privmsg":
      case "notice":
      case "action":
        return message(out, batches, event, e);
      case "join":
        return emit("join", { nick: str(e.nick), channel: str(e.channel), account: optStr(e.account), ...common(e) });
      case "part":
        return emit("part", { nick: str(e.nick), channel: str(e.channel), reason: str(e.message), ...common(e) });
      case "kick":
        return emit("kick", { by: str(e.nick), nick: str(e.kicked), channel: str(e.channel), reason: str(e.message), ...common(e) });
      case "quit":
        return emit("quit", { nick: str(e.nick), reason: str(e.message), ...common(e) });
      case "nick":
        return emit("nick", { nick: str(e.nick), newNick: str(e.new_nick), ...common(e) });
      case "topic":
        return emit("topic", { channel: str(e.channel), topic: str(e.topic), by: optStr(e.nick), ...common(e) });
      case "userlist": {
        const users = Array.isArray(e.users)
          ? e.users.map((u: Raw) => ({ nick: str(u.nick), modes: strings(u.modes) })).filter((u) => u.nick !== "")
          : [];
        return emit("names", { channel: str(e.channel), users });
      }
      case "account":
        return emit("account", { nick: str(e.nick), account: optStr(e.account) });
      case "mode": {
        const channel = str(e.target);
        if (!isChannel(channel)) return;
        return emit("mode", { by: str(e.nick), channel, changes: parseModeChanges(str(e.raw_modes), strings(e.raw_params), spec()), ...common(e) });
      }
      case "channel info":
        // The same event carries the creation time (329) and URL (328): only the mode answer has raw_modes.
        if (typeof e.raw_modes !== "string") return;
        return emit("channelModes", { channel: str(e.channel), changes: parseModeChanges(e.raw_modes, strings(e.raw_params), spec()) });
      case "server options":
        return emit("isupport");
      case "invite":
        return emit("invite", { by: str(e.nick), invited: str(e.invited), channel: str(e.channel), ...common(e) });
      case "ctcp request":
        if (e.from_server !== true && str(e.nick) !== "") emit("ctcpRequest", { from: str(e.nick), target: str(e.target), type: str(e.type).toUpperCase() });
        return;
      case "batch end":
        return emit("batchEnd", { type: str(e.type), params: strings(e.params) });
      default:
        return;
    }
  };
}
