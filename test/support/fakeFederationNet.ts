import { isIP } from "node:net";
import type { FederationNet, HttpAnswer, PinnedRequest, SrvRecord } from "../../src/provisioning/openId/federationNet";

type Server = (request: PinnedRequest) => HttpAnswer | Promise<HttpAnswer>;

/** DNS, SRV and HTTP servers of a pretend internet; every GET is recorded. */
export class FakeFederationNet implements FederationNet {
  readonly hosts = new Map<string, string[]>();
  readonly srv = new Map<string, SrvRecord[]>();
  /** By "address:port". A GET elsewhere is refused like a closed port. */
  readonly servers = new Map<string, Server>();
  readonly requests: PinnedRequest[] = [];

  lookup(host: string): Promise<readonly string[]> {
    if (isIP(host) !== 0) return Promise.resolve([host]);
    const found = this.hosts.get(host);
    return found === undefined ? Promise.reject(new Error(`ENOTFOUND ${host}`)) : Promise.resolve(found);
  }

  resolveSrv(name: string): Promise<readonly SrvRecord[]> {
    return Promise.resolve(this.srv.get(name) ?? []);
  }

  get(request: PinnedRequest): Promise<HttpAnswer> {
    this.requests.push(request);
    const server = this.servers.get(`${request.address}:${request.port}`);
    if (server === undefined) return Promise.reject(new Error(`ECONNREFUSED ${request.address}:${request.port}`));
    return Promise.resolve(server(request));
  }

  /** The userinfo requests made (those that carry an OpenID token). */
  get userInfoRequests(): PinnedRequest[] {
    return this.requests.filter((r) => r.path.startsWith("/_matrix/federation/v1/openid/userinfo"));
  }
}

/** A homeserver's federation listener that knows some OpenID tokens (token -> the `sub` it answers). */
export function openIdServer(tokens: Readonly<Record<string, string>>): Server {
  return (request) => {
    const url = new URL(request.path, "https://placeholder");
    if (url.pathname !== "/_matrix/federation/v1/openid/userinfo") return { status: 404, json: { errcode: "M_UNRECOGNIZED" } };
    const sub = tokens[url.searchParams.get("access_token") ?? ""];
    return sub === undefined ? { status: 401, json: { errcode: "M_UNKNOWN_TOKEN", error: "Invalid access token" } } : { status: 200, json: { sub } };
  };
}

/** A web server that answers /.well-known/matrix/server with `body` (JSON) and 404 elsewhere. */
export function wellKnownServer(body: unknown, status = 200): Server {
  return (request) => (request.path === "/.well-known/matrix/server" ? { status, json: body } : { status: 404, json: undefined });
}
