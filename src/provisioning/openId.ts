import type { Logger } from "../observability/logger";
import { ProvisionError } from "./links";
import type { FederationNet, HttpAnswer, PinnedRequest } from "./openId/federationNet";
import { IpRanges } from "./openId/ipRanges";
import { parseOverride, type Override } from "./openId/override";
import { AddressRefused, discoverServer, parseServerName, type ServerTarget } from "./openId/serverDiscovery";
import type { ProvisioningSessions } from "./openId/sessions";

/**
 * The OpenID widget sign-in of the provisioning API (`POST /_matrix/provision/v1/exchange_openid`,
 * as matrix-appservice-bridge's ProvisioningApi speaks it): a widget asks its homeserver for an
 * OpenID token (`POST /_matrix/client/v3/user/{userId}/openid/request_token`), posts
 * `{matrixServer, openIdToken}`, and gets `{token, userId}`: a provisioning session that stands for
 * that Matrix user instead of the shared secret.
 *
 * Guarantees:
 * - A session is issued only for a user id whose server part is exactly `matrixServer`, the server
 *   that vouched for it: a server may only vouch for its own users (CVE-2023-38691).
 * - The bridge asks `matrixServer` itself, found by server discovery (serverDiscovery.ts), unless
 *   `openIdOverrides` names a URL for it; it never contacts an address in `openIdDisallowedIpRanges`
 *   (the overrides, written by the operator, are trusted and not checked), and the address checked
 *   is the address contacted.
 * - Every refusal is a ProvisionError with its status and errcode (M_AS_BAD_VALUE, M_AS_BAD_OPENID,
 *   M_AS_LIMIT_EXCEEDED) and creates no session. At most `maxInFlight` exchanges run at once, so
 *   the endpoint cannot be used to make the bridge send requests without bound. Neither the OpenID token nor a session token is
 *   logged or put in a reply other than the one that issues it.
 */

export interface OpenIdSettings {
  /** CIDR ranges never contacted during an exchange (`openIdDisallowedIpRanges`). */
  readonly disallowedIpRanges: readonly string[];
  /** Server name -> base URL used instead of server discovery (`openIdOverrides`). */
  readonly overrides: Readonly<Record<string, string>>;
  /** How long an issued session lasts (`openIdSessionLifetimeSeconds`). */
  readonly sessionLifetimeSeconds: number;
}

export interface ExchangeResult {
  readonly token: string;
  readonly userId: string;
}

const DEFAULT_MAX_IN_FLIGHT = 16;
const TOKEN = /^[\x21-\x7e]{1,2048}$/;
const USER_ID = /^@([^:]{1,255}):(.{1,255})$/;

const badValue = (message: string) => new ProvisionError(400, "M_AS_BAD_VALUE", message);
const badOpenId = (status: number, message: string) => new ProvisionError(status, "M_AS_BAD_OPENID", message);

export class OpenIdExchange {
  private readonly disallowed: IpRanges;
  private readonly overrides: ReadonlyMap<string, Override>;
  private inFlight = 0;

  constructor(
    private readonly deps: {
      readonly settings: OpenIdSettings;
      readonly net: FederationNet;
      readonly sessions: ProvisioningSessions;
      readonly log: Logger;
      /** Exchanges under way at once at most (each sends requests out); more are refused with 429. */
      readonly maxInFlight?: number;
    },
  ) {
    this.disallowed = new IpRanges(deps.settings.disallowedIpRanges);
    this.overrides = new Map(Object.entries(deps.settings.overrides).map(([name, url]) => [name, parseOverride(url)]));
  }

  /** The Matrix user a live session token stands for (what the API's auth asks). */
  userOf(token: string): string | undefined {
    return this.deps.sessions.userOf(token);
  }

  /** Ends a session (DELETE /v1/session); true when it was live. */
  signOut(token: string): boolean {
    return this.deps.sessions.revoke(token);
  }

  /** Checks the OpenID token with the server that issued it and opens a session for its user. */
  async exchange(body: unknown): Promise<ExchangeResult> {
    if (this.inFlight >= (this.deps.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT)) {
      throw new ProvisionError(429, "M_AS_LIMIT_EXCEEDED", "Too many sign-ins are under way; try again in a moment.");
    }
    this.inFlight++;
    try {
      return await this.check(body);
    } finally {
      this.inFlight--;
    }
  }

