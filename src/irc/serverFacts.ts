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
import { TypedEmitter } from "../util/typedEmitter";

export abstract class ServerFacts extends TypedEmitter<ConnectionEvents> {
  /** The client of the current attempt; undefined between attempts. */
  protected client: DispatchingClient | undefined;
  /** CHANTYPES and CASEMAPPING of the server, read at each RPL_ISUPPORT (serverSupport.ts). */
  protected readonly support = new ServerSupport();
  /** The server's mode syntax and how it shows us (see serverView.ts). */
  protected readonly view = new ServerView();

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
