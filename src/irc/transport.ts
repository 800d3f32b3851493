/**
 * The bridge's own socket under irc-framework (its `transport` option): the one place a connection's
 * TCP or TLS socket is opened, its bytes cut into lines and decoded, and lines written.
 *
 * Guarantees:
 * - Lines are cut at LF on bytes, before decoding, so a multi-byte character split across two reads
 *   is never broken; a trailing CR is dropped. Plain TCP sockets read into one shared buffer (net's
 *   `onread`); a line split across reads is copied out before the next read can overwrite it.
 * - Every line is decoded by `decodeLine` (UTF-8, or the network's fallback for bytes that are not
 *   valid UTF-8: see decodeLine.ts); every line written is UTF-8.
 * - A socket error is kept and handed to `close`, so the connection can say why it closed (a
 *   certificate problem, a refused connection).
 * - Lines are written in order; those written in one tick leave together at its end (one write).
 * - Reads put off (readPauses.ts): a connection that `mayPause` (registered, waiting for no echo, JOIN
 *   reply or request's answer) whose last read brought lines, every one
 *   of them skipped (`skipLine`), and fewer than FOLLOW_AT_ONCE_BYTES, is paused until the next tick
 *   of `readPauses`; a line written, or a close, resumes it at once. A read of more is followed at
 *   once: a connection that fell behind catches up without pauses. So is a read after which more
 *   waits in the socket's stream (a TLS socket's decrypted chunks): a paused socket empties its
 *   backlog at one tick.
 * - Keepalive (quietWatch.ts): once registered, a PING goes out only after `pingIntervalMs` with
 *   nothing read; a socket from which nothing was READ for `idleTimeoutMs` is closed, with that as
 *   the reason. Writes do not count (a user who keeps talking to a server that vanished without a
 *   FIN must not keep it alive; Node's own socket timeout counts writes too, so it is not used).
 * - A TLS socket is open (and written to) only once `tlsCheck.verify` accepted the server's
 *   certificate; without a tlsCheck, only when Node's own verification passed (socket.authorized).
 */
import { connect as netConnect, type Socket } from "node:net";
import { connect as tlsConnect, type ConnectionOptions as TlsConnectOptions, type TLSSocket } from "node:tls";
import { QuietWatch } from "./quietWatch";
import type { ReadPauses } from "./readPauses";
import type { ServerEndpoint } from "./serverSettings";
import { TypedEmitter } from "../util/typedEmitter";

/** What the transport is built with (irc-framework hands the transport the client's options). */
export interface TransportOptions {
  /** Where and how to connect this time (connection.ts picks it per attempt). */
  readonly endpoint: ServerEndpoint;
  /** Node TLS options for a TLS endpoint (CA, pins, SNI, client certificate: see tlsOptions.ts); undefined for plain TCP. */
  readonly tlsConnect: TlsConnectOptions | undefined;
  /** Checks the server's certificate at secureConnect and puts handshake errors in words (tlsOptions.ts). */
  readonly tlsCheck?: TlsCheck | undefined;
  /** Local address the socket comes from. */
  readonly localAddress: string | undefined;
  /** Bytes of one line (without CR LF) to text. */
  readonly decodeLine: (bytes: Buffer) => string;
  /** Idle time after which the socket is closed (the network's pingTimeoutSeconds: nothing heard from the server). */
  readonly idleTimeoutMs: number;
  /** Quiet time after which a registered connection PINGs (the network's pingIntervalSeconds); 0 or absent: never. */
  readonly pingIntervalMs?: number | undefined;
  /** Whether the connection is registered now: only then may it PING. */
  readonly registered?: (() => boolean) | undefined;
  /** Whether its reads may be put off now: registered, and waiting for no answer (an echo, a JOIN's reply, a request's). */
  readonly mayPause?: (() => boolean) | undefined;
  /** Lines not handed to irc-framework at all: copies of channel lines another connection heard (heardElsewhere.ts). */
  readonly skipLine?: ((line: string) => boolean) | undefined;
  /** Where a registered connection whose last read was all skipped lines waits before reading again (readPauses.ts); absent: never paused. */
  readonly readPauses?: ReadPauses | undefined;
  /** Set when the connection is held by a connection process (pool/remoteTransport.ts is the transport then). */
  readonly remote?: import("../pool/remoteTransport").RemoteDial | undefined;
}

