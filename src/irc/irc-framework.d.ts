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
    transport: new (options: { readonly ircbridge: import("./transport").TransportOptions }) => FrameworkTransport;
    /** Read by the bridge's transport only. */
    ircbridge: import("./transport").TransportOptions;
    sasl_mechanism?: "PLAIN" | "EXTERNAL";
    client_certificate?: { private_key: string; certificate: string };
  }

  /** What irc-framework's connection calls on its transport (connection.js), besides `on` for "open", "line", "close", "debug" and "extra". */
  export interface FrameworkTransport {
    removeAllListeners(): unknown;
    connect(): void;
    setEncoding(encoding: string): boolean;
    writeLine(line: string, cb?: () => void): void;
    close(force: boolean): void;
    disposeSocket(): void;
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
    // The parts createStructure builds (writable: the bridge's client builds them itself, leanStructure.ts).
    user: { nick: string; username: string; host: string; away: boolean; toggleModes(modes: string): void };
    /** The options it was built with (read again by its SASL handler, see saslLogin.ts). */
    readonly options: Partial<ClientOptions>;
    network: {
      /** The network's name (ISUPPORT NETWORK; undefined after a bare NETWORK token), the server's (001's source) and its software (002). */
      name: string;
      server: string;
      ircd: string;
      options: Record<string, unknown>;
      supports(name: string): unknown;
      isChannelName(name: string): boolean;
      cap: { isEnabled(cap: string): boolean; enabled: string[]; requested: string[]; available: Map<string, string>; negotiating: boolean };
    };
    /** Whether its connection's socket is open (irc-framework: an accessor on each client). */
    get connected(): boolean;
    /** Builds its parts (connection, NetworkInfo, user, command handler, WHOX token) and their listeners: called by its constructor. */
    createStructure(): void;
    /**
     * Its command dispatch: `handlers` maps a command (or numeric's name) to its handler (see
     * sharedHandlers.ts); `dispatch` runs a parsed line through them; `emit` is an own property
     * that wraps its emitter's (an "all" event first), replaced by dispatchingClient.ts.
     */
    command_handler: {
      handlers: Readonly<Record<string, unknown>>;
      emit: (event: string, arg?: unknown) => boolean;
      dispatch(message: IrcMessage): void;
      resetCache(): void;
      eventNames(): (string | symbol)[];
      listenerCount(event: string | symbol): number;
      removeAllListeners(event?: string): unknown;
    };
    /** Its connection: the transport's lines become "raw" and "message" events (parsed lines) here. */
    connection: {
      /** Whether its socket is open. */
      readonly connected: boolean;
      /** An own property on the bridge's clients (dispatchingClient.ts): the steps of irc-framework's listeners, then its emitter's. */
      emit: (event: string, ...args: unknown[]) => boolean;
      eventNames(): (string | symbol)[];
      listenerCount(event: string | symbol): number;
      removeAllListeners(event?: string): unknown;
      /** Marks the registration done (irc-framework's client calls it at RPL_WELCOME). */
      registeredSuccessfully(): void;
      /** Takes one line as read from the server (tests feed lines through it). */
      addReadBuffer(line: string): void;
    };
    /** Compares two names by the server's casemapping. */
    caseCompare(a: string, b: string): boolean;
    /** Writes CAP LS, PASS, NICK and USER (when its socket opens). */
    registerToNetwork(): void;
    /** irc-framework's own timers: no-ops with the bridge's `ping_interval` and `ping_timeout` of 0. */
    startPingTimeoutTimer(): void;
    startPeriodicPing(): void;
    /** Restarts its ping timeout at every event (a no-op unless `ping_timeout` is set: the bridge sets it to 0). */
    resetPingTimeoutTimer(): void;
    /** Middleware (irc-framework's `use`): the bridge adds none (dispatchingClient.ts refuses it). */
    use(middleware: (...args: unknown[]) => void): this;
    removeAllListeners(event?: string): this;
  }
}

// irc-framework's own parts of a client (what its createStructure builds), for the bridge's client to
// build them itself (src/irc/leanStructure.ts).
declare module "irc-framework/src/connection" {
  import type { Client, ClientOptions } from "irc-framework";
  const Connection: new (options: Partial<ClientOptions> | null) => Client["connection"];
  export = Connection;
}

declare module "irc-framework/src/networkinfo" {
  import type { Client } from "irc-framework";
  const NetworkInfo: new () => Client["network"];
  export = NetworkInfo;
}

declare module "irc-framework/src/user" {
  import type { Client } from "irc-framework";
  const User: new () => Client["user"];
  export = User;
}

declare module "irc-framework/src/commands/handler" {
  import type { Client } from "irc-framework";
  const IrcCommandHandler: new (client: Client) => Client["command_handler"];
  export = IrcCommandHandler;
}
