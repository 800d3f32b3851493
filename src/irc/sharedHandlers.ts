/**
 * irc-framework builds, for every Client, its own table of ~120 command handlers (an array used
 * as a dictionary, with a closure per generic numeric): about 6 KB of heap per connection, the
 * largest single item in a connection's heap (issue 14's heap breakdown). The handlers are
 * stateless functions that receive the client's command handler as an argument, so one table
 * serves every client.
 *
 * Guarantee: after `shareCommandHandlers(client)`, the client dispatches every command through a
 * table with the same commands, and for each the same code, as the one it built itself; the table
 * is built once, from a client that is never connected, so it holds no connection alive.
 */
import { Client } from "irc-framework";

let shared: Record<string, unknown> | undefined;

/** The one handler table, built on first use. */
export function sharedHandlerTable(): Readonly<Record<string, unknown>> {
  shared ??= { ...new Client().command_handler.handlers };
  return shared;
}

/** Points the client's command dispatch at the shared table (its own is dropped). */
export function shareCommandHandlers(client: Client): void {
  client.command_handler.handlers = sharedHandlerTable();
}
