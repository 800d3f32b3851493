/**
 * The parts of the bridge's IRC client (dispatchingClient.ts), built as irc-framework 4.14's
 * createStructure builds them, by its own constructors, but lean:
 * - No `connected` accessor on each client: irc-framework defines one per client with a getter of
 *   its own, and V8 cannot share a hidden class between objects whose accessors differ, so every
 *   client after the first became a dictionary (about 0.8 KiB of heap each; issue 14's heap
 *   breakdown, "DispatchingClient . properties"). The bridge's client has the same getter on its prototype.
 * - No listeners: their steps are functions every client shares (sharedListeners.ts).
 * - NetworkInfo's methods and the WHOX token's on shared prototypes (sharedMethods.ts).
 * - No middleware handlers: the bridge's client refuses middleware.
 *
 * Guarantee: irc-framework's own client is checked once, when the first bridge client is built,
 * for the parts, listeners and methods these stand in for: an irc-framework that builds its client
 * otherwise is refused, naming what differs, rather than have a part or a step of it left out.
 */
import { Client } from "irc-framework";
import Connection from "irc-framework/src/connection";
import IrcCommandHandler from "irc-framework/src/commands/handler";
import NetworkInfo from "irc-framework/src/networkinfo";
import User from "irc-framework/src/user";
import { BUILT_LISTENERS, expectedTable, listenerTable } from "./sharedListeners";
import { checkMethods, leanNetwork, newWhoxToken, type SharedMethods } from "./sharedMethods";

/** irc-framework 4.14's client's own properties, in the order it sets them. */
export const BUILT_PARTS = ["_events", "_eventsCount", "request_extra_caps", "options", "raw_middleware", "parsed_middleware", "connection", "network", "user", "command_handler", "whox_token", "connected"];

/** Taken at the first bridge client, once irc-framework's own client was checked. */
let methods: SharedMethods | undefined;

/**
 * Refuses an irc-framework whose client is not built as BUILT_PARTS, BUILT_LISTENERS and
 * sharedMethods.ts list; else the methods its clients can share.
 */
export function checkFramework(template: Client): SharedMethods {
  const differs: string[] = [];
  const parts = Object.getOwnPropertyNames(template);
  if (parts.join() !== BUILT_PARTS.join()) differs.push(`its parts are ${parts.join(", ")}`);
  const parents = [template.connection instanceof Connection, template.network instanceof NetworkInfo, template.user instanceof User, template.command_handler instanceof IrcCommandHandler];
  if (parents.includes(false)) differs.push("its parts are not built by the constructors this bridge uses");
  const emitters = [
    ["client", listenerTable(template), expectedTable(BUILT_LISTENERS.client)],
    ["command handler", listenerTable(template.command_handler), expectedTable(BUILT_LISTENERS.handler)],
    ["connection", listenerTable(template.connection), expectedTable(BUILT_LISTENERS.connection)],
  ];
  for (const [who, theirs, expected] of emitters) if (theirs !== expected) differs.push(`its ${who} listens to ${theirs} where ${expected} was expected`);
  if (differs.length > 0) throw new Error(`irc-framework's client is not built as this bridge expects (${differs.join("; ")}): its version is not the one this bridge was written for`);
  return checkMethods(template);
}

/** Builds the client's parts, as irc-framework's createStructure does, lean (see the file's comment). */
export function buildLeanStructure(client: Client): void {
  methods ??= checkFramework(new Client());
  client.connection = new Connection(client.options);
  // Before the command handler, which takes the client's NetworkInfo when it is built.
  Reflect.set(client, "network", leanNetwork(new NetworkInfo(), methods));
  client.user = new User();
  client.command_handler = new IrcCommandHandler(client);
  Reflect.set(client, "whox_token", newWhoxToken());
}
