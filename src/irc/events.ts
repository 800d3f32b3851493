/** IRC events as the bridge sees them, independent of the IRC library. */
import type { ModeChange } from "./modes";

export type Tags = Readonly<Record<string, string>>;

/**
 * The tag a connection process puts on the JOINs it replays to a restarted bridge (pool/resume.ts):
 * the connection never left the channel, and what was said meanwhile follows, so nothing was missed.
 */
export const RESUMED_TAG = "ircbridge/resumed";

interface Base {
  /** Server time (ms since epoch) when the server sent `server-time`, else undefined. */
  readonly time: number | undefined;
  readonly tags: Tags;
  /** Set when the event came inside a BATCH (e.g. "chathistory"). */
  readonly batch: string | undefined;
}

export interface MessageEvent extends Base {
  readonly kind: "privmsg" | "notice" | "action";
  readonly from: string;
  readonly target: string;
  readonly text: string;
  /** A STATUSMSG prefix ("@" in "@#chan": ops only), when the message was not for everyone. */
  readonly group?: string;
  /**
   * The sender's account (IRCv3 account-tag). Undefined when they are logged in to none, or when the
   * server does not send the tag (see IrcConnection.hasCap("account-tag")).
   */
  readonly account: string | undefined;
}
/** An IRC user logged in to an account or out of it (IRCv3 account-notify); undefined: logged out. */
export interface AccountEvent {
  readonly nick: string;
  readonly account: string | undefined;
}
export interface JoinEvent extends Base {
  readonly nick: string;
  readonly channel: string;
  /** The joiner's account (extended-join); undefined when they have none or the server does not say. */
  readonly account: string | undefined;
}
export interface PartEvent extends Base {
  readonly nick: string;
  readonly channel: string;
  readonly reason: string;
}
export interface KickEvent extends Base {
  readonly by: string;
  readonly nick: string;
  readonly channel: string;
  readonly reason: string;
}
export interface QuitEvent extends Base {
  readonly nick: string;
  readonly reason: string;
}
export interface NickEvent extends Base {
  readonly nick: string;
  readonly newNick: string;
}
export interface TopicEvent extends Base {
  readonly channel: string;
  readonly topic: string;
  readonly by: string | undefined;
}
export interface NamesEvent {
  readonly channel: string;
  readonly users: readonly { readonly nick: string; readonly modes: readonly string[] }[];
}
/** A MODE on a channel, one change per mode letter. */
export interface ModeEvent extends Base {
  /** Who set the modes: a nick, or a server name. */
  readonly by: string;
  readonly channel: string;
  /** Parsed against the server's PREFIX and CHANMODES as they were when the line arrived. */
  readonly changes: readonly ModeChange[];
}
/** A channel's current modes (RPL_CHANNELMODEIS, the answer to `MODE #channel`), all as "+" changes. */
export interface ChannelModesEvent {
  readonly channel: string;
  readonly changes: readonly ModeChange[];
}
/**
 * An INVITE: `by` invites `invited` into `channel`. Addressed to the invited connection (it is our
 * own nick), or, where the server has IRCv3 invite-notify, shown to a channel's members about others.
 */
export interface InviteEvent extends Base {
  readonly by: string;
  readonly invited: string;
  readonly channel: string;
}
/** A TAGMSG (IRCv3 message-tags): a message of client tags only, e.g. `+draft/react` or `+typing`. */
export interface TagmsgEvent extends Base {
  readonly from: string;
  readonly target: string;
}
/** A REDACT (IRCv3 draft/message-redaction): `from` deleted the message `msgid` sent to `target`. */
export interface RedactEvent extends Base {
  readonly from: string;
  readonly target: string;
  readonly msgid: string;
  readonly reason: string;
}
