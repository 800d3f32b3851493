/**
 * How a connector dials an open request: the request says where (the endpoint the bridge chose,
 * STS upgrades included) and from which address; the network's own config says how (its TLS
 * settings, how lines that are not UTF-8 are read, how long a quiet socket lives), exactly as the
 * in-process transport would (irc/clientOptions.ts).
 */
import type { BridgeConfig } from "../config/schema";
import { lineDecoder } from "../irc/decodeLine";
import type { ServerEndpoint } from "../irc/serverSettings";
import { tlsCheck, tlsConnectOptions, tlsSettingsFrom, type TlsSettings } from "../irc/tlsOptions";
import type { TransportOptions } from "../irc/transport";
import type { OpenRequest } from "./protocol";

interface NetworkDial {
  readonly tls: TlsSettings;
  readonly decodeLine: (bytes: Buffer) => string;
  readonly idleTimeoutMs: number;
}

/** The dial function of a connector for the networks of `config`; a request for another network is refused with a reason. */
export function dialer(config: BridgeConfig): (request: OpenRequest) => TransportOptions | string {
  const networks = new Map<string, NetworkDial>(
    config.ircNetworks.map((n) => [
      n.id,
      {
        tls: tlsSettingsFrom(n.tlsOptions),
        decodeLine: lineDecoder(n.encodingFallback),
        // The connector pings a quiet connection itself (heldConnection.ts), so this is only for a dead socket.
        idleTimeoutMs: (n.connections.pingIntervalSeconds + n.connections.pingTimeoutSeconds) * 1000,
      },
    ]),
  );
  return (request) => {
    const network = networks.get(request.network);
    if (network === undefined) return `the connection process has no network ${request.network} in its config`;
    const endpoint: ServerEndpoint = { host: request.host, port: request.port, tls: request.tls, family: request.family };
    const certificate = request.tls ? request.certificate : undefined;
    return {
      endpoint,
      tlsConnect: endpoint.tls ? { ...tlsConnectOptions(network.tls, endpoint), ...(certificate === undefined ? {} : { key: certificate.key, cert: certificate.cert }) } : undefined,
      tlsCheck: endpoint.tls ? tlsCheck(network.tls, endpoint) : undefined,
      localAddress: request.localAddress,
      decodeLine: network.decodeLine,
      idleTimeoutMs: network.idleTimeoutMs,
    };
  };
}

/** The quiet time after which a connector pings: the shortest ping interval among the networks. */
export function keepAliveMs(config: BridgeConfig): number {
  return Math.min(60, ...config.ircNetworks.map((n) => n.connections.pingIntervalSeconds)) * 1000;
}
