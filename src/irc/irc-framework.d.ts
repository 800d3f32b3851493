// The part of irc-framework's API this bridge uses (the package ships no types). Only files in
// src/irc/ import irc-framework (connection.ts builds its clients).
declare module "irc-framework" {
  import { EventEmitter } from "node:events";

  export interface ClientOptions {
    host: string;
    port: number;
    tls: boolean;
    nick: string;
    username: string;
    gecos: string;
    auto_reconnect: boolean;
    ping_interval: number;
    ping_timeout: number;
    enable_echomessage: boolean;
    version: string | null;
    account?: { account: string; password: string };
    password?: string;
    outgoing_addr?: string;
    webirc?: { password: string; username: string; hostname: string; address: string; options?: Record<string, string> };
    sasl_disconnect_on_fail: boolean;
    /** A transport class (the bridge's own: src/irc/transport.ts), built with these options. */
    transport: new (options: { readonly ircbridge: import("./transport").TransportOptions }) => import("node:events").EventEmitter;
    /** Read by the bridge's transport only. */
    ircbridge: import("./transport").TransportOptions;
    sasl_mechanism?: "PLAIN" | "EXTERNAL";
    client_certificate?: { private_key: string; certificate: string };
  }

  /** A line as irc-framework's parser gives it (tags decoded; nick "" when the source is a server). */
  export interface IrcMessage {
    readonly tags: Readonly<Record<string, string>>;
    readonly nick: string;
    readonly command: string;
    readonly params: readonly string[];
  }

  export class Client extends EventEmitter {
    constructor(options?: Partial<ClientOptions>);
    connect(options?: Partial<ClientOptions>): void;
    raw(line: string): void;
    quit(message?: string): void;
    requestCap(cap: string | string[]): void;
    changeNick(nick: string): void;
    readonly user: { nick: string; username: string };
    /** The options it was built with (read again by its SASL handler, see saslLogin.ts). */
    readonly options: Partial<ClientOptions>;
    readonly network: {
      name: string;
      options: Record<string, unknown>;
      supports(name: string): unknown;
      isChannelName(name: string): boolean;
      cap: { isEnabled(cap: string): boolean; enabled: string[]; available: Map<string, string>; negotiating: boolean };
    };
    readonly connected: boolean;
    /**
     * Its command dispatch: `handlers` maps a command (or numeric's name) to its handler (see
     * sharedHandlers.ts); `dispatch` runs a parsed line through them; `emit` is an own property
     * that wraps its emitter's (an "all" event first), replaced by dispatchingClient.ts.
     */
    readonly command_handler: {
      handlers: Readonly<Record<string, unknown>>;
      emit: (event: string, arg?: unknown) => boolean;
      dispatch(message: IrcMessage): void;
      listenerCount(event: string): number;
      removeAllListeners(event?: string): unknown;
    };
    /** Its connection: the transport's lines become "raw" and "message" events (parsed lines) here. */
    readonly connection: {
      on(event: "raw", listener: (e: unknown) => void): unknown;
      on(event: "message", listener: (message: IrcMessage) => void): unknown;
      listenerCount(event: string): number;
      removeAllListeners(event?: string): unknown;
      /** Takes one line as read from the server (tests feed lines through it). */
      addReadBuffer(line: string): void;
    };
    /** Restarts its ping timeout at every event (a no-op unless `ping_timeout` is set: the bridge sets it to 0). */
    resetPingTimeoutTimer(): void;
    /** Middleware (irc-framework's `use`): the bridge adds none (dispatchingClient.ts refuses it). */
    use(middleware: (...args: unknown[]) => void): this;
    removeAllListeners(event?: string): this;
  }
}
