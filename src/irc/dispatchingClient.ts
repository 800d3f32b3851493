/**
 * irc-framework's client, with every event it emits also handed to one function, its `sink`.
 *
 * Why: a connection listened to about 36 of its client's events, one listener each. Each listener
 * was a closure with a record in irc-framework's event emitter and a key in its event table:
 * about 4.5 KiB of heap per connection (issue 14's heap breakdown: "EE . fn", "EE", "Events").
 * The connection now sets one sink per client, which hands each event to its handlers in the
 * order they used to be registered (connection.ts).
 *
 * Guarantee: the sink sees every event the client emits, once, after the client's own listeners
 * (irc-framework's, registered when it is built, as before) and with the same argument; with no
 * sink set (a client the connection let go of) nothing is handed on.
 */
import { Client } from "irc-framework";

/** An event of the client: its name, and its first argument (an event object, a socket, an error, or nothing). */
export type ClientSink = (event: string, arg: unknown) => void;

export class DispatchingClient extends Client {
  sink: ClientSink | undefined;

  override emit(event: string | symbol, ...args: unknown[]): boolean {
    const heard = super.emit(event, ...args);
    if (typeof event === "string") this.sink?.(event, args[0]);
    return heard;
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
