import type { Client } from "irc-framework";
import { nickAlternatives } from "./nickTemplate";
import { rawOf, type ClientSink } from "./dispatchingClient";
import { str } from "./clientEvents";

/**
 * The nick a connection asks for, and what it falls back to while registering.
 *
 * Guarantees: every (re)connection asks for the preferred nick first (the user's, from start or
 * preferNick), never an alternative a collision gave last time; while registering, a nick in use
 * moves to the next alternative (nick_, nick__, ... within NICKLEN) and an invalid one to
 * `m-<username>`, each with a note saying why the user has another nick; once registered, the nick
 * the server gave is the one kept until the next preference.
 */
export class NickChoice {
  private preferred = "";
  /** The nick the next registration asks for, or the one the server gave. */
  wanted = "";
  /** Why the connection has another nick than the preferred one, if it has. */
  note: string | undefined;
  private alternatives: Generator<string> = nickAlternatives("", 30);

  constructor(private readonly nicklen: () => number) {}

  /** The user's nick: asked for first at every (re)connection. */
  prefer(nick: string): void {
    this.preferred = nick;
    this.wanted = nick;
    this.alternatives = nickAlternatives(nick, this.nicklen());
  }

  /**
   * Before a (re)connection: back to the preferred nick, its alternatives from the first again and no
   * note (an alternative, or a note, from an attempt that failed or an earlier connection is not kept).
   */
  beforeConnect(): void {
    if (this.preferred === "") return;
    this.prefer(this.preferred);
    this.note = undefined;
  }

  /** Registered as `nick` (the server's word). */
  registered(nick: string): void {
    this.wanted = nick;
  }

  /** The nick asked for is in use while registering: the next one to ask for. */
  inUse(host: string): string {
    const next = this.alternatives.next();
    const alt = next.done === true ? `m${Date.now().toString(36)}` : next.value;
    this.note = `the nick ${this.wanted} was in use on ${host}, so you are ${alt}`;
    return alt;
  }

  /** The server refused the nick asked for while registering: one made from the username. */
  invalid(username: string): string {
    const alt = `m-${username}`.slice(0, this.nicklen());
    this.note = `the nick ${this.wanted} was refused by the server, so you are ${alt}`;
    return alt;
  }
}

/**
 * While registering, a nick the server refuses (433 in use, 432 invalid) is answered with the next
 * choice; once registered, a change to a nick in use is reported through `inUseWhileRegistered`
 * (an invalid one is left to the connection's other handlers). The handler of the client's
 * "nick in use" and "nick invalid" events (dispatchingClient.ts).
 */
export function nickRefusals(
  c: Pick<Client, "changeNick">,
  nicks: NickChoice,
  on: { readonly registered: () => boolean; readonly host: string; readonly username: string; readonly inUseWhileRegistered: (nick: string) => void },
): ClientSink {
  return (event, arg) => {
    if (event === "nick in use") {
      if (on.registered()) on.inUseWhileRegistered(str(rawOf(arg).nick));
      else c.changeNick(nicks.inUse(on.host));
    } else if (event === "nick invalid") {
      if (!on.registered()) c.changeNick(nicks.invalid(on.username));
    }
  };
}
