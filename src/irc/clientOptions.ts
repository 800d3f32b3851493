import type { ClientOptions } from "irc-framework";
import type { ClientCertificatePem, ConnectionOptions, Credentials } from "./connectionTypes";
import type { ServerEndpoint } from "./serverSettings";
import { DEFAULT_TLS, tlsCheck, tlsConnectOptions } from "./tlsOptions";
import { BridgeTransport, type TransportOptions } from "./transport";
import { lineDecoder } from "./decodeLine";
import { RemoteTransport } from "../pool/remoteTransport";

/** Who connects this time: the nick and username asked for, and the account to log in to, if any. */
export interface AttemptIdentity {
  readonly nick: string;
  readonly username: string;
  readonly auth: Credentials | undefined;
  /** The user's client certificate (!certfp): presented on a TLS endpoint only, with SASL EXTERNAL (saslLogin.ts). */
  readonly certificate?: ClientCertificatePem | undefined;
}

/** What the connection tells its transport: lines it need not read (heardElsewhere.ts), whether it is registered (it may PING), and whether its reads may be put off (readPauses.ts). */
export interface TransportHooks {
  readonly skipLine?: ((line: string) => boolean) | undefined;
  readonly registered?: (() => boolean) | undefined;
  readonly mayPause?: (() => boolean) | undefined;
}

/**
 * irc-framework's options for one connection attempt to `endpoint`: the bridge's own transport
 * (transport.ts) with its TLS options and line decoding, no automatic reconnect (the network's
 * connect scheduler decides), echo-message on, CTCP VERSION answered by the bridge; a client
 * certificate on TLS with SASL EXTERNAL, else SASL PLAIN with the stored password (saslLogin.ts).
 * Where the network's connections are held by connection processes, the transport is
 * pool/remoteTransport.ts instead: the same lines, through Redis.
 */
export function clientOptions(options: ConnectionOptions, endpoint: ServerEndpoint, who: AttemptIdentity, hooks: TransportHooks = {}): Partial<ClientOptions> {
  const certificate = endpoint.tls ? who.certificate : undefined;
  const tls = options.server.tlsSettings ?? DEFAULT_TLS;
  // With connection processes the socket is theirs: the transport goes through Redis (pool/).
  const pool = options.server.connectionProcess;
  const ircbridge: TransportOptions = {
    endpoint,
    tlsConnect: endpoint.tls ? { ...tlsConnectOptions(tls, endpoint), ...(certificate === undefined ? {} : { key: certificate.key, cert: certificate.cert }) } : undefined,
    tlsCheck: endpoint.tls ? tlsCheck(tls, endpoint) : undefined,
    localAddress: options.server.bindAddress,
    decodeLine: lineDecoder(options.server.encodingFallback),
    // The one keepalive (quietWatch.ts): a PING only after pingIntervalS of quiet, the socket given up
    // after pingTimeoutS of it. irc-framework's own PINGed every interval however busy the connection
    // was, and its ping_timeout replaced a timer at every line it parsed: both are off.
    idleTimeoutMs: options.keepalive.pingTimeoutS * 1000,
    pingIntervalMs: options.keepalive.pingIntervalS * 1000,
    registered: hooks.registered,
    mayPause: hooks.mayPause,
    skipLine: hooks.skipLine,
    readPauses: options.readPauses,
    ...(pool === undefined ? {} : { remote: { link: pool.link, network: pool.network, connection: options.id, certificate } }),
  };
  return {
    host: endpoint.host,
    port: endpoint.port,
    tls: endpoint.tls,
    transport: pool === undefined ? BridgeTransport : RemoteTransport,
    ircbridge,
    nick: who.nick,
    username: who.username,
    gecos: options.realname,
    auto_reconnect: false,
    ping_interval: 0,
    ping_timeout: 0,
    enable_echomessage: true,
    version: null,
    ...(options.server.password === undefined ? {} : { password: options.server.password }),
    ...(options.webirc === undefined ? {} : { webirc: options.webirc }),
    // An empty account keeps irc-framework from trying the server password as a SASL PLAIN login.
    account: who.auth === undefined ? { account: "", password: "" } : { account: who.auth.account, password: who.auth.password },
    sasl_disconnect_on_fail: false,
    ...(certificate === undefined ? {} : { sasl_mechanism: "EXTERNAL" }),
  };
}
