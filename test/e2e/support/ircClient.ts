import { Socket, connect } from "node:net";
import { bridgeTail } from "./bridgeOutput";

/**
 * A plain IRC client for tests: it speaks raw lines and records every line it receives, so a test
 * can check exactly what reached IRC.
 */
export class TestIrcClient {
  readonly lines: string[] = [];
  private socket: Socket | undefined;
  private buffer = "";
  private waiters: { re: RegExp; from: number; resolve: (line: string) => void }[] = [];

  private constructor(public nick: string) {}

  /**
   * Connects and registers. `caps`: IRCv3 capabilities to ask for (message-tags, draft/multiline...),
   * each asked for on its own so one the server lacks does not refuse the others. `password`: the
   * server password (PASS), for a server that asks every client for one (ergo-secure).
   */
  static async connect(host: string, port: number, nick: string, caps: readonly string[] = [], options: { readonly password?: string } = {}): Promise<TestIrcClient> {
    const client = new TestIrcClient(nick);
    await client.open(host, port, caps, options.password);
    return client;
  }

  /** `password`: the server password (PASS), sent first. */
  private open(host: string, port: number, caps: readonly string[], password?: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, host, () => {
        if (password !== undefined) this.raw(`PASS ${password}`);
        for (const cap of caps) this.raw(`CAP REQ :${cap}`);
        this.raw(`NICK ${this.nick}`);
        this.raw(`USER ${this.nick.toLowerCase().slice(0, 9)} 0 * :test client ${this.nick}`);
        if (caps.length > 0) this.raw("CAP END");
      });
      this.socket = socket;
      // A story that fails before quitting must not keep the test process alive.
      socket.unref();
      socket.setEncoding("utf8");
      socket.on("error", reject);
      socket.on("data", (chunk: string) => {
        this.buffer += chunk;
        let at: number;
        while ((at = this.buffer.indexOf("\r\n")) >= 0) {
          const line = this.buffer.slice(0, at);
          this.buffer = this.buffer.slice(at + 2);
          this.receive(line);
        }
      });
      this.waitFor(/^(?:@\S+ )?:\S+ 001 /, 15000).then(() => resolve(), reject);
    });
  }

  private receive(line: string): void {
    this.lines.push(line);
    const ping = /^PING (.*)$/.exec(line);
    if (ping) this.raw(`PONG ${ping[1] ?? ""}`);
    const index = this.lines.length - 1;
    this.waiters = this.waiters.filter((w) => {
      if (index < w.from || !w.re.test(line)) return true;
      w.resolve(line);
      return false;
    });
  }

  raw(line: string): void {
    this.socket?.write(`${line}\r\n`);
  }

  /** Writes one line as the given bytes (CR LF added): text in a legacy encoding, as old clients send it. */
  rawBytes(line: Buffer): void {
    this.socket?.write(Buffer.concat([line, Buffer.from("\r\n")]));
  }

  /** Waits for a line matching `re` received after line number `from` (default: any). */
  waitFor(re: RegExp, timeoutMs = 20000, from = 0): Promise<string> {
    const seen = this.lines.slice(from).find((l) => re.test(l));
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${this.nick}: no line matching ${String(re)} within ${timeoutMs} ms; last lines:\n${this.lines.slice(-15).join("\n")}${bridgeTail()}`)), timeoutMs);
      this.waiters.push({
        re,
        from,
        resolve: (line) => {
          clearTimeout(timer);
          resolve(line);
        },
      });
    });
  }

  /** Waits until `nick` is on the server (ISON, asked again until it answers with the nick). */
  async waitOnline(nick: string, timeoutMs = 30000): Promise<void> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const from = this.lines.length;
      this.raw(`ISON ${nick}`);
      const answer = await this.waitFor(/ 303 /, 5000, from);
      if (answer.toLowerCase().split(/[ :]+/).includes(nick.toLowerCase())) return;
      if (Date.now() > until) throw new Error(`${nick} not on the IRC server within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  async join(channel: string): Promise<void> {
    const from = this.lines.length;
    this.raw(`JOIN ${channel}`);
    await this.waitFor(new RegExp(` 366 \\S+ ${escape(channel)} `, "i"), 20000, from);
  }

  /** The nicks in a channel (NAMES), without their prefixes. */
  async names(channel: string): Promise<string[]> {
    const from = this.lines.length;
    this.raw(`NAMES ${channel}`);
    await this.waitFor(new RegExp(` 366 \\S+ ${escape(channel)} `, "i"), 20000, from);
    const re = new RegExp(` 353 \\S+ \\S+ ${escape(channel)} :(.*)$`, "i");
    return this.lines
      .slice(from)
      .flatMap((l) => re.exec(l)?.[1]?.split(" ") ?? [])
      .filter((n) => n !== "")
      .map((n) => n.replace(/^[~&@%+]+/, ""));
  }

  say(target: string, text: string): void {
    this.raw(`PRIVMSG ${target} :${text}`);
  }

  /** PRIVMSG texts received in `target` from `nick` (prefix match on the nick). */
  messagesFrom(nickPrefix: string, target: string): string[] {
    const re = new RegExp(`^(?:@\\S+ )?:${escape(nickPrefix)}\\S*!\\S+ PRIVMSG ${escape(target)} :(.*)$`, "i");
    return this.lines.map((l) => re.exec(l)?.[1]).filter((t): t is string => t !== undefined);
  }

  quit(reason = "bye"): Promise<void> {
    return new Promise((resolve) => {
      if (this.socket === undefined || this.socket.destroyed) return resolve();
      this.socket.once("close", () => resolve());
      this.raw(`QUIT :${reason}`);
      setTimeout(() => this.socket?.destroy(), 1000);
    });
  }
}

export function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
