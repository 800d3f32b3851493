/**
 * The provisioning HTTP API, under /_matrix/provision/ and /_matrix/provision/v1/ on the bridge's
 * appservice port (AppserviceServer hands it every path under that prefix).
 *
 * Guarantees: every route but the OpenID exchange needs the Bearer token (auth.ts) before anything
 * else is read; bodies are read up to `maxBodyBytes` and validated strictly (bodies.ts) before any
 * operation runs; each requester (a session's user, else the body's user_id, else the caller's
 * address) makes at most `requestsPerMinute` requests (429 M_LIMIT_EXCEEDED); every refusal is
 * JSON `{errcode, error}` with its status; an unexpected failure is logged and answered 500 without
 * its details. Secrets and tokens are never logged.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { errorText } from "../../errors";
import type { Logger } from "../../observability/logger";
import { HttpError, readBody, sendError, sendJson } from "../../util/http";
import { ProvisionError } from "../links";
import { bearerToken, type ProvisioningAuth } from "./auth";
import { NO_FIELDS, ROUTES, type RouteDeps } from "./routes";
import type { RateLimit } from "./rateLimit";
import { parseBody } from "./bodies";

export const PROVISION_PREFIX = "/_matrix/provision";

/** The OpenID widget flow's token exchange (provisioning/openId.ts): the JSON answer, or a ProvisionError. */
export type OpenIdExchange = (body: unknown) => Promise<{ readonly status: number; readonly body: object }>;

export interface ProvisioningApiOptions {
  readonly routes: RouteDeps;
  readonly auth: ProvisioningAuth;
  readonly rateLimit: RateLimit;
  readonly maxBodyBytes: number;
  readonly log: Logger;
  readonly exchangeOpenId?: OpenIdExchange;
  /** Ends an OpenID session (DELETE /v1/session with its token); false when it was not open. */
  readonly signOut?: (token: string) => boolean;
}

export class ProvisioningApi {
  readonly prefix = PROVISION_PREFIX;

  constructor(private readonly options: ProvisioningApiOptions) {}

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      await this.serve(req, res);
    } catch (err) {
      if (res.headersSent) return;
      if (err instanceof HttpError) sendError(res, err);
      else if (err instanceof ProvisionError) sendJson(res, err.status, { errcode: err.errcode, error: err.message });
      else {
        this.options.log.error("a provisioning request failed", { path: new URL(req.url ?? "/", "http://x").pathname, error: errorText(err) });
        sendJson(res, 500, { errcode: "M_UNKNOWN", error: "internal error" });
      }
    }
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const { routes, auth, rateLimit, maxBodyBytes, exchangeOpenId } = this.options;
    const path = new URL(req.url ?? "/", "http://bridge.invalid").pathname;
    let rest = path.slice(PROVISION_PREFIX.length);
    if (rest.startsWith("/v1/")) rest = rest.slice("/v1".length);
    if (rest === "/exchange_openid" && exchangeOpenId !== undefined) {
      if (req.method !== "POST") throw new HttpError(405, "M_UNRECOGNIZED", "use POST");
      const raw = await readBody(req, maxBodyBytes);
      let body: unknown;
      try {
        body = JSON.parse(raw.toString("utf8"));
      } catch {
        throw new HttpError(400, "M_NOT_JSON", "the body is not JSON");
      }
      const answer = await exchangeOpenId(body);
      sendJson(res, answer.status, answer.body);
      return;
    }
    const caller = auth.caller(req);
    if (rest === "/session" && this.options.signOut !== undefined) {
      if (req.method !== "DELETE") throw new HttpError(405, "M_UNRECOGNIZED", "use DELETE");
      if (caller.kind !== "session") throw new HttpError(400, "M_INVALID_PARAM", "only an OpenID session signs out (the shared secret has no session)");
      this.options.signOut(bearerToken(req));
      sendJson(res, 200, {});
      return;
    }
    const [, name = "", ...more] = rest.split("/");
    const route = Object.hasOwn(ROUTES, name) ? ROUTES[name] : undefined;
    if (route === undefined || more.length !== (route.withParam === true ? 1 : 0)) throw new HttpError(404, "M_UNRECOGNIZED", "unknown provisioning endpoint");
    if (req.method !== route.method) throw new HttpError(405, "M_UNRECOGNIZED", `use ${route.method}`);
    const fields = route.body === undefined ? NO_FIELDS : parseBody(await readBody(req, maxBodyBytes), route.body);
    const requester = caller.kind === "session" ? caller.userId : (fields.get("user_id") ?? req.socket.remoteAddress ?? "unknown");
    if (!rateLimit.take(requester)) throw new HttpError(429, "M_LIMIT_EXCEEDED", "too many provisioning requests; try again in a minute");
    let param = "";
    try {
      param = decodeURIComponent(more[0] ?? "");
    } catch {
      throw new HttpError(400, "M_INVALID_PARAM", "the path is not valid");
    }
    sendJson(res, 200, await route.run(routes, { caller, fields, param }));
  }
}