  private async check(body: unknown): Promise<ExchangeResult> {
    const fields = typeof body === "object" && body !== null ? (body as Record<string, unknown>) : {};
    const { matrixServer, openIdToken } = fields;
    if (typeof matrixServer !== "string" || parseServerName(matrixServer) === undefined) {
      throw badValue("matrixServer must be the server name of a Matrix homeserver, such as example.org.");
    }
    if (typeof openIdToken !== "string" || !TOKEN.test(openIdToken)) throw badValue("openIdToken must be the access_token of an OpenID token.");

    const log = this.deps.log.child({ server: matrixServer });
    const answer = await this.userInfo(matrixServer, openIdToken).catch((err: unknown) => {
      if (err instanceof ProvisionError) throw err;
      log.warn("OpenID exchange: the server could not be asked", { reason: err instanceof Error ? err.message : String(err) });
      throw badOpenId(502, `Could not reach ${matrixServer} to check the OpenID token.`);
    });
    if (answer.status === 401 || answer.status === 403) {
      log.info("OpenID exchange: the server did not accept the token", { status: answer.status });
      throw badOpenId(401, `${matrixServer} did not accept the OpenID token (it may have expired: ask for a new one).`);
    }
    if (answer.status !== 200) {
      // 404 M_UNRECOGNIZED: the listener asked does not serve the `openid` resource.
      log.warn("OpenID exchange: the server did not answer the userinfo request", { status: answer.status });
      throw badOpenId(502, `${matrixServer} did not answer the OpenID userinfo request (HTTP ${answer.status}).`);
    }
    const sub = typeof answer.json === "object" && answer.json !== null ? (answer.json as Record<string, unknown>).sub : undefined;
    const match = typeof sub === "string" ? USER_ID.exec(sub) : null;
    if (typeof sub !== "string" || match === null) throw badOpenId(502, `${matrixServer} did not answer with a Matrix user id.`);
    if (match[2] !== matrixServer) {
      log.warn("OpenID exchange: a server vouched for another server's user", { sub });
      throw badOpenId(403, `${matrixServer} vouched for ${sub}, a user of another server: a server may only vouch for its own users.`);
    }
    const { token } = this.deps.sessions.issue(sub);
    log.info("OpenID exchange: session opened", { user: sub });
    return { token, userId: sub };
  }

  private async userInfo(serverName: string, openIdToken: string): Promise<HttpAnswer> {
    const path = `/_matrix/federation/v1/openid/userinfo?access_token=${encodeURIComponent(openIdToken)}`;
    const override = this.overrides.get(serverName);
    if (override !== undefined) {
      const [address] = await this.deps.net.lookup(override.host);
      if (address === undefined) throw new Error(`${override.host} has no address`);
      return this.deps.net.get({ scheme: override.scheme, address, port: override.port, path, hostHeader: serverName, tlsName: override.host });
    }
    const name = parseServerName(serverName);
    if (name === undefined) throw badValue("matrixServer must be the server name of a Matrix homeserver.");
    const pin = (host: string) => this.pin(serverName, host);
    let target: ServerTarget;
    try {
      target = await discoverServer(this.deps.net, name, pin);
    } catch (err) {
      if (err instanceof ProvisionError) throw err;
      throw badOpenId(502, `Could not find the Matrix server ${serverName}.`);
    }
    const address = await pin(target.host);
    const request: PinnedRequest = { scheme: "https", address, port: target.port, path, hostHeader: target.hostHeader, tlsName: target.tlsName };
    return this.deps.net.get(request);
  }

  /** An address of `host` to contact; refused when any of its addresses is disallowed. */
  private async pin(serverName: string, host: string): Promise<string> {
    let addresses: readonly string[];
    try {
      addresses = await this.deps.net.lookup(host);
    } catch {
      throw badOpenId(502, `Could not find the Matrix server ${serverName} (${host} has no address).`);
    }
    const [first] = addresses;
    if (first === undefined) throw badOpenId(502, `Could not find the Matrix server ${serverName} (${host} has no address).`);
    if (addresses.some((a) => this.disallowed.contains(a))) throw new AddressRefused(serverName);
    return first;
  }
}

/** The handler the API mounts at POST /v1/exchange_openid: the JSON body in, status and JSON out. */
export function handleExchange(exchange: OpenIdExchange): (body: unknown) => Promise<{ readonly status: number; readonly body: object }> {
  return async (body) => {
    try {
      return { status: 200, body: await exchange.exchange(body) };
    } catch (err) {
      if (err instanceof ProvisionError) return { status: err.status, body: { errcode: err.errcode, error: err.message } };
      throw err;
    }
  };
}
