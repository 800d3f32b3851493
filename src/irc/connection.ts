/**
 * One IRC connection (a Matrix user's puppet or the bridge bot), wrapping irc-framework: the only
 * file that imports it. Transport only: it reports what the server said as typed events and writes
 * what it is told to, through its paced queue (see pacedQueue.ts) and the safe line builder.
 */
import { Client } from "irc-framework";
import type { JoinEvent, KickEvent, MessageEvent, NamesEvent, NickEvent, PartEvent, QuitEvent, Tags, TopicEvent } from "./events";
import { buildLine, ctcpAction, splitMessage, textBudget } from "./lines";
import { PacedQueue, systemClock, type Clock, type PacingSettings } from "./pacedQueue";
import { nickAlternatives } from "./nickTemplate";
import { parseCasemapping, type Casemapping } from "./casemapping";
import { TypedEmitter } from "../util/typedEmitter";

export interface ConnectionOptions {
  readonly id: string;
  readonly server: { readonly host: string; readonly port: number; readonly tls: boolean };
  readonly nick: string;
  readonly username: string;
  readonly realname: string;
  readonly pacing: PacingSettings;
  readonly keepalive: { readonly pingIntervalS: number; readonly pingTimeoutS: number };
  readonly clock?: Clock;
}

export interface ConnectionEvents {
  registered: (nick: string, nickNote: string | undefined) => void;
  message: (e: MessageEvent) => void;
  join: (e: JoinEvent) => void;
  part: (e: PartEvent) => void;
  kick: (e: KickEvent) => void;
  quit: (e: QuitEvent) => void;
  nick: (e: NickEvent) => void;
  topic: (e: TopicEvent) => void;
  names: (e: NamesEvent) => void;
  /** An error numeric or ERROR line the server sent (e.g. banned, too many connections). */
  serverError: (e: { readonly error: string; readonly reason: string; readonly channel: string | undefined }) => void;
  /** The socket is gone; `fatal` when the server refused us for good (ban, limit). */
  closed: (e: { readonly reason: string; readonly fatal: boolean }) => void;
}

const FATAL = /banned|k-?lined|g-?lined|z-?lined|too many (host )?connections|too many connections from|throttl|no more connections|connection limit/i;
/** Bytes we assume for our own "nick!user@host" when the server has not told us (hosts may be 63). */
const HOSTMASK_BOUND = 100;

const str = (v: unknown): string => (typeof v === "string" ? v : "");
const optStr = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === "number" && Number.isFinite(v) ? v : undefined);
function tagsOf(v: unknown): Tags {
  if (typeof v !== "object" || v === null) return {};
  const out: Record<string, string> = {};
  for (const [k, value] of Object.entries(v)) out[k] = typeof value === "string" ? value : "";
  return out;
}
function batchOf(v: unknown): string | undefined {
  return typeof v === "object" && v !== null && "type" in v && typeof v.type === "string" ? v.type : undefined;
}
type Raw = Record<string, unknown>;

export class IrcConnection extends TypedEmitter<ConnectionEvents> {
  readonly id: string;
  private readonly client: Client;
  private readonly queue: PacedQueue;
  private registered = false;
  private closedAlready = false;
  private lastError: string | undefined;
  private readonly alternatives: Generator<string>;
  private nickNote: string | undefined;

  constructor(private readonly options: ConnectionOptions) {
    super();
    this.id = options.id;
    this.client = new Client({
      host: options.server.host,
      port: options.server.port,
      tls: options.server.tls,
      nick: options.nick,
      username: options.username,
      gecos: options.realname,
      auto_reconnect: false,
      ping_interval: options.keepalive.pingIntervalS,
      ping_timeout: options.keepalive.pingTimeoutS,
      enable_echomessage: false,
      version: null,
    });
    this.client.requestCap(["draft/chathistory", "chathistory", "labeled-response", "draft/event-playback"]);
    this.queue = new PacedQueue(options.pacing, (line) => this.client.raw(line), options.clock ?? systemClock);
    this.alternatives = nickAlternatives(options.nick, 30);
    this.listen();
  }

  get nick(): string {
    return this.client.user.nick;
  }

  get isRegistered(): boolean {
    return this.registered && !this.closedAlready;
  }

  get isClosed(): boolean {
    return this.closedAlready;
  }

  /** Lines waiting to be written. */
  get queued(): number {
    return this.queue.length;
  }

  hasCap(cap: string): boolean {
    return this.client.network.cap.isEnabled(cap);
  }

  isupport(name: string): string | undefined {
    const value = this.client.network.supports(name);
    return typeof value === "string" ? value : typeof value === "number" ? String(value) : undefined;
  }

  get casemapping(): Casemapping {
    return parseCasemapping(this.isupport("CASEMAPPING"));
  }

  get nicklen(): number {
    return Number(this.isupport("NICKLEN") ?? 30) || 30;
  }

  connect(): void {
    this.client.connect();
  }

  /** Queues one command; false when the queue is full (the caller tells the user). */
  send(command: string, params: readonly string[]): Promise<void> | false {
    if (this.closedAlready) return Promise.reject(new Error("the connection is closed"));
    return this.queue.push(buildLine(command, params));
  }

