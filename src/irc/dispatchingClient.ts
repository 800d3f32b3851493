/**
 * irc-framework's client, with every event it emits also handed to one function, its `sink`, and
 * its dispatch of a line shortened.
 *
 * Why one sink: a connection listened to about 36 of its client's events, one listener each. Each
 * listener was a closure with a record in irc-framework's event emitter and a key in its event
 * table: about 4.5 KiB of heap per connection (issue 14's heap breakdown: "EE . fn", "EE",
 * "Events"). The connection now sets one sink per client, which hands each event to its handlers
 * in the order they used to be registered (connection.ts).
 *
 * Why a shorter dispatch: irc-framework takes each line and each event through generic plumbing.
 * A line goes from its connection to the client as a "raw" event copied into a fresh argument
 * array, then through the raw middleware (an array, a closure and an `apply`, with no middleware
 * registered); each event of the command handlers is emitted twice, first as an "all" event
 * (its arguments copied twice), whose one listener runs the parsed middleware (the same again)
 * before the client emits it; and each PRIVMSG, NOTICE and action is copied into a "message"
 * event that goes the whole way a second time, with a `reply` closure added to the original.
 * The bridge registers no middleware, reads no "message" event and never replies through
 * `reply`, so the constructor wires the same steps directly: the connection's "raw" straight to
 * the client, its parsed lines straight to the command handlers, and each handler event to the
 * client and then to irc-framework's tracking of its nick, modes and registration (the listeners
 * it would have put on the command handler, as shared functions: sharedListeners.ts), in that
 * order as before, each event restarting the client's ping
 * timeout as the "all" listener did (a no-op with the bridge's `ping_timeout` of 0). `npm run
 * bench:dispatch`: 4.59 -> 2.64 µs of CPU per PRIVMSG read, 127 to 134 -> 114 to 119 µs per connection (three runs) taken
 * through a registration, a join and a few messages.
 *
 * Its parts are built lean (leanStructure.ts): irc-framework's own constructors, without its
 * per-client listeners, closures and `connected` accessor.
 *
 * Guarantees:
 * - The sink sees every event the client emits, once, after irc-framework's own steps for the
 *   client's events (its away flag, its periodic PING: sharedListeners.ts) and any listener added
 *   to the client, with the same argument, in the same order as irc-framework's own dispatch gives
 *   them, except "message" (a copy of each PRIVMSG, NOTICE and action, emitted no more) and the
 *   `reply` helper on those events.
 * - irc-framework's own state follows every line as before (its nick after a NICK, its user
 *   modes, its registration): its steps for the command handler's events run after the client
 *   has emitted the event (and so after the sink), as irc-framework's listeners on its command
 *   handler ran after its client's.
 * - With no sink set (a client the connection let go of) nothing is handed on.
 * - Middleware cannot be added (`use` throws): it would be skipped without a word.
 * - A client of an irc-framework that builds it otherwise than 4.14 (other parts, listeners or
 *   per-client methods) is refused when the first is built (leanStructure.ts), rather than
 *   losing a step a later version might add.
 */
import { Client, type ClientOptions } from "irc-framework";
import { buildLeanStructure } from "./leanStructure";
import { followClientEvent, followHandlerEvent, routeConnectionEvent } from "./sharedListeners";

/** An event of the client: its name, and its first argument (an event object, a socket, an error, or nothing). */
export type ClientSink = (event: string, arg: unknown) => void;

/** An emitter's own emit, called on a given emitter. */
type Emit = (this: object, event: string, ...args: unknown[]) => boolean;

function isEmit(v: unknown): v is Emit {
  return typeof v === "function";
}

export class DispatchingClient extends Client {
  sink: ClientSink | undefined;

  constructor(options?: Partial<ClientOptions>) {
    super(options);
    this.shortenDispatch();
  }

  /** Called by irc-framework's constructor: the same parts, lean (leanStructure.ts). */
  override createStructure(): void {
    buildLeanStructure(this);
  }

  /** irc-framework's getter, on the prototype instead of on each client (leanStructure.ts). */
  override get connected(): boolean {
    return this.connection.connected;
  }

  override emit(event: string | symbol, ...args: unknown[]): boolean {
    if (typeof event === "string") followClientEvent(this, event, args[0]);
    const heard = super.emit(event, ...args);
    if (typeof event === "string") this.sink?.(event, args[0]);
    return heard;
  }

  /** The bridge adds no middleware: the shortened dispatch would pass it by. */
  override use(_middleware: (...args: unknown[]) => void): this {
    throw new Error("the bridge's IRC client takes no middleware (dispatchingClient.ts)");
  }

  /** See the file's comment and sharedListeners.ts: the same steps as irc-framework's, without its generic plumbing. */
  private shortenDispatch(): void {
    const handler = this.command_handler;
    const connection = this.connection;
    // The command handler's emit is an own property wrapping its emitter's (the prototype's).
    const own: unknown = Reflect.get(Object.getPrototypeOf(handler) ?? {}, "emit");
    const connectionEmit: unknown = Reflect.get(Object.getPrototypeOf(connection) ?? {}, "emit");
    if (!isEmit(own) || !isEmit(connectionEmit)) throw new Error("irc-framework's client is not built as this bridge expects (its emitters): its version is not the one this bridge was written for");
    // The listeners irc-framework's client would have had are the shared steps (sharedListeners.ts).
    handler.emit = (event, arg) => {
      this.resetPingTimeoutTimer();
      this.emit(event, arg);
      followHandlerEvent(this, event, arg);
      return own.call(handler, event, arg);
    };
    connection.emit = (event, ...args) => {
      routeConnectionEvent(this, event, args);
      return connectionEmit.call(connection, event, ...args);
    };
  }
}

const NONE: Record<string, unknown> = Object.freeze({});

/** An event object as irc-framework gives it (a plain object, not copied), or an empty one for anything else. */
export function rawOf(arg: unknown): Record<string, unknown> {
  return isObject(arg) ? arg : NONE;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null;
}
