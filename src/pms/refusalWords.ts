import { errorText } from "../errors";
import { IrcRefusal } from "../irc/refusal";

/** Why a private message to `nick` was not sent, in plain words for the Matrix sender. */
export function pmFailureReason(err: unknown, nick: string): string {
  if (!(err instanceof IrcRefusal)) return errorText(err);
  switch (err.kind) {
    case "no_such_nick":
      return `${nick} is not online`;
    case "registered_only":
      return `${nick} only accepts messages from registered users (logged in to an account on the network)`;
    case "caller_id":
      return `${nick} only accepts messages from people they have allowed (caller ID)`;
    case "cannot_send":
    case "no_such_channel":
      return `the IRC server refused it: ${err.message}`;
  }
}
