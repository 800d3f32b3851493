/**
 * The server's refusals as a connection hears them through irc-framework: error numerics it names
 * ("irc error") and those it does not ("unknown command", see refusal.ts). Used by connection.ts only.
 */
import { optStr, str, strings, type Raw } from "./clientEvents";
import type { ConnectionEvents } from "./connectionTypes";
import { refusalOfError, refusalOfNumeric, type IrcRefusal } from "./refusal";
import { rawOf, type ClientSink } from "./dispatchingClient";

export interface RefusalHooks {
  /** Answers the oldest line waiting for its echo to the target; false when none was waiting. */
  settle(target: string, refusal: IrcRefusal): boolean;
  refused: ConnectionEvents["refused"];
  serverError: ConnectionEvents["serverError"];
  /** The server said why it is about to close the socket (ERROR, a network ban, a wrong password). */
  closing(reason: string): void;
  /** The line being handled answered a request, or refused one of our JOINs. */
  answered(): boolean;
  isChannelName(name: string): boolean;
}

/** The handler of the client's "irc error" and "unknown command" events (dispatchingClient.ts). */
export function refusalHandler(hooks: RefusalHooks): ClientSink {
  return (event, arg) => {
    if (event === "irc error") ircError(rawOf(arg), hooks);
    else if (event === "unknown command") unknownCommand(rawOf(arg), hooks);
  };
}

function ircError(e: Raw, hooks: RefusalHooks): void {
  const reason = str(e.reason) || str(e.error);
  // ERROR (error "irc") and a network ban explain why the socket closes next.
  if (str(e.error) === "irc" || str(e.error) === "banned_from_network" || str(e.error) === "password_mismatch") hooks.closing(reason);
  const refusal = refusalOfError(str(e.error), optStr(e.channel) ?? optStr(e.nick), reason);
  // A refused message (cannot send to channel, no such nick) answers the oldest one waiting for
  // that target; one nobody waits for any more (the server has no echo) is reported on its own.
  // Either way its sender is told.
  if (refusal !== undefined && !hooks.settle(refusal.target, refusal)) hooks.refused(refusal);
  // A refused JOIN was reported as joinRefused, an answer went to its request: whoever handles that tells the user.
  // A refused server password (464) is told with the close that follows it (closed: passwordRefused).
  const attributed = refusal !== undefined || hooks.answered() || str(e.error) === "password_mismatch";
  hooks.serverError({ error: str(e.error), reason, channel: optStr(e.channel), attributed });
}

function unknownCommand(e: Raw, hooks: RefusalHooks): void {
  // Refusals of private messages irc-framework has no name for (+R, caller id): see refusal.ts.
  const refusal = refusalOfNumeric(str(e.command), strings(e.params), (name) => hooks.isChannelName(name));
  if (refusal === undefined) return;
  if (!hooks.settle(refusal.target, refusal)) hooks.refused(refusal);
  hooks.serverError({ error: refusal.kind, reason: refusal.message, channel: undefined, attributed: true });
}
