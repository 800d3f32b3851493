/**
 * irc-framework builds, for every Client, its own table of ~120 command handlers (an array used
 * as a dictionary, with a closure per generic numeric): about 6 KB of heap per connection, the
 * largest single item in a connection's heap (issue 14's heap breakdown). The handlers are
 * stateless functions that receive the client's command handler as an argument, so one table
 * serves every client.
 *
 * Guarantees: after `shareCommandHandlers(client)`, the client dispatches every command through a
 * table with the same commands, and for each the same code as the one it built itself, except
 * RPL_WELCOME (001): ours does what irc-framework's does (the server's name, the end of CAP
 * negotiation, the "registered" event with the nick and tags) without the PING irc-framework sends
 * there when server-time is on. That PING only fed irc-framework's estimate of the server's clock
 * offset, which the bridge never reads (events carry the server's own time tags); it was one more
 * line for the server and one more PONG to read for every connection that registers. The table is
 * built once, from a client that is never connected, so it holds no connection alive.
 */
import { Client } from "irc-framework";

/** What irc-framework hands a handler: the line, parsed. */
interface WelcomeLine {
  readonly params: readonly string[];
  readonly prefix: string;
  readonly tags: Readonly<Record<string, string>>;
}

/** What the 001 handler touches of irc-framework's command handler. */
interface WelcomeHandler {
  readonly network: { server: string; readonly cap: { negotiating: boolean } };
  emit(event: "registered", e: { readonly nick: string | undefined; readonly tags: Readonly<Record<string, string>> }): void;
}

/** RPL_WELCOME as irc-framework handles it, less its clock-offset PING. */
function welcome(command: WelcomeLine, handler: WelcomeHandler): void {
  handler.network.server = command.prefix;
  handler.network.cap.negotiating = false;
  handler.emit("registered", { nick: command.params[0], tags: command.tags });
}

let shared: Record<string, unknown> | undefined;

/** The one handler table, built on first use. */
export function sharedHandlerTable(): Readonly<Record<string, unknown>> {
  shared ??= { ...new Client().command_handler.handlers, RPL_WELCOME: welcome };
  return shared;
}

/** Points the client's command dispatch at the shared table (its own is dropped). */
export function shareCommandHandlers(client: Client): void {
  client.command_handler.handlers = sharedHandlerTable();
}
