/**
 * irc-framework's transport for a connection held by a connection process (connector.ts): the same
 * surface as the socket transport (irc/transport.ts: connect, writeLine, close, and the events
 * open / line / close), with the socket replaced by the bridge's link to the connectors
 * (bridgeLink.ts). The irc-framework client stays in the bridge; only the socket moves.
 *
 * Guarantees: each connect() is a new session (a random id), so the connector can tell a restarted
 * bridge's client from the previous one; lines are written in order (one Redis connection) and a
 * write's callback runs once the line is in Redis; a closed or replaced session delivers nothing more.
 */
import { EventEmitter } from "node:events";
import { randomUUID } from "node:crypto";
import type { TransportOptions } from "../irc/transport";
import type { RemoteEnd } from "./inboundOrder";
import type { InEntry, OpenRequest } from "./protocol";

/** The link to the connection processes as a transport uses it (bridgeLink.ts; an in-memory one in tests). */
export interface LinkPort {
  /** A new session: the connection is opened, or resumed, by a connection process. */
  open(end: RemoteEnd, request: Omit<OpenRequest, "connection" | "session" | "at">): void;
  /** A line to write; `done` once it is on its way. */
  write(end: RemoteEnd, line: string, done: () => void): void;
  close(end: RemoteEnd, force: boolean): void;
  /** The session is over on the bridge's side. */
  forget(end: RemoteEnd): void;
}

/** What a transport needs to go through the connection process (TransportOptions.remote). */
export interface RemoteDial {
  readonly link: LinkPort;
  /** The connection's stable id (network + Matrix user, or the network's bot). */
  readonly connection: string;
  readonly network: string;
  readonly certificate: { readonly key: string; readonly cert: string } | undefined;
}

export class RemoteTransport extends EventEmitter implements RemoteEnd {
  private connected = false;
  private ended = false;
  session = "";

  constructor(private readonly options: { readonly ircbridge: TransportOptions }) {
    super();
  }

  private get dial(): RemoteDial {
    const remote = this.options.ircbridge.remote;
    if (remote === undefined) throw new Error("RemoteTransport needs ircbridge.remote");
    return remote;
  }

  get connection(): string {
    return this.dial.connection;
  }

  isConnected(): boolean {
    return this.connected;
  }

  setEncoding(_encoding: string): boolean {
    return true;
  }

  connect(): void {
    const o = this.options.ircbridge;
    const dial = this.dial;
    this.session = randomUUID();
    this.connected = false;
    this.ended = false;
    dial.link.open(this, {
      network: dial.network,
      host: o.endpoint.host,
      port: o.endpoint.port,
      tls: o.endpoint.tls,
      family: o.endpoint.family,
      localAddress: o.localAddress,
      certificate: o.endpoint.tls ? dial.certificate : undefined,
    });
  }

  deliver(e: InEntry): void {
    if (this.ended) return;
    switch (e.t) {
      case "open":
        this.connected = true;
        this.emit("open");
        return;
      case "line":
        if (this.options.ircbridge.skipLine?.(e.line) !== true) this.emit("line", e.line);
        return;
      case "resumed":
        return;
      case "close":
        this.connected = false;
        this.ended = true;
        this.emit("close", e.reason === undefined ? false : new Error(e.reason));
        return;
    }
  }

  writeLine(line: string, cb?: () => void): void {
    if (!this.connected) {
      if (cb !== undefined) process.nextTick(cb);
      return;
    }
    this.dial.link.write(this, line, cb ?? (() => undefined));
  }

  close(force: boolean): void {
    if (this.ended) return;
    this.dial.link.close(this, force);
  }

  disposeSocket(): void {
    if (!this.ended && this.connected) this.dial.link.close(this, true);
    this.ended = true;
    this.connected = false;
    this.dial.link.forget(this);
  }
}
