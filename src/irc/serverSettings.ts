/**
 * How the bridge reaches one IRC network's servers and presents itself there: addresses, TLS,
 * the server password, text decoding, user modes. Built once from the network's config
 * (networkContext.ts); each connection picks an endpoint per attempt (connection.ts).
 */
import type { LastGoodAddress } from "./endpoints";
import type { StsPolicies } from "./sts";
import type { TlsSettings } from "./tlsOptions";

/** One address to connect to. */
export interface ServerEndpoint {
  readonly host: string;
  readonly port: number;
  /** TLS on this endpoint. */
  readonly tls: boolean;
  /** Address family to resolve the host name to (4 or 6); undefined: either. */
  readonly family?: 4 | 6 | undefined;
}

export interface ServerSettings {
  /** The first address (config `address`/`port`/`tls`). */
  readonly host: string;
  readonly port: number;
  readonly tls: boolean;
  /** Local address the bridge's connections come from (a user's own IPv6 address overrides it). */
  readonly bindAddress: string | undefined;
  /** Server password (PASS), sent by every connection; never logged. */
  readonly password?: string | undefined;
  /** More addresses, tried after the first in order (config additionalAddresses; see endpoints.ts). */
  readonly additionalAddresses?: readonly ServerEndpoint[] | undefined;
  /** IPv4/IPv6 preference (config addressFamily): 4, 6, or undefined for either. */
  readonly family?: 4 | 6 | undefined;
  /** The address the network's connections last registered on, shared by them (see endpoints.ts). */
  readonly lastGood?: LastGoodAddress | undefined;
  /** How lines that are not valid UTF-8 are read (config encodingFallback, a TextDecoder label; see decodeLine.ts). */
  readonly encodingFallback?: string | undefined;
  /** CA, pinned fingerprints, SNI name and minimum version of TLS endpoints (tlsOptions.ts); undefined: the system's trust store, TLS 1.2. */
  readonly tlsSettings?: TlsSettings | undefined;
  /** The network's IRCv3 STS policies: plaintext endpoints of a host with one are reached with TLS (sts.ts). */
  readonly sts?: StsPolicies | undefined;
  /** Set when the network's connections are held by connection processes (config connectionProcess; pool/). */
  readonly connectionProcess?: { readonly link: import("../pool/remoteTransport").LinkPort; readonly network: string } | undefined;
}
