import { isIP } from "node:net";
import { ProvisionError } from "../links";
import type { FederationNet, SrvRecord } from "./federationNet";

/**
 * Matrix server discovery (Server-Server API, "Resolving server names"): where to send a federation
 * request for a server name, with the Host header and TLS name to use.
 *
 * Guarantees:
 * - Follows the spec's order: IP literal; explicit port; `/.well-known/matrix/server` delegation
 *   (then the delegated name's IP / port / SRV `_matrix-fed._tcp` / SRV `_matrix._tcp` / 8448);
 *   else SRV `_matrix-fed._tcp`, SRV `_matrix._tcp`, port 8448 of the name itself.
 * - The well-known request goes only to an address `pin` allows (it is a request too); it is not
 *   redirected. An invalid or missing well-known falls through, as the spec says; a refused
 *   address does not (AddressRefused propagates).
 * Not done: caching (each exchange resolves afresh; exchanges are rare).
 */

export const DEFAULT_FEDERATION_PORT = 8448;

export interface ServerName {
  /** The host without brackets (an IPv6 literal is bare here). */
  readonly host: string;
  readonly port: number | undefined;
  readonly ipVersion: 0 | 4 | 6;
}

export interface ServerTarget {
  /** Host name or IP to connect to (still to be resolved and checked). */
  readonly host: string;
  readonly port: number;
  readonly hostHeader: string;
  readonly tlsName: string;
}

/** A server resolves into a range the bridge may not contact (openIdDisallowedIpRanges). */
export class AddressRefused extends ProvisionError {
  constructor(serverName: string) {
    super(403, "M_AS_BAD_OPENID", `${serverName} resolves to an address this bridge may not contact.`);
  }
}

/** The address a host may be reached at; rejects with AddressRefused, or another error when it has none. */
export type Pin = (host: string) => Promise<string>;

const DNS_NAME = /^(?=.{1,255}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,62})(?:\.[A-Za-z0-9-]{1,63})*\.?$/;

/** `host[:port]` as the spec's grammar has it; undefined when it is no server name. */
export function parseServerName(text: string): ServerName | undefined {
  const match = /^(\[[0-9A-Fa-f:.]+\]|[^:[\]]+)(?::(\d{1,5}))?$/.exec(text);
  if (match === null) return undefined;
  const [, hostPart = "", portText] = match;
  const port = portText === undefined ? undefined : Number(portText);
  if (port !== undefined && (port < 1 || port > 65535)) return undefined;
  if (hostPart.startsWith("[")) {
    const host = hostPart.slice(1, -1);
    return isIP(host) === 6 ? { host, port, ipVersion: 6 } : undefined;
  }
  if (isIP(hostPart) === 4) return { host: hostPart, port, ipVersion: 4 };
  return DNS_NAME.test(hostPart) ? { host: hostPart, port, ipVersion: 0 } : undefined;
}

/** The best SRV target (lowest priority, then highest weight); undefined when none or "." (no service). */
function bestSrv(records: readonly SrvRecord[]): SrvRecord | undefined {
  const best = [...records].sort((a, b) => a.priority - b.priority || b.weight - a.weight)[0];
  return best === undefined || best.name === "" || best.name === "." ? undefined : best;
}

async function srvTarget(net: FederationNet, host: string, hostHeader: string): Promise<ServerTarget | undefined> {
  for (const service of ["_matrix-fed._tcp", "_matrix._tcp"]) {
    const records = await net.resolveSrv(`${service}.${host}`).catch((): readonly SrvRecord[] => []);
    const best = bestSrv(records);
    if (best !== undefined) return { host: best.name, port: best.port, hostHeader, tlsName: host };
  }
  return undefined;
}

/** The `m.server` a host's well-known delegates to, or undefined (missing, invalid, unreachable). */
async function wellKnown(net: FederationNet, host: string, pin: Pin): Promise<ServerName | undefined> {
  let address: string;
  try {
    address = await pin(host);
  } catch (err) {
    if (err instanceof AddressRefused) throw err;
    return undefined; // no address: SRV records may still name one
  }
  const answer = await net
    .get({ scheme: "https", address, port: 443, path: "/.well-known/matrix/server", hostHeader: host, tlsName: host })
    .catch(() => undefined);
  if (answer === undefined || answer.status !== 200) return undefined;
  const json = answer.json;
  if (typeof json !== "object" || json === null) return undefined;
  const delegated: unknown = (json as Record<string, unknown>)["m.server"];
  return typeof delegated === "string" ? parseServerName(delegated) : undefined;
}

function withPort(name: ServerName, port: number): string {
  return name.ipVersion === 6 ? `[${name.host}]:${port}` : `${name.host}:${port}`;
}

function bare(name: ServerName): string {
  return name.ipVersion === 6 ? `[${name.host}]` : name.host;
}

/** Where federation requests for `name` go (spec order; see the guarantees above). */
export async function discoverServer(net: FederationNet, name: ServerName, pin: Pin): Promise<ServerTarget> {
  const own = bare(name);
  if (name.ipVersion !== 0) {
    const port = name.port ?? DEFAULT_FEDERATION_PORT;
    return { host: name.host, port, hostHeader: name.port === undefined ? own : withPort(name, port), tlsName: name.host };
  }
  if (name.port !== undefined) return { host: name.host, port: name.port, hostHeader: withPort(name, name.port), tlsName: name.host };

  const delegated = await wellKnown(net, name.host, pin);
  if (delegated !== undefined) {
    const header = delegated.port === undefined ? bare(delegated) : withPort(delegated, delegated.port);
    if (delegated.ipVersion !== 0 || delegated.port !== undefined) {
      return { host: delegated.host, port: delegated.port ?? DEFAULT_FEDERATION_PORT, hostHeader: header, tlsName: delegated.host };
    }
    return (
      (await srvTarget(net, delegated.host, header)) ?? { host: delegated.host, port: DEFAULT_FEDERATION_PORT, hostHeader: header, tlsName: delegated.host }
    );
  }
  return (await srvTarget(net, name.host, own)) ?? { host: name.host, port: DEFAULT_FEDERATION_PORT, hostHeader: own, tlsName: name.host };
}
