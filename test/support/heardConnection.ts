import { IrcConnection, type ConnectionEvents } from "../../src/irc/connection";

/** An IrcConnection that never connects: the test makes it hear lines, and sees what it sends. */
export class HeardConnection extends IrcConnection {
  constructor(
    id: string,
    private readonly ownNick: string,
  ) {
    super({
      id,
      server: { host: "irc.invalid", port: 6667, tls: false, bindAddress: undefined },
      realname: id,
      pacing: { burstLines: 1, lineIntervalMs: 0, maxQueuedLines: 10 },
      keepalive: { pingIntervalS: 30, pingTimeoutS: 60 },
      reconnect: { minMs: 1000, maxMs: 1000 },
      gate: { request: () => undefined, cancel: () => undefined, report: () => undefined, holdReason: undefined },
      priority: () => 0,
    });
  }

  /** Lines the bridge sent ("MODE #chan"), in order. */
  readonly sent: string[] = [];

  override send(command: string, params: readonly string[]): Promise<void> {
    this.sent.push([command, ...params].join(" "));
    return Promise.resolve();
  }

  override get nick(): string {
    return this.ownNick;
  }

  hear<K extends keyof ConnectionEvents>(event: K, ...args: Parameters<ConnectionEvents[K]>): void {
    this.emit(event, ...args);
  }
}

