/**
 * Messages the IRC server refused to pass on, and why, from its error numerics. A refusal answers
 * the oldest line waiting for its echo to that target (see echoWaiter.ts), so the Matrix sender is
 * told about the message that was refused and not about another one.
 */
export type RefusalKind =
  /** 401 ERR_NOSUCHNICK: nobody by that nick is online. */
  | "no_such_nick"
  /** 404 ERR_CANNOTSENDTOCHAN (channels), 531 ERR_CANNOTSENDTOUSER (InspIRCd's +R, silence, etc.). */
  | "cannot_send"
  /** 403 ERR_NOSUCHCHANNEL. */
  | "no_such_channel"
  /** The nick takes private messages from users logged in to an account only (user mode +R). */
  | "registered_only"
  /** The nick ignores messages from anyone they have not accepted (user mode +g, caller id). */
  | "caller_id";

export class IrcRefusal extends Error {
  constructor(
    readonly kind: RefusalKind,
    /** The channel or nick the refused message was for, as the server wrote it. */
    readonly target: string,
    /** What the server said. */
    serverText: string,
  ) {
    super(serverText);
    this.name = "IrcRefusal";
  }
}

/** irc-framework's names for the refusals it knows ("irc error" events). */
const KNOWN: Readonly<Record<string, RefusalKind>> = {
  no_such_nick: "no_such_nick",
  no_such_channel: "no_such_channel",
  cannot_send_to_channel: "cannot_send",
  cannot_send_to_user: "cannot_send",
};

/**
 * Numerics irc-framework does not know (it reports them as unknown commands) that refuse a private
 * message: `<client> <nick> :<reason>`. 477 is what Ergo and InspIRCd send to a nick with +R, 486
 * what Solanum, charybdis, hybrid and UnrealIRCd send; 716 is the caller-id refusal (+g), which
 * 717 (the target was told) follows. Only refusals of messages to a nick are read from these: 477
 * also refuses channel JOINs, which must not answer a message waiting for its echo.
 */
const NUMERIC: Readonly<Record<string, RefusalKind>> = {
  "477": "registered_only",
  "486": "registered_only",
  "716": "caller_id",
};

/** A refusal from irc-framework's "irc error" event, or undefined when the error refuses no message. */
export function refusalOfError(error: string, target: string | undefined, reason: string): IrcRefusal | undefined {
  const kind = KNOWN[error];
  return kind === undefined || target === undefined ? undefined : new IrcRefusal(kind, target, reason);
}

/** A refusal of a private message from a numeric irc-framework does not know, or undefined. */
export function refusalOfNumeric(command: string, params: readonly string[], isChannel: (name: string) => boolean): IrcRefusal | undefined {
  const kind = NUMERIC[command];
  const target = params[1];
  if (kind === undefined || target === undefined || target === "" || isChannel(target)) return undefined;
  return new IrcRefusal(kind, target, params.length > 2 ? (params[params.length - 1] ?? "") : "");
}
