/**
 * What a connection knows of its server, the base of IrcConnection (connection.ts): the caps its
 * client negotiated, the server's ISUPPORT, CHANTYPES and casemapping (serverSupport.ts), and its
 * mode syntax and how it shows us (serverView.ts). The connection sets `client` for each attempt
 * and resets `support` and `view` before it.
 */
import { sameName, type Casemapping } from "./casemapping";
import type { ConnectionEvents } from "./connectionTypes";
import type { DispatchingClient } from "./dispatchingClient";
import type { ModeSpec } from "./modes";
import { isupportText, ServerSupport } from "./serverSupport";
import { ServerView } from "./serverView";
import { shareIsupport } from "./sharedIsupport";
import { shared } from "../util/keptStrings";
import { TypedEmitter } from "../util/typedEmitter";

/** The caps whose values (CAP LS name=value) are read after registration. */
const CAP_VALUES_READ_LATER: readonly string[] = ["draft/multiline"];

export abstract class ServerFacts extends TypedEmitter<ConnectionEvents> {
  /** The client of the current attempt; undefined between attempts. */
  protected client: DispatchingClient | undefined;
  /** CHANTYPES and CASEMAPPING of the server, read at each RPL_ISUPPORT (serverSupport.ts). */
  protected readonly support = new ServerSupport();
  /** The server's mode syntax and how it shows us (see serverView.ts). */
  protected readonly view = new ServerView();

  /**
   * After registration, the client's table of the caps the server offered (CAP LS, with their
   * values) keeps only the values read later: draft/multiline's limits (say). irc-framework reads
   * the table only while negotiating (SASL's mechanisms) and keeps it up to date with CAP NEW and
   * DEL; a server's LS lists 30 caps or more, whose table held about 1.8 KiB per connection
   * (issue 14's heap breakdown, "Object . available"). Which caps are enabled is another list
   * (hasCap), untouched.
   */
  protected forgetCapValues(c: DispatchingClient): void {
    const cap = c.network.cap;
    const kept = new Map<string, string>();
    for (const name of CAP_VALUES_READ_LATER) {
      const value = cap.available.get(name);
      // Its own copy, one for every connection (a slice would keep the whole CAP LS line: keptStrings.ts).
      if (value !== undefined) kept.set(name, shared(value));
    }
    cap.available = kept;
  }

  /**
   * After each RPL_ISUPPORT (irc-framework's "server options"): the client's ISUPPORT table shared
   * with the connections that heard the same (sharedIsupport.ts); the server's name (001), its
   * software (002) and the network's name (NETWORK), as irc-framework keeps them, one string for
   * every connection that heard the same (keptStrings.ts); then CHANTYPES and CASEMAPPING learnt.
   */
  protected learnServerOptions(c: DispatchingClient): void {
    const network = c.network;
    shareIsupport(network);
    // irc-framework keeps what the server sent: a bare NETWORK token (no "=") leaves the name undefined.
    const server: unknown = network.server;
    const ircd: unknown = network.ircd;
    const name: unknown = network.name;
    if (typeof server === "string") network.server = shared(server);
    if (typeof ircd === "string") network.ircd = shared(ircd);
    if (typeof name === "string") network.name = shared(name);
    this.support.learn((token) => this.isupport(token));
  }

  hasCap(cap: string): boolean {
    return this.client?.network.cap.isEnabled(cap) ?? false;
  }

  isupport(name: string): string | undefined {
    return isupportText(name, this.client?.network.supports(name));
  }

  /** Whether a target names a channel (the server's CHANTYPES, by default # and &). */
  isChannelName(name: string): boolean {
    return this.support.isChannelName(name);
  }

  get casemapping(): Casemapping {
    return this.support.casemapping;
  }

  /** How this server's channel mode strings read (ISUPPORT PREFIX and CHANMODES; RFC defaults until announced). */
  get modeSpec(): ModeSpec {
    return this.view.modeSpec;
  }

  /** Whether two nicks or channel names are the same on this server (its casemapping). */
  same(a: string, b: string): boolean {
    return sameName(a, b, this.casemapping);
  }
}
