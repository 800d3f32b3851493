import { createServer, type Server, type Socket } from "node:net";
import type { IrcConnection } from "../../src/irc/connection";
import { registeredConnection } from "./connectedClient";

/**
 * A tiny IRC server that answers each message (tests of refusals), on an ephemeral 127.0.0.1 port, for one client: it offers `caps`, registers
 * the client as `me`, and answers every PRIVMSG or NOTICE with what `answer` returns for it
 * (raw lines, ":srv" style; "echo" echoes the line back as the client's own).
 */
export class AnsweringIrcServer {
  readonly lines: string[] = [];
  private syncs = 0;
  private readonly waiting = new Map<string, () => void>();
  private socket: Socket | undefined;
  private readonly server: Server;

  private constructor(
    private readonly caps: string,
    private readonly answer: (command: string, target: string, text: string) => readonly string[],
  ) {
    this.server = createServer((socket) => {
      this.socket = socket;
      let buffer = "";
      socket.setEncoding("utf8");
      socket.on("data", (chunk: string) => {
        buffer += chunk;
        let at = buffer.indexOf("\n");
        while (at >= 0) {
          this.onLine(buffer.slice(0, at).replace(/\r$/, ""));
          buffer = buffer.slice(at + 1);
          at = buffer.indexOf("\n");
        }
      });
      socket.on("error", () => undefined);
    });
  }

  static async start(caps: string, answer: (command: string, target: string, text: string) => readonly string[]): Promise<AnsweringIrcServer> {
    const server = new AnsweringIrcServer(caps, answer);
    await new Promise<void>((resolve) => server.server.listen(0, "127.0.0.1", resolve));
    return server;
  }

  get port(): number {
    const address = this.server.address();
    if (address === null || typeof address === "string") throw new Error("not listening");
    return address.port;
  }

  /** A connection to this server, registered as `me`. */
  connect(): Promise<IrcConnection> {
    return registeredConnection(this.port, "me");
  }

  async close(): Promise<void> {
    this.socket?.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Sends raw lines to the client, and resolves once the client answered a PING after them (so they were handled). */
  async push(...lines: string[]): Promise<void> {
    for (const line of lines) this.send(line);
    const token = `sync${++this.syncs}`;
    const answered = new Promise<void>((resolve) => this.waiting.set(token, resolve));
    this.send(`PING :${token}`);
    await answered;
  }

  private send(line: string): void {
    this.socket?.write(`${line}\r\n`);
  }

  private onLine(line: string): void {
    this.lines.push(line);
    const [command = "", target = "", ...rest] = line.split(" ");
    const text = rest.join(" ").replace(/^:/, "");
    if (command === "PONG") this.waiting.get(rest.at(-1)?.replace(/^:/, "") ?? target.replace(/^:/, ""))?.();
    else if (command === "CAP" && target === "LS") this.send(`:srv CAP * LS :${this.caps}`);
    else if (command === "CAP" && target === "REQ") this.send(`:srv CAP * ACK ${rest.join(" ")}`);
    else if (command === "CAP" && target === "END") this.send(":srv 001 me :Welcome");
    else if (command === "PRIVMSG" || command === "NOTICE") {
      for (const answer of this.answer(command, target, text)) this.send(answer === "echo" ? `:me!me@host ${line}` : answer);
    }
  }
}
