/**
 * The bridge's ident server (RFC 1413): IRC servers ask it which user owns a connection, and it
 * names the puppet's own username, so network staff see each bridged user's ident.
 *
 * Guarantee: it answers only for connections the bridge holds right now (see identProtocol.ts for
 * which queries name a user), and it cannot be made to hold resources: at most `maxConnections`
 * sockets at once and `maxPerHost` from one address (more are closed at once), at most
 * MAX_QUERIES_PER_CONNECTION answers per socket, a line longer than MAX_QUERY_BYTES or a query it
 * cannot read closes the socket, and a socket idle for `timeoutMs` is closed.
 */
import { createServer, type Server, type Socket } from "node:net";
import { identAnswer, MAX_QUERY_BYTES, matches, parseIdentQuery, type IdentQuery, type SocketPair } from "./identProtocol";

export const MAX_QUERIES_PER_CONNECTION = 8;

export interface IdentServerOptions {
  readonly address: string;
  readonly port: number;
  readonly timeoutMs?: number;
  readonly maxConnections?: number;
  readonly maxPerHost?: number;
  /** The bridge's live IRC connections: their socket pairs and usernames. */
  readonly connections: () => Iterable<{ readonly pair: SocketPair | undefined; readonly username: string }>;
  readonly log?: { info(message: string, meta?: Record<string, unknown>): void; warn(message: string, meta?: Record<string, unknown>): void };
}

export class IdentServer {
  private server: Server | undefined;
  private readonly open = new Set<Socket>();
  private readonly perHost = new Map<string, number>();

  constructor(private readonly options: IdentServerOptions) {}

  /** The port it listens on (the configured one, or the one the system chose for port 0). */
  get port(): number {
    const address = this.server?.address();
    return typeof address === "object" && address !== null ? address.port : this.options.port;
  }

  async start(): Promise<void> {
    const server = createServer((socket) => this.accept(socket));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen({ host: this.options.address, port: this.options.port }, () => {
        server.off("error", reject);
        resolve();
      });
    });
    server.on("error", (err) => this.options.log?.warn("ident server error", { error: err.message }));
    this.options.log?.info("ident server listening", { address: this.options.address, port: this.port });
  }

  async stop(): Promise<void> {
    for (const socket of this.open) socket.destroy();
    const server = this.server;
    this.server = undefined;
    if (server !== undefined) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** The username of the connection a query asks about, seen from the query's socket. */
  lookup(query: IdentQuery, asked: { readonly ourAddress: string; readonly querier: string }): string | undefined {
    for (const c of this.options.connections()) if (c.pair !== undefined && matches(c.pair, query, asked)) return c.username;
    return undefined;
  }

  private accept(socket: Socket): void {
    const host = socket.remoteAddress ?? "";
    const fromHost = this.perHost.get(host) ?? 0;
    if (this.open.size >= (this.options.maxConnections ?? 256) || fromHost >= (this.options.maxPerHost ?? 32)) {
      socket.destroy();
      return;
    }
    this.open.add(socket);
    this.perHost.set(host, fromHost + 1);
    socket.once("close", () => {
      this.open.delete(socket);
      const left = (this.perHost.get(host) ?? 1) - 1;
      if (left <= 0) this.perHost.delete(host);
      else this.perHost.set(host, left);
    });
    socket.on("error", () => socket.destroy());
    socket.setTimeout(this.options.timeoutMs ?? 10000, () => socket.destroy());
    const asked = { ourAddress: socket.localAddress ?? "", querier: host };
    let buffer = "";
    let answered = 0;
    let done = false;
    const finish = () => {
      done = true;
      socket.end();
    };
    socket.setEncoding("latin1");
    socket.on("data", (chunk: string) => {
      if (done) return;
      buffer += chunk;
      let end: number;
      while ((end = buffer.indexOf("\n")) >= 0) {
        const line = buffer.slice(0, end).replace(/\r$/, "");
        buffer = buffer.slice(end + 1);
        if (line.length > MAX_QUERY_BYTES) {
          socket.destroy();
          return;
        }
        const parsed = parseIdentQuery(line);
        if (!parsed.ok) {
          if (parsed.answer !== undefined) socket.write(`${parsed.answer}\r\n`);
          finish();
          return;
        }
        socket.write(`${identAnswer(parsed.query, this.lookup(parsed.query, asked))}\r\n`);
        if (++answered >= MAX_QUERIES_PER_CONNECTION) {
          finish();
          return;
        }
      }
      if (buffer.length > MAX_QUERY_BYTES) socket.destroy();
    });
  }
}
