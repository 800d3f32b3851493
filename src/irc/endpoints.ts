/**
 * Which of a network's addresses a connection dials, attempt by attempt: the config's `address`,
 * then its `additionalAddresses`, with the network's `addressFamily`, and a user's own source address.
 *
 * Guarantees:
 * - Order: a connection starts from the address the network's connections last registered on (one
 *   memory per network, forgotten when that address fails), else the first; each attempt that fails
 *   before registering (refused, unreachable, timed out, closed) moves it to the next, wrapping round.
 * - Stay: once registered, a connection keeps the address that worked; its next reconnect starts there.
 * - Verdict: `failed()` is true while this round still has an address left to try; false only when
 *   every address failed in a row. Only then is the network unreachable for the connect scheduler
 *   (connectScheduler.ts), so a down address next to a working one never holds the whole network.
 * - Family: a connection with an IPv6 source address dials every address as IPv6 (family 6) and
 *   skips IPv4 literals; with an IPv4 source address the reverse. It never binds one family and dials
 *   the other. Without a source address the network's addressFamily applies (undefined: either).
 */
import { isIP } from "node:net";
import type { NetworkConfig } from "../config/schema";
import type { ServerEndpoint, ServerSettings } from "./serverSettings";

/** The address a network's connections last registered on, shared by all of them. */
export class LastGoodAddress {
  private key: string | undefined;

  get current(): string | undefined {
    return this.key;
  }

  worked(endpoint: ServerEndpoint): void {
    this.key = endpointKey(endpoint);
  }

  failed(endpoint: ServerEndpoint): void {
    if (this.key === endpointKey(endpoint)) this.key = undefined;
  }
}

export function endpointKey(endpoint: ServerEndpoint): string {
  return `${endpoint.host.includes(":") ? `[${endpoint.host}]` : endpoint.host}:${endpoint.port}`;
}

/** The network's address settings from its config (validated at load: see addressProblems.ts). */
export function addressSettings(network: NetworkConfig): Pick<ServerSettings, "additionalAddresses" | "family" | "lastGood"> {
  const additionalAddresses = network.additionalAddresses.flatMap((text) => {
    const parsed = parseAddress(text, network.port, network.tls);
    return typeof parsed === "string" ? [] : [parsed];
  });
  const family = network.addressFamily === "ipv4" ? 4 : network.addressFamily === "ipv6" ? 6 : undefined;
  return { additionalAddresses, family, lastGood: new LastGoodAddress() };
}

/** The endpoints one connection may dial, in order (see Family above). */
export function serverEndpoints(server: ServerSettings): ServerEndpoint[] {
  const all: ServerEndpoint[] = [{ host: server.host, port: server.port, tls: server.tls }, ...(server.additionalAddresses ?? [])];
  const bind = server.bindAddress === undefined ? 0 : isIP(server.bindAddress);
  const family = bind === 4 || bind === 6 ? bind : server.family;
  const usable = family === undefined ? all : all.filter((e) => isIP(e.host) === 0 || isIP(e.host) === family);
  // Config load refuses a family no address can be dialled with; if none is left, dial them all
  // and let the socket say why.
  return (usable.length > 0 ? usable : all).map((e) => ({ ...e, family }));
}

export class EndpointRotation {
  private index: number;
  private failures = 0;

  constructor(
    private readonly endpoints: readonly ServerEndpoint[],
    private readonly lastGood: LastGoodAddress | undefined,
  ) {
    if (endpoints.length === 0) throw new Error("a network needs at least one address");
    const remembered = lastGood?.current;
    const at = remembered === undefined ? -1 : endpoints.findIndex((e) => endpointKey(e) === remembered);
    this.index = at < 0 ? 0 : at;
  }

  /** The address the next attempt dials. */
  current(): ServerEndpoint {
    return this.endpoints[this.index] ?? (this.endpoints[0] as ServerEndpoint);
  }

  /** The attempt on current() failed before registering: moves on. False when every address failed in a row. */
  failed(): boolean {
    this.lastGood?.failed(this.current());
    this.index = (this.index + 1) % this.endpoints.length;
    this.failures++;
    if (this.failures < this.endpoints.length) return true;
    this.failures = 0;
    return false;
  }

  /** The attempt on current() registered: the connection stays there, and the network remembers it. */
  registered(): void {
    this.failures = 0;
    this.lastGood?.worked(this.current());
  }
}

/**
 * Reads one `additionalAddresses` entry: "host", "host:port", "[IPv6]", "[IPv6]:port" or a bare IPv6
 * literal (port: the network's). Returns the endpoint, or why the text is not an address.
 */
export function parseAddress(text: string, defaultPort: number, tls: boolean): ServerEndpoint | string {
  let host = text;
  let port = defaultPort;
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(text);
  if (bracketed !== null) {
    host = bracketed[1] ?? "";
    if (bracketed[2] !== undefined) port = Number(bracketed[2]);
    if (isIP(host) !== 6) return `must be "host", "host:port" or "[IPv6]:port", got ${JSON.stringify(text)}`;
  } else if (isIP(text) !== 6) {
    const withPort = /^([^:]+):(\d+)$/.exec(text);
    if (withPort !== null) {
      host = withPort[1] ?? "";
      port = Number(withPort[2]);
    }
    if (!/^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$/.test(host) || host.includes("..")) {
      return `must be "host", "host:port" or "[IPv6]:port", got ${JSON.stringify(text)}`;
    }
  }
  if (!Number.isInteger(port) || port < 1 || port > 65535) return `has port ${port}, which is not from 1 to 65535`;
  return { host, port, tls };
}
