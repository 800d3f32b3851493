import { createServer, type Server, type Socket } from "node:net";
import type { AddressInfo } from "node:net";
import { createServer as createTlsServer } from "node:tls";
import { onLines } from "./socketLines";

/**
 * A scripted IRC server on 127.0.0.1 (an ephemeral port) for tests of the IRC transport: it
 * registers a client (CAP negotiation with the caps it is given, 001, 005, end of MOTD), answers
 * PING, and hands every other line after registration to `onLine`, with a function to answer.
 * `received` has every line a client sent, as written. With `tls` (PEM key and certificate) it
 * listens with TLS.
 */
export class FakeIrcServer {
  readonly received: string[] = [];
  /** Each client's nick, as it registered. */
  readonly nicks = new Map<Socket, string>();
  onLine: (line: string, send: (line: string) => void, socket: Socket) => void = () => undefined;
  /** Nicks answered with 433 (in use) while a client registers. */
  readonly inUse = new Set<string>();
  /** What 005 says CASEMAPPING is. */
  casemapping = "rfc1459";
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();

  constructor(
    private readonly caps: readonly string[],
    tls?: { readonly key: string; readonly cert: string },
  ) {
    this.server = tls === undefined ? createServer((socket) => this.serve(socket)) : createTlsServer({ key: tls.key, cert: tls.cert }, (socket) => this.serve(socket));
    // A client that refuses the handshake makes the TLS server emit an error per connection.
    this.server.on("tlsClientError", () => undefined);
  }

  async listen(): Promise<number> {
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    return (this.server.address() as AddressInfo).port;
  }

  /** Hangs up on every client (a server restart, seen from the clients). */
  dropAll(): void {
    for (const socket of this.sockets) socket.destroy();
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private serve(socket: Socket): void {
    this.sockets.add(socket);
    socket.on("close", () => this.sockets.delete(socket));
    socket.on("error", () => undefined);
    const send = (line: string) => {
      if (!socket.destroyed) socket.write(`${line}\r\n`);
    };
    let nick = "*";
    let user = false;
    let capsDone = false;
    let registered = false;
    const welcome = () => {
      if (registered || !user || !capsDone || nick === "*") return;
      registered = true;
      send(`:srv 001 ${nick} :Welcome`);
      send(`:srv 005 ${nick} CASEMAPPING=${this.casemapping} NICKLEN=30 :are supported by this server`);
      send(`:srv 376 ${nick} :End of /MOTD command.`);
    };
    onLines(socket, (line) => {
      this.received.push(line);
      const words = line.split(" ");
      const command = (words[0] ?? "").toUpperCase();
      if (command === "PING") send(`:srv PONG srv :${words.slice(1).join(" ").replace(/^:/, "")}`);
      else if (!registered && command === "CAP" && words[1] === "LS") send(`:srv CAP * LS :${this.caps.join(" ")}`);
      else if (!registered && command === "CAP" && words[1] === "REQ") send(`:srv CAP * ACK ${words.slice(2).join(" ")}`);
      else if (!registered && command === "CAP" && words[1] === "END") {
        capsDone = true;
        welcome();
      } else if (!registered && command === "NICK" && this.inUse.has(words[1] ?? "")) {
        send(`:srv 433 ${nick} ${words[1] ?? ""} :Nickname is already in use`);
      } else if (!registered && command === "NICK") {
        nick = words[1] ?? "*";
        this.nicks.set(socket, nick);
        welcome();
      } else if (!registered && command === "USER") {
        user = true;
        welcome();
      } else if (registered) this.onLine(line, send, socket);
    });
  }
}