/** How a TLS endpoint's certificate is checked (see tlsOptions.ts). */
export interface TlsCheck {
  /** An error when the server's certificate is refused, run once the handshake is done. */
  readonly verify: (socket: TLSSocket) => Error | undefined;
  /** A socket error during the handshake in words, or undefined to keep it as it is. */
  readonly explain: (err: Error) => Error | undefined;
}

/**
 * The read buffer of every plain TCP socket (net's `onread`). Sharing it is safe: each read is cut
 * into lines synchronously before the event loop can run another read, and the unfinished line is copied out.
 */
const READ_BUFFER = Buffer.allocUnsafe(64 * 1024);
const EMPTY = Buffer.alloc(0);
/** A read of at least this many bytes is never followed by a pause: the connection may be behind. */
export const FOLLOW_AT_ONCE_BYTES = 16 * 1024;

/**
 * What the transport tells irc-framework's connection (which listens to each) and the connection
 * process (pool/heldConnection.ts). A TypedEmitter rather than Node's EventEmitter, whose table of
 * events is a dictionary of about 0.2 KiB per connection.
 */
export interface TransportEvents {
  open: () => void;
  line: (text: string) => void;
  close: (reason: Error | false) => void;
  debug: (text: string) => void;
  /** "raw socket connected", with the socket: irc-framework's connection tells it on as an event of its own. */
  extra: (name: "raw socket connected", socket: Socket) => void;
}

export class BridgeTransport extends TypedEmitter<TransportEvents> {
  private socket: Socket | undefined;
  private connected = false;
  private buffer: Buffer = Buffer.alloc(0);
  private lastError: Error | undefined;
  private readonly quiet: QuietWatch;

  constructor(private readonly options: { readonly ircbridge: TransportOptions }) {
    super();
    const o = options.ircbridge;
    this.quiet = new QuietWatch({
      pingAfterMs: o.pingIntervalMs ?? 0,
      deadAfterMs: o.idleTimeoutMs,
      mayPing: () => this.connected && (o.registered?.() ?? false),
      ping: () => this.writeLine("PING :ircbridge-keepalive"),
      dead: () => {
        this.lastError ??= new Error(`nothing heard from the server for ${Math.round(o.idleTimeoutMs / 1000)} s`);
        this.close(true);
      },
    });
  }

  isConnected(): boolean {
    return this.connected;
  }

  /** irc-framework asks for an encoding; lines are always written as UTF-8 and read by decodeLine. */
  setEncoding(_encoding: string): boolean {
    return true;
  }

  writeLine(line: string, cb?: () => void): void {
    const socket = this.socket;
    if (socket !== undefined && this.connected) {
      // What is written may be answered (an echo, a reply, a JOIN): read it without the pause.
      this.options.ircbridge.readPauses?.resume(socket);
      // Lines written in one tick (registration, CAP, a burst of the paced queue) leave in one
      // system call: the socket is corked until the tick ends (each write on loopback cost ~0.2 ms).
      if (socket.writableCorked === 0) {
        socket.cork();
        process.nextTick(() => socket.uncork());
      }
      socket.write(`${line}\r\n`, "utf8", cb);
      return;
    }
    if (cb !== undefined) process.nextTick(cb);
  }

