import { lineDecoder } from "../../src/irc/decodeLine";
import { HeldConnection } from "../../src/pool/heldConnection";
import { InboundOrder, type RemoteEnd } from "../../src/pool/inboundOrder";
import type { InEntry, OpenRequest } from "../../src/pool/protocol";
import type { LinkPort } from "../../src/pool/remoteTransport";

/**
 * The bridge's link and one connector in memory, for handler tests of the connection process: the
 * connector's side is the real HeldConnection (a real socket to a test server), the stream `<p>:in`
 * is an array with acknowledgements, and the bridge's side is the real InboundOrder. `stop()` is
 * the bridge going down (nothing more is read or written, as after BridgeLink.detach), `start()` a
 * new bridge process reading what it had not acknowledged, in order.
 */
export class MemoryPool implements LinkPort {
  readonly held = new Map<string, HeldConnection>();
  readonly stream: { readonly id: string; readonly entry: InEntry }[] = [];
  readonly acked = new Set<string>();
  private order = this.newOrder();
  private up = true;
  private next = 0;

  constructor(private readonly port: number) {}

  private newOrder(): InboundOrder {
    return new InboundOrder((ids) => ids.forEach((id) => this.acked.add(id)));
  }

  stop(): void {
    this.up = false;
  }

  start(): void {
    this.up = true;
    this.order = this.newOrder();
    for (const { id, entry } of this.stream) if (!this.acked.has(id)) this.read(id, entry);
  }

  open(end: RemoteEnd, _request: Omit<OpenRequest, "connection" | "session" | "at">): void {
    if (!this.up) return;
    this.order.attach(end);
    const { connection, session } = end;
    const existing = this.held.get(connection);
    if (existing?.resumable === true) return existing.resume(session);
    const held = new HeldConnection(
      connection,
      session,
      { endpoint: { host: "127.0.0.1", port: this.port, tls: false }, tlsConnect: undefined, localAddress: undefined, decodeLine: lineDecoder(), idleTimeoutMs: 0 },
      { toBridge: (e) => this.push(e.t === "open" ? { ...e, connection, owner: "memory" } : { ...e, connection }), gone: () => this.held.delete(connection) },
    );
    this.held.set(connection, held);
  }

  write(end: RemoteEnd, line: string, done: () => void): void {
    if (this.up) this.held.get(end.connection)?.write(end.session, line);
    done();
  }

  close(end: RemoteEnd, force: boolean): void {
    if (this.up) this.held.get(end.connection)?.close(end.session, force);
  }

  forget(end: RemoteEnd): void {
    this.order.detach(end);
  }

  /** Lines in the stream not acknowledged yet. */
  get unacked(): string[] {
    return this.stream.filter((s) => !this.acked.has(s.id) && s.entry.t === "line").map((s) => (s.entry.t === "line" ? s.entry.line : ""));
  }

  private push(entry: InEntry): void {
    const id = String(++this.next);
    this.stream.push({ id, entry });
    if (this.up) this.read(id, entry);
  }

  private read(id: string, entry: InEntry): void {
    if (this.order.handle(id, entry)) this.acked.add(id);
  }
}
