/**
 * One IRC connection as a connector holds it: the real socket (the bridge's own transport,
 * transport.ts, so TLS checks and line decoding are the same as in-process), what the server said
 * (registrationRecord.ts), and which bridge session it serves.
 *
 * Guarantees:
 * - Every line the server sends is handed on (`toBridge`) in the order received, tagged with the
 *   session it belongs to. While a new session resumes, server lines keep the previous session's
 *   tag, so the bridge holds them with the backlog and gives them to its client after the resumed
 *   registration (the switch to the new tag happens at "resumed", in stream order).
 * - The server's PINGs are answered here, at once, whether a bridge is attached or not, and are not
 *   handed on; a quiet connection is pinged by `keepAlive` (its PONG is not handed on either), so a
 *   connection outlives a bridge that is down for longer than the server's ping timeout.
 * - A session's lines reach the server only while it is the current session: a late line of an
 *   earlier bridge run is dropped.
 */
import { BridgeTransport, type TransportOptions } from "../irc/transport";
import { parseIrcLine } from "../irc/ircLine";
import { RegistrationRecord } from "./registrationRecord";
import { joinFilter, ResumeResponder } from "./resume";

/** The token of the connector's own PINGs (their PONGs are not handed on). */
const OWN_PING = "ircbridge-connector";

export interface HeldEvents {
  /** An entry for the bridge: the socket is open (or the session resumed), a line, "resumed", or closed. */
  readonly toBridge: (e: { t: "open"; session: string; resumed: boolean } | { t: "line"; session: string; line: string; replay?: true } | { t: "resumed"; session: string } | { t: "close"; session: string; reason: string | undefined }) => void;
  /** The connection is gone for good (its socket closed). */
  readonly gone: () => void;
}

export class HeldConnection {
  readonly record = new RegistrationRecord();
  private readonly transport: BridgeTransport;
  private state: "connecting" | "open" | "closed" = "connecting";
  /** The bridge session whose lines are written, and the tag server lines get. */
  private current: string;
  private lineSession: string;
  private resuming: ResumeResponder | undefined;
  /** Resumed at least once: JOINs of channels it is in are answered by nothing (resume.ts joinFilter). */
  private resumed = false;
  private lastHeard = Date.now();

  constructor(
    readonly id: string,
    session: string,
    options: TransportOptions,
    private readonly events: HeldEvents,
  ) {
    this.current = session;
    this.lineSession = session;
    this.transport = new BridgeTransport({ ircbridge: options });
    this.transport.on("open", () => {
      this.state = "open";
      this.events.toBridge({ t: "open", session: this.current, resumed: false });
    });
    this.transport.on("line", (raw: string) => this.heard(raw));
    this.transport.on("close", (err: Error | false) => {
      this.state = "closed";
      this.events.toBridge({ t: "close", session: this.current, reason: err === false ? undefined : err.message });
      this.events.gone();
    });
    this.transport.connect();
  }

  /** The bridge session it serves now. */
  get session(): string {
    return this.current;
  }

  get isClosed(): boolean {
    return this.state === "closed";
  }

  /** Whether a new session can take this connection over without registering again. */
  get resumable(): boolean {
    return this.state === "open" && this.record.complete;
  }

  /** A new bridge session takes the registered connection over (see resume.ts). */
  resume(session: string): void {
    this.current = session;
    this.resuming = new ResumeResponder(this.record);
    this.events.toBridge({ t: "open", session, resumed: true });
  }

  /** A line the bridge wrote. */
  write(session: string, raw: string): void {
    if (session !== this.current || this.state !== "open") return;
    const resuming = this.resuming;
    if (resuming !== undefined) {
      const step = resuming.clientLine(raw);
      for (const line of step.reply) this.events.toBridge({ t: "line", session, line, replay: true });
      if (step.done) this.resumeDone(session);
      return;
    }
    const line = this.resumed ? joinFilter(raw, this.record) : raw;
    if (line !== undefined) this.transport.writeLine(line);
  }

  private resumeDone(session: string): void {
    this.resuming = undefined;
    this.resumed = true;
    this.lineSession = session;
    this.events.toBridge({ t: "resumed", session });
    // What a real JOIN would have brought: the topic and the members, asked of the server now.
    for (const joined of this.record.channels) {
      const channel = parseIrcLine(joined)?.params[0];
      if (channel === undefined) continue;
      this.transport.writeLine(`TOPIC ${channel}`);
      this.transport.writeLine(`NAMES ${channel}`);
    }
  }

  /** The bridge closes the connection (after its QUIT, written before). */
  close(session: string, force: boolean): void {
    if (session !== this.current) return;
    this.transport.close(force);
  }

  /** The connector stops: the connection is quit. */
  quit(reason: string): void {
    if (this.state === "open") this.transport.writeLine(`QUIT :${reason}`);
    this.transport.close(false);
  }

  /** Pings the server when it has been quiet for `quietMs` (called for every connection by one timer). */
  keepAlive(now: number, quietMs: number): void {
    if (this.state === "open" && now - this.lastHeard >= quietMs) this.transport.writeLine(`PING :${OWN_PING}`);
  }

  private heard(raw: string): void {
    this.lastHeard = Date.now();
    const line = parseIrcLine(raw);
    if (line === undefined) return;
    if (line.command === "PING") {
      this.transport.writeLine(`PONG :${line.params[line.params.length - 1] ?? ""}`);
      return;
    }
    if (line.command === "PONG" && line.params[line.params.length - 1] === OWN_PING) return;
    this.record.heard(raw, line);
    this.events.toBridge({ t: "line", session: this.lineSession, line: raw });
  }
}