  connect(): void {
    const o = this.options.ircbridge;
    this.disposeSocket();
    this.buffer = EMPTY;
    this.lastError = undefined;
    const { host, port } = o.endpoint;
    const where = { host, port, ...(o.localAddress === undefined ? {} : { localAddress: o.localAddress }), ...(o.endpoint.family === undefined ? {} : { family: o.endpoint.family }) };
    const open = () => {
      this.connected = true;
      this.emit("open");
    };
    let socket: Socket;
    if (o.tlsConnect === undefined) {
      // Read into the one shared buffer, past Node's stream: no Buffer allocated and no 'data' event per read.
      socket = netConnect({ ...where, onread: { buffer: READ_BUFFER, callback: (n, buffer) => this.read(Buffer.from(buffer.buffer, buffer.byteOffset, n), socket) } });
      socket.on("connect", open);
    } else {
      const secure = tlsConnect({ ...o.tlsConnect, ...where });
      secure.on("secureConnect", () => {
        const refused = o.tlsCheck === undefined ? (secure.authorized ? undefined : new Error(`the server's TLS certificate was refused (${String(secure.authorizationError)})`)) : o.tlsCheck.verify(secure);
        if (refused === undefined) return open();
        this.lastError = refused;
        secure.destroy();
      });
      secure.on("data", (data: Buffer) => this.read(data, secure));
      socket = secure;
    }
    this.socket = socket;
    // IRC writes small lines and waits for answers: without this, Nagle's algorithm holds a line
    // behind the server's delayed ACK (~40 ms each time; npm run bench:connect showed it).
    socket.setNoDelay(true);
    this.quiet.start();
    socket.on("connect", () => this.emit("extra", "raw socket connected", socket));
    socket.on("error", (err: Error) => {
      this.lastError ??= o.tlsCheck?.explain(err) ?? err;
    });
    socket.on("close", () => {
      this.quiet.stop();
      this.connected = false;
      this.emit("close", this.lastError ?? false);
    });
  }

  /**
   * Cuts what was read into lines; `data` may be the shared READ_BUFFER, so nothing of it is kept
   * past this call without a copy. Then pauses the socket when every line was skipped (see the
   * guarantees above). Always true: a pause goes through `readPauses`, which resumes it.
   */
  private read(data: Buffer, socket: Socket): true {
    // Re-arms the same timer: nothing is allocated per read (quietWatch.ts).
    this.quiet.heard();
    const o = this.options.ircbridge;
    let buffer = this.buffer.length === 0 ? data : Buffer.concat([this.buffer, data]);
    let lines = 0;
    let handed = 0;
    for (let nl = buffer.indexOf(0x0a); nl >= 0; nl = buffer.indexOf(0x0a)) {
      const end = nl > 0 && buffer[nl - 1] === 0x0d ? nl - 1 : nl;
      const line = buffer.subarray(0, end);
      buffer = buffer.subarray(nl + 1);
      const text = o.decodeLine(line);
      lines++;
      if (o.skipLine?.(text) !== true) {
        handed++;
        this.emit("line", text);
      }
    }
    // What is left is the start of a line: copied, since `data` may be the shared buffer the next read overwrites.
    this.buffer = buffer.length === 0 ? EMPTY : Buffer.from(buffer);
    // Not while more waits in the stream: a TLS socket keeps what it decrypted there and hands it on
    // a chunk at a time, so a pause after the first would leave the rest for the next tick, and the
    // next (plain TCP sockets read past the stream: nothing waits there).
    if (handed === 0 && lines > 0 && data.length < FOLLOW_AT_ONCE_BYTES && socket.readableLength === 0 && o.readPauses !== undefined && socket === this.socket && this.connected && o.mayPause?.() === true) o.readPauses.pause(socket);
    return true;
  }

  close(force: boolean): void {
    const socket = this.socket;
    if (socket === undefined) return;
    // A paused socket would not read the server's answer to the close (its FIN) until the tick.
    this.options.ircbridge.readPauses?.resume(socket);
    if (force || !this.connected) socket.destroy();
    else socket.end();
  }

  disposeSocket(): void {
    this.quiet.stop();
    const socket = this.socket;
    if (socket === undefined) return;
    this.options.ircbridge.readPauses?.resume(socket);
    socket.removeAllListeners();
    // A late error from the socket being torn down must not go unhandled.
    socket.on("error", () => undefined);
    if (!socket.destroyed) socket.destroy();
    this.socket = undefined;
    this.connected = false;
  }
}
