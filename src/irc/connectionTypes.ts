/**
 * The types of an IRC connection's surface (connection.ts): what it is built with, who it is, where
 * it gets permission to connect and channel keys, and the events it emits.
 */
import type { ForwardedEvents } from "./clientEvents";
import type { ConnectOutcome, ConnectRequest } from "./connectScheduler";
import type { Clock, PacingSettings } from "./pacedQueue";
import type { IrcRefusal } from "./refusal";
import type { JoinRefusal } from "./joinRefusals";
import type { ReadPauses } from "./readPauses";
import type { CertificateRefusal, LoginVia } from "./saslLogin";
import type { ServerSettings } from "./serverSettings";

/** The part of the network's connect scheduler a connection uses (see connectScheduler.ts). */
export interface ConnectGate {
  request(id: string, request: ConnectRequest, delayMs?: number, reconnect?: boolean): void;
  cancel(id: string): void;
  report(id: string, outcome: ConnectOutcome): void;
  /** Why connections are being held back, if they are. */
  readonly holdReason: string | undefined;
}

export interface ConnectionOptions {
  readonly id: string;
  readonly server: ServerSettings;
  readonly realname: string;
  readonly pacing: PacingSettings;
  readonly keepalive: { readonly pingIntervalS: number; readonly pingTimeoutS: number };
  /** The network's pauses for connections that hear only copies (readPauses.ts); absent: read at once. */
  readonly readPauses?: ReadPauses | undefined;
  /**
   * Backoff for a connection that keeps failing on its own (dropped soon after registering):
   * doubling from minMs to maxMs. A server that is down or throttling is the gate's business.
   */
  readonly reconnect: { readonly minMs: number; readonly maxMs: number };
  /** When this connection may open a socket (the network's connect scheduler). */
  readonly gate: ConnectGate;
  /** Higher connects first (the user's last activity). */
  readonly priority: () => number;
  readonly clock?: Clock;
  /** This connection's own channel keys (never logged; see rooms/channelKeys.ts). */
  readonly keys?: ChannelKeyBook;
  /** Sent before registering, where the network trusts the bridge as a WEBIRC gateway (the password is never logged). */
  readonly webirc?: WebircLine;
  /** NICKLEN as the network's server announced it (alternatives to a nick in use stay within it); 30 without. */
  readonly nicklen?: () => number;
  /** User modes the connection sets on itself once registered, at every (re)connection (the network's userModes, e.g. "+x"). */
  readonly userModes?: string;
  /** Whether the broker already has a channel line (by msgid) from another connection: this one skips its copy unread (heardElsewhere.ts). */
  readonly heardElsewhere?: (channel: string, msgid: string) => boolean;
  /** Whether the feed has the channel's members from its reader, so this connection's NAMES of it would be dropped: skipped unread (namesReplies.ts). */
  readonly namesElsewhere?: (channel: string) => boolean;
}

/** WEBIRC <password> <gateway> <hostname> <address>. */
export interface WebircLine {
  readonly password: string;
  /** The gateway's name (irc-framework calls it username). */
  readonly username: string;
  readonly hostname: string;
  readonly address: string;
}

/** Both ends of an open TCP connection. */
export interface SocketPair {
  readonly localAddress: string;
  readonly localPort: number;
  readonly remoteAddress: string;
  readonly remotePort: number;
}

/**
 * One connection's own channel keys (never another connection's): where it finds the key to join or
 * rejoin a channel with when it is given none, and what it tells about the keys it used.
 */
export interface ChannelKeyBook {
  /** This connection's key for a channel, used when it is joined or rejoined without one. */
  get(channel: string): string | undefined;
  /** The server let this connection in with this key (the echo of a keyed JOIN, or remember() after !join). */
  accepted(channel: string, key: string): void;
  /** The server refused this connection's key (475): it is forgotten. */
  refused(channel: string): void;
  /** This connection left the channel (PART, or it was kicked or removed): a mapping's key no longer applies to it. */
  parted(channel: string): void;
}

/** An account and its password (plaintext in memory only, never logged). */
export interface Credentials {
  readonly account: string;
  readonly password: string;
}

/** A TLS client certificate and its private key, PEM (the key in memory only, never logged). */
export interface ClientCertificatePem {
  readonly key: string;
  readonly cert: string;
}

export interface ConnectionIdentity {
  readonly nick: string;
  readonly username: string;
  readonly auth?: Credentials | undefined;
  /** Presented on TLS connections, with SASL EXTERNAL where the server offers it (see saslLogin.ts). */
  readonly certificate?: ClientCertificatePem | undefined;
}

export interface ConnectionEvents extends ForwardedEvents {
  /** Registered with the server; `again` after a reconnect (channels are being rejoined). */
  registered: (nick: string, nickNote: string | undefined, again: boolean) => void;
  /** A channel entered (`inList`) or left the channels this connection is in or rejoining (channelNames), as written. */
  channelListed: (name: string, inList: boolean) => void;
  /**
   * An error numeric or ERROR line the server sent (e.g. banned, too many connections).
   * `attributed`: the error answered something the bridge sent and its sender was told there (a
   * refused message); otherwise nobody was told yet.
   */
  serverError: (e: { readonly error: string; readonly reason: string; readonly channel: string | undefined; readonly attributed: boolean }) => void;
  /**
   * The server refused a message no line was waiting for: on a server without echo-message a sent
   * line counts as sent once written, so a refusal that follows is the only word the sender gets.
   */
  refused: (refusal: IrcRefusal) => void;
  /**
   * The socket is gone. `willReconnect` unless it was closed on purpose or the server refused us for
   * good (`fatal`: banned), which is never retried. `throttled`: the server wants fewer or slower
   * connections; the network's connect scheduler backs off before this one tries again.
   * `passwordRefused`: the server refused the bridge's server password (464): the operator's to
   * fix; the scheduler backs the network off as for a throttle. `tlsRefused`: the TLS handshake or
   * the server's certificate was refused (`reason` names the problem); retried like any failed
   * connect, but worth telling the user at once.
   */
  closed: (e: { readonly reason: string; readonly fatal: boolean; readonly willReconnect: boolean; readonly throttled: boolean; readonly passwordRefused?: boolean; readonly tlsRefused?: boolean }) => void;
  /**
   * The server refused one of our JOINs (any refusal numeric: full, invite-only, banned, wrong key,
   * registered nicks only...). `answered`: the refusal answered a request (a `!join`), whose
   * caller tells the user. The connection still lists the channel for rejoining: see forget().
   */
  joinRefused: (e: JoinRefusal & { readonly answered: boolean }) => void;
  /** The server logged us in to an account (SASL EXTERNAL with the certificate, SASL PLAIN, or NickServ after registration). */
  loggedIn: (account: string, via: LoginVia) => void;
  /**
   * SASL login failed (wrong password, unsupported); the connection goes on without an account.
   * `certificate`: it was the client certificate that was not accepted, and what the stored
   * password did then ("accepted": logged in with it after all).
   */
  loginFailed: (reason: string, certificate?: CertificateRefusal) => void;
}
