/**
 * One connection attempt's route and what its socket learnt about TLS: where it connects (an IRCv3
 * STS policy may send a plaintext endpoint to TLS, see sts.ts), whether the server asked it to
 * upgrade to TLS, and whether its TLS handshake or certificate was refused (tlsOptions.ts).
 *
 * Guarantee: a refusal of an attempt that STS sent to TLS says so (the bridge never falls back to
 * plaintext while the policy holds), so the user learns why it does not simply connect as before.
 */
import type { IrcLine } from "./ircLine";
import type { ServerEndpoint, ServerSettings } from "./serverSettings";
import { stsInCapLine } from "./sts";
import { TlsRefusal } from "./tlsOptions";

export class ConnectAttempt {
  /** The server asked this plaintext connection to upgrade to TLS: it reconnects at once. */
  upgrading = false;
  /** The TLS handshake or the server's certificate was refused. */
  tlsRefused = false;

  private constructor(
    private readonly server: ServerSettings,
    readonly endpoint: ServerEndpoint,
    /** Why TLS, when an STS policy or upgrade made it so. */
    private readonly why: string | undefined,
  ) {}

  /**
   * The next attempt to `planned` (by default the network's first address), with TLS to the
   * policy's port where an STS policy holds for its host.
   */
  static plan(server: ServerSettings, planned: ServerEndpoint = { host: server.host, port: server.port, tls: server.tls }): ConnectAttempt {
    const route = server.sts?.route(planned) ?? { endpoint: planned, why: undefined };
    return new ConnectAttempt(server, route.endpoint, route.why);
  }

  /**
   * A server line: true when it is a CAP line whose sts asks this plaintext connection to upgrade
   * (close it now). A registered connection (CAP NEW) only records it: its next connection uses TLS,
   * and its own loss is handled as any other (never a shortcut past the scheduler).
   */
  heard(line: IrcLine, registered: boolean): boolean {
    const value = stsInCapLine(line);
    if (value === undefined || this.server.sts?.heard(this.endpoint, value) === undefined || registered) return false;
    this.upgrading = true;
    return true;
  }

  /** The socket closed with `err` (irc-framework's "socket close"). */
  socketClosed(err: unknown): void {
    if (err instanceof TlsRefusal) this.tlsRefused = true;
  }

  /** Why the attempt's connection was lost, for the log and the user. */
  reason(lastError: string | undefined): string {
    const base = lastError ?? "connection lost";
    return this.tlsRefused && this.why !== undefined ? `${base}; ${this.why}, so the bridge does not fall back to plaintext` : base;
  }
}