  /**
   * Queues a message (split into lines that fit); resolves when every line was written to the
   * socket. False, with nothing queued, when the queue cannot take all of it.
   */
  say(kind: "privmsg" | "notice" | "action", target: string, body: string): Promise<void> | false {
    const command = kind === "notice" ? "NOTICE" : "PRIVMSG";
    const budget = textBudget(command, target, HOSTMASK_BOUND) - (kind === "action" ? 9 : 0);
    const lines = splitMessage(body, budget);
    if (lines.length === 0) return Promise.resolve();
    if (this.closedAlready) return Promise.reject(new Error("the connection is closed"));
    const free = this.options.pacing.maxQueuedLines - this.queue.length;
    if (lines.length > free) return false;
    const written: Promise<void>[] = [];
    for (const line of lines) {
      const pushed = this.queue.push(buildLine(command, [target, kind === "action" ? ctcpAction(line) : line]));
      if (pushed === false) return false;
      written.push(pushed);
    }
    return Promise.all(written).then(() => undefined);
  }

  /** Sends QUIT and closes; queued lines that were not written are rejected. */
  close(reason: string): void {
    if (this.closedAlready) return;
    this.client.quit(reason);
    this.finish(reason, false);
  }

  private finish(reason: string, fatal: boolean): void {
    if (this.closedAlready) return;
    this.closedAlready = true;
    this.registered = false;
    this.queue.clear(new Error(`connection closed: ${reason}`));
    this.emit("closed", { reason, fatal });
  }

  private listen(): void {
    const c = this.client;
    c.on("registered", () => {
      this.registered = true;
      this.queue.resume();
      this.emit("registered", c.user.nick, this.nickNote);
    });
    c.on("nick in use", (e: Raw) => {
      if (this.registered) {
        this.emit("serverError", { error: "nick_in_use", reason: `the nick ${str(e.nick)} is already in use`, channel: undefined });
        return;
      }
      const next = this.alternatives.next();
      const alt = next.done === true ? `m${Date.now().toString(36)}` : next.value;
      this.nickNote = `the nick ${this.options.nick} was in use on ${this.options.server.host}, so you are ${alt}`;
      c.changeNick(alt);
    });
    c.on("erroneus nickname", () => {
      const alt = `m-${this.options.username}`.slice(0, 30);
      this.nickNote = `the nick ${this.options.nick} was refused by the server, so you are ${alt}`;
      c.changeNick(alt);
    });
    const message = (kind: MessageEvent["kind"]) => (e: Raw) => {
      if (e.from_server === true) return;
      this.emit("message", { kind, from: str(e.nick), target: str(e.target), text: str(e.message), tags: tagsOf(e.tags), time: num(e.time), batch: batchOf(e.batch) });
    };
    c.on("privmsg", message("privmsg"));
    c.on("notice", message("notice"));
    c.on("action", message("action"));
    c.on("join", (e: Raw) => this.emit("join", { nick: str(e.nick), channel: str(e.channel), account: optStr(e.account), tags: tagsOf(e.tags), time: num(e.time), batch: batchOf(e.batch) }));
    c.on("part", (e: Raw) => this.emit("part", { nick: str(e.nick), channel: str(e.channel), reason: str(e.message), tags: tagsOf(e.tags), time: num(e.time), batch: batchOf(e.batch) }));
    c.on("kick", (e: Raw) =>
      this.emit("kick", { by: str(e.nick), nick: str(e.kicked), channel: str(e.channel), reason: str(e.message), tags: tagsOf(e.tags), time: num(e.time), batch: batchOf(e.batch) }),
    );
    c.on("quit", (e: Raw) => this.emit("quit", { nick: str(e.nick), reason: str(e.message), tags: tagsOf(e.tags), time: num(e.time), batch: batchOf(e.batch) }));
    c.on("nick", (e: Raw) => this.emit("nick", { nick: str(e.nick), newNick: str(e.new_nick), tags: tagsOf(e.tags), time: num(e.time), batch: batchOf(e.batch) }));
    c.on("topic", (e: Raw) => this.emit("topic", { channel: str(e.channel), topic: str(e.topic), by: optStr(e.nick), tags: tagsOf(e.tags), time: num(e.time), batch: batchOf(e.batch) }));
    c.on("userlist", (e: Raw) => {
      const users = Array.isArray(e.users)
        ? e.users.map((u: Raw) => ({ nick: str(u.nick), modes: Array.isArray(u.modes) ? u.modes.map(str) : [] })).filter((u) => u.nick !== "")
        : [];
      this.emit("names", { channel: str(e.channel), users });
    });
    c.on("irc error", (e: Raw) => {
      const reason = str(e.reason) || str(e.error);
      this.lastError = reason;
      this.emit("serverError", { error: str(e.error), reason, channel: optStr(e.channel) });
    });
    c.on("close", () => {
      const reason = this.lastError ?? "connection closed";
      this.finish(reason, FATAL.test(reason));
    });
    c.on("socket close", (err: unknown) => {
      if (err instanceof Error) this.lastError ??= err.message;
    });
  }
}
