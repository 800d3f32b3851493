/**
 * irc-framework's client listens to itself, to its command handler and to its connection: 21
 * listeners per client (its nick, modes, away and host kept up to date; its connection's events told
 * again as its own; its registration started when the socket opens), each a closure with a record in
 * the emitter and a key in the emitter's event table: about 3 KiB of heap per connection (issue 14's
 * heap breakdown: "EE . fn", "EE", "Events . properties"). Here the same steps are functions that
 * every client shares, called by the bridge's client (dispatchingClient.ts) with the client as an
 * argument; the bridge's client is built without the listeners (leanStructure.ts).
 *
 * Guarantees:
 * - Each step is irc-framework 4.14's own (client.js: createStructure, addCommandHandlerListeners),
 *   done on the same event, in the same order relative to the other listeners of that event and to
 *   the client's own emit (test/handlers/dispatchingClient.test.ts compares the two clients' events
 *   and state over a script of lines, and over a connection opened, closed and opened again).
 * - An irc-framework whose client is built with other listeners than those listed here
 *   (BUILT_LISTENERS) is refused when the first bridge client is built, naming what differs
 *   (leanStructure.ts), rather than losing a step a later version added.
 * - Listeners added to a client (irc-framework's own request helpers, a test's) run as before.
 */

import type { IrcMessage } from "irc-framework";

/** A parsed line, as irc-framework's connection hands it on ("message"). */
function isMessage(v: unknown): v is IrcMessage {
  return typeof field(v, "command") === "string";
}

/** The part of irc-framework's user this touches. */
interface TrackedUser {
  nick: string;
  username: string;
  host: string;
  away: boolean;
  toggleModes(modes: string): void;
}

/** The part of irc-framework's client this touches. */
export interface ListeningClient {
  readonly user: TrackedUser;
  readonly network: { readonly cap: { negotiating: boolean; requested: string[]; enabled: string[]; readonly available: Map<string, string> } };
  readonly connection: { registeredSuccessfully(): void };
  readonly command_handler: { resetCache(): void; dispatch(message: IrcMessage): void };
  emit(event: string, ...args: unknown[]): boolean;
  caseCompare(a: string, b: string): boolean;
  registerToNetwork(): void;
  startPingTimeoutTimer(): void;
  startPeriodicPing(): void;
}

/** The listeners irc-framework 4.14's client is built with, per emitter: event -> count. */
export const BUILT_LISTENERS = {
  client: { registered: 1, away: 1, back: 1 },
  handler: { nick: 1, mode: 1, wholist: 1, registered: 1, "displayed host": 1, error: 1, all: 1 },
  connection: { connecting: 2, reconnecting: 1, close: 1, "socket close": 1, "socket error": 1, "raw socket connected": 1, debug: 1, raw: 1, "socket connected": 1, message: 1 },
} as const;

/** What an emitter's listeners are, as `event: count`, sorted (for comparing with BUILT_LISTENERS). */
export function listenerTable(emitter: { eventNames(): (string | symbol)[]; listenerCount(event: string | symbol): number }): string {
  return emitter
    .eventNames()
    .map((name) => `${String(name)}: ${emitter.listenerCount(name)}`)
    .sort()
    .join(", ");
}

/** The same, from BUILT_LISTENERS. */
export function expectedTable(counts: Readonly<Record<string, number>>): string {
  return Object.entries(counts)
    .map(([name, count]) => `${name}: ${count}`)
    .sort()
    .join(", ");
}

function field(e: unknown, name: string): unknown {
  return typeof e === "object" && e !== null ? Reflect.get(e, name) : undefined;
}

/** The client's own listeners of its events (createStructure): run before any other listener of the event. */
export function followClientEvent(client: ListeningClient, event: string, arg: unknown): void {
  switch (event) {
    case "registered":
      client.startPeriodicPing();
      return;
    case "away":
    case "back":
      if (client.caseCompare(String(field(arg, "nick")), client.user.nick)) client.user.away = event === "away";
      return;
    default:
      return;
  }
}

/** The client's listeners on its command handler (addCommandHandlerListeners): after the client has emitted the event. */
export function followHandlerEvent(client: ListeningClient, event: string, arg: unknown): void {
  const user = client.user;
  switch (event) {
    case "nick": {
      if (user.nick !== field(arg, "nick")) return;
      const newNick = String(field(arg, "new_nick"));
      // irc-framework keeps no nick that starts with a digit (a server's UID when a nick is taken from us).
      if (!/^\d/.test(newNick)) user.nick = newNick;
      return;
    }
    case "mode": {
      const modes = field(arg, "modes");
      if (user.nick !== field(arg, "target") || !Array.isArray(modes)) return;
      for (const mode of modes) user.toggleModes(String(field(mode, "mode")));
      return;
    }
    case "wholist": {
      const users = field(arg, "users");
      const me: unknown = Array.isArray(users) ? users.find((u) => field(u, "nick") === user.nick) : undefined;
      if (me === undefined) return;
      user.username = String(field(me, "ident"));
      user.host = String(field(me, "hostname"));
      return;
    }
    case "registered":
      user.nick = String(field(arg, "nick"));
      client.connection.registeredSuccessfully();
      client.emit("connected", arg);
      return;
    case "displayed host":
      if (user.nick === field(arg, "nick")) user.host = String(field(arg, "hostname"));
      return;
    default:
      return;
  }
}

/** The client's listeners on its connection (createStructure), in their order for each event. */
export function routeConnectionEvent(client: ListeningClient, event: string, args: readonly unknown[]): void {
  switch (event) {
    case "message": {
      const message = args[0];
      if (isMessage(message)) client.command_handler.dispatch(message);
      return;
    }
    case "socket connected":
      client.emit("socket connected");
      client.registerToNetwork();
      client.startPingTimeoutTimer();
      return;
    case "connecting": {
      client.emit("connecting", ...args);
      // A new connection starts its CAP negotiation afresh.
      const cap = client.network.cap;
      cap.negotiating = false;
      cap.requested = [];
      cap.enabled = [];
      cap.available.clear();
      client.command_handler.resetCache();
      return;
    }
    case "reconnecting":
    case "close":
    case "socket close":
    case "socket error":
    case "raw socket connected":
    case "debug":
    case "raw":
      client.emit(event, ...args);
      return;
    default:
      return;
  }
}
