/**
 * What the OpenID exchange needs from the network, as one narrow interface: name resolution and a
 * GET to an address already checked (so the address checked is the address contacted: no second
 * DNS answer can slip a private address in between). Tests inject a fake; the real one is
 * federationHttp.ts.
 */

export interface SrvRecord {
  readonly name: string;
  readonly port: number;
  readonly priority: number;
  readonly weight: number;
}

/** A GET sent to `address` (an IP) while naming the server in the Host header and TLS. */
export interface PinnedRequest {
  readonly scheme: "https" | "http";
  readonly address: string;
  readonly port: number;
  /** Path and query. */
  readonly path: string;
  readonly hostHeader: string;
  /** The name the server's certificate must be valid for (https). */
  readonly tlsName: string;
}

export interface HttpAnswer {
  readonly status: number;
  /** The body parsed as JSON; undefined when it is not JSON. */
  readonly json: unknown;
}

export interface FederationNet {
  /** Every address a host name resolves to (an IP literal resolves to itself); rejects when none. */
  lookup(host: string): Promise<readonly string[]>;
  /** The SRV records of `name`; empty when there are none. */
  resolveSrv(name: string): Promise<readonly SrvRecord[]>;
  /** Rejects on network errors, timeouts and oversized bodies. */
  get(request: PinnedRequest): Promise<HttpAnswer>;
}
