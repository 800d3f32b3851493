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
 * line for the server and one more PONG to read for every connection that registers. And CAP: for
 * a client that logs in with no SASL, ours writes CAP END right behind irc-framework's CAP REQ (see
 * capEndWithRequest). The table is built once, from a client that is never connected, so it holds
 * no connection alive.
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

/** What irc-framework's CAP handler reads and writes of its command handler. */
interface CapHandler {
  readonly network: { readonly cap: { negotiating: boolean; readonly requested: readonly string[] } };
  readonly connection: { readonly options: ClientLoginOptions; write(line: string): void };
}

/** The client's options that decide whether irc-framework logs in with SASL. */
interface ClientLoginOptions {
  readonly account?: { readonly account?: string; readonly password?: string } | null;
  readonly password?: string;
  readonly sasl_mechanism?: string;
}

type CapLineHandler = (command: { readonly params: readonly string[] }, handler: CapHandler) => void;

/**
 * Whether irc-framework asks for SASL with these options (its getSaslAuth, or EXTERNAL): an
 * account name; else, with no account object at all, a server password (it tries that as PLAIN).
 */
export function wantsSasl(options: ClientLoginOptions): boolean {
  if (options.sasl_mechanism === "EXTERNAL") return true;
  if (options.account !== undefined && options.account !== null) return Boolean(options.account.account);
  return Boolean(options.password);
}

/**
 * CAP as irc-framework handles it, except that after the last CAP LS line, when it has just asked
 * for caps (CAP REQ) and the client logs in with no SASL, CAP END follows at once instead of after
 * the server's ACK or NAK: registration needs one round trip fewer, and with the bridge's own
 * transport both lines leave in one write (it sends a tick's lines together). Why the ACK or NAK
 * still comes first: IRCv3 only says the server must not finish registering the client before its
 * CAP END; IRC servers handle a client's lines in the order it sent them (Ergo and InspIRCd in the
 * end-to-end tests, and the connection process's resume, do), so the CAP REQ is answered before the
 * CAP END is read.
 * irc-framework, told negotiation is over, then records the ACK or NAK without a second CAP END.
 * With SASL (the sasl cap asked for, or a login wanted and the cap missing) the exchange is
 * irc-framework's, unchanged: CAP END must wait for the login.
 */
function capEndWithRequest(theirs: CapLineHandler): CapLineHandler {
  return (command, handler) => {
    theirs(command, handler);
    const cap = handler.network.cap;
    // irc-framework starts negotiating (its CAP REQ) only at the last CAP LS line.
    if (command.params[1] !== "LS" || !cap.negotiating) return;
    if (cap.requested.includes("sasl") || wantsSasl(handler.connection.options)) return;
    handler.connection.write("CAP END");
    cap.negotiating = false;
  };
}

let shared: Record<string, unknown> | undefined;

/** The one handler table, built on first use. */
export function sharedHandlerTable(): Readonly<Record<string, unknown>> {
  if (shared === undefined) {
    const theirs = new Client().command_handler.handlers;
    const cap = theirs.CAP;
    if (typeof cap !== "function") throw new Error("irc-framework has no CAP handler: its version is not the one this bridge was written for");
    shared = { ...theirs, RPL_WELCOME: welcome, CAP: capEndWithRequest(cap as CapLineHandler) };
  }
  return shared;
}

/** Points the client's command dispatch at the shared table (its own is dropped). */
export function shareCommandHandlers(client: Client): void {
  client.command_handler.handlers = sharedHandlerTable();
}
