import { SharedSecret } from "../util/sharedSecret";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Metrics } from "../observability/metrics";
import type { Logger } from "../observability/logger";
import type { TransactionLog } from "../store/store";
import { DEFAULT_MAX_BODY_BYTES, HttpError, close, listen, readBody, refuseDeclaredOversize, sendError, sendJson } from "../util/http";
import { parseTransaction, type Transaction } from "./events";
import { answerThirdParty, THIRD_PARTY, type ThirdPartyHandlers } from "./thirdParty";

/**
 * The application-service HTTP API the homeserver calls (Matrix AS API v1).
 *
 * Guarantees:
 * - Every request to /_matrix/app/v1 carries the hs_token (Authorization: Bearer, or the legacy access_token query);
 *   it is compared in constant time. Missing: 401 M_UNAUTHORIZED. Wrong: 403 M_FORBIDDEN, and
 *   nothing is processed.
 * - A transaction is acknowledged (200) only after `onTransaction` resolved, i.e. after its events
 *   were handled or durably queued; then its txnId is persisted. A retried txnId that was already
 *   acknowledged, even before a restart, is answered 200 without processing it again. A failure
 *   answers 500, so the homeserver retries the same transaction.
 * - Concurrent deliveries of the same txnId share one processing run.
 * - A request body over `maxBodyBytes` (declared, or as it arrives) is answered 413 M_TOO_LARGE
 *   and counted (rejected_requests{reason="too_large"}); at most that much of it is ever held.
 * - GET /health needs no token and says only "ok" (200) or "degraded" (503). The reasons and the
 *   queue depths are shown only to a caller that presents the hs_token (Bearer; constant-time
 *   compare): they name rooms' troubles and the bridge's load, which is not for anyone who can reach
 *   the port. A wrong token gets the same bare answer as none.
 * - GET /thirdparty/... (protocol, location, user and the reverse lookups) are answered by the
 *   thirdParty handlers (thirdParty.ts), behind the same hs_token check.
 * - A path under a mount's prefix (HttpMount) goes to that mount only, which authenticates its own
 *   callers (the provisioning API's secret): the hs_token is never accepted there.
 * Not guaranteed here: de-duplication of the same event in two different transactions (handlers
 * de-duplicate by event_id where it matters).
 */
export interface AppserviceHandlers {
  onTransaction(txn: Transaction): Promise<void>;
  /** True when the user exists (or was just created) and belongs to the bridge. */
  onUserQuery(userId: string): Promise<boolean>;
  /** True when the alias exists now (the bridge may create the room on demand). */
  onAliasQuery(alias: string): Promise<boolean>;
  /** The third-party lookups (GET /thirdparty/...); without them those paths answer 404. */
  readonly thirdParty?: ThirdPartyHandlers;
  /** Health for GET /health: "ok", or "degraded" with a reason; details for token holders only. */
  health(): Health;
}

export interface Health {
  readonly status: "ok" | "degraded";
  readonly reasons: string[];
  /** Queue depths and the like, by name. */
  readonly details?: Readonly<Record<string, number>>;
}

const PREFIX = "/_matrix/app/v1";

/**
 * Another API served on the same port under its own path prefix (the provisioning API): it gets
 * every request under `prefix` (no hs_token check here: it authenticates its own callers) and
 * answers it itself, errors included.
 */
export interface HttpMount {
  readonly prefix: string;
  handle(req: IncomingMessage, res: ServerResponse): Promise<void>;
}

export class AppserviceServer {
  private readonly server: Server;
  private readonly expected: SharedSecret;
  private readonly inFlight = new Map<string, Promise<void>>();

  constructor(
    hsToken: string,
    private readonly handlers: AppserviceHandlers,
    private readonly transactions: TransactionLog,
    private readonly metrics: Metrics,
    private readonly log: Logger,
    private readonly maxBodyBytes: number = DEFAULT_MAX_BODY_BYTES,
    private readonly mounts: readonly HttpMount[] = [],
  ) {
    this.expected = new SharedSecret(hsToken);
    this.server = createServer((req, res) => {
      this.route(req, res).catch((err: unknown) => this.fail(res, err));
    });
  }

  listen(host: string, port: number): Promise<void> {
    return listen(this.server, host, port);
  }

  close(): Promise<void> {
    return close(this.server);
  }

  /** The port actually bound (useful when listening on port 0). */
  boundPort(): number {
    const address = this.server.address();
    return typeof address === "object" && address !== null ? address.port : 0;
  }

  private fail(res: ServerResponse, err: unknown): void {
    if (err instanceof HttpError) {
      if (err.status === 413) this.metrics.rejectedRequests.inc({ reason: "too_large" });
      sendError(res, err);
      return;
    }
    this.log.error("appservice request failed", { error: err instanceof Error ? err.message : String(err) });
    if (!res.headersSent) sendJson(res, 500, { errcode: "M_UNKNOWN", error: "internal error" });
  }

  private tokenOf(req: IncomingMessage, url: URL): string | null {
    const header = req.headers.authorization;
    return header?.startsWith("Bearer ") ? header.slice("Bearer ".length) : url.searchParams.get("access_token");
  }

  /** The health answer: the status for everyone, the reasons and details for holders of the hs_token. */
  private healthFor(req: IncomingMessage, url: URL): { code: number; body: Health | { status: Health["status"] } } {
    const health = this.handlers.health();
    const code = health.status === "ok" ? 200 : 503;
    const token = this.tokenOf(req, url);
    const trusted = token !== null && token !== "" && this.expected.matches(token);
    return { code, body: trusted ? health : { status: health.status } };
  }

  private authorise(req: IncomingMessage, url: URL): void {
    const token = this.tokenOf(req, url);
    if (token === null || token === "") {
      this.metrics.rejectedRequests.inc({ reason: "missing" });
      throw new HttpError(401, "M_UNAUTHORIZED", "missing hs_token");
    }
    if (!this.expected.matches(token)) {
      this.metrics.rejectedRequests.inc({ reason: "wrong" });
      throw new HttpError(403, "M_FORBIDDEN", "bad hs_token");
    }
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://bridge.invalid");
    const path = url.pathname;
    refuseDeclaredOversize(req, this.maxBodyBytes);
    if (req.method === "GET" && path === "/health") {
      const { code, body } = this.healthFor(req, url);
      sendJson(res, code, body);
      return;
    }
    const mount = this.mounts.find((m) => path === m.prefix || path.startsWith(m.prefix + "/"));
    if (mount !== undefined) {
      await mount.handle(req, res);
      return;
    }
    if (!path.startsWith(PREFIX + "/")) throw new HttpError(404, "M_UNRECOGNIZED", "unknown endpoint");
    this.authorise(req, url);
    const rest = path.slice(PREFIX.length);
    const param = (prefix: string) => decodeURIComponent(rest.slice(prefix.length));

    if (req.method === "PUT" && rest.startsWith("/transactions/") && rest.length > "/transactions/".length) {
      const body = await readBody(req, this.maxBodyBytes);
      let parsed: unknown;
      try {
        parsed = JSON.parse(body.toString("utf8"));
      } catch {
        throw new HttpError(400, "M_NOT_JSON", "body is not JSON");
      }
      await this.transaction(param("/transactions/"), parsed);
      sendJson(res, 200, {});
      return;
    }
    if (req.method === "POST" && rest === "/ping") {
      await readBody(req, this.maxBodyBytes);
      sendJson(res, 200, {});
      return;
    }
    if (req.method === "GET" && rest.startsWith("/users/")) {
      const found = await this.handlers.onUserQuery(param("/users/"));
      sendJson(res, found ? 200 : 404, found ? {} : { errcode: "M_NOT_FOUND", error: "no such user" });
      return;
    }
    if (req.method === "GET" && rest.startsWith("/rooms/")) {
      const found = await this.handlers.onAliasQuery(param("/rooms/"));
      sendJson(res, found ? 200 : 404, found ? {} : { errcode: "M_NOT_FOUND", error: "no such room alias" });
      return;
    }
    if (req.method === "GET" && rest.startsWith(THIRD_PARTY) && this.handlers.thirdParty !== undefined) {
      const answer = answerThirdParty(rest, url.searchParams, this.handlers.thirdParty);
      if (answer !== undefined) {
        sendJson(res, answer.status, answer.body);
        return;
      }
    }
    throw new HttpError(404, "M_UNRECOGNIZED", "unknown endpoint");
  }

  private async transaction(txnId: string, body: unknown): Promise<void> {
    const running = this.inFlight.get(txnId);
    if (running !== undefined) return running;
    const run = (async () => {
      if (await this.transactions.has(txnId)) {
        this.metrics.transactions.inc({ outcome: "duplicate" });
        return;
      }
      const txn = parseTransaction(txnId, body);
      const timer = this.metrics.transactionSeconds.startTimer();
      try {
        await this.handlers.onTransaction(txn);
        await this.transactions.add(txnId, Date.now());
        this.metrics.transactions.inc({ outcome: "processed" });
        this.metrics.matrixEvents.inc({ kind: "pdu" }, txn.events.length);
        this.metrics.matrixEvents.inc({ kind: "ephemeral" }, txn.ephemeral.length);
      } catch (err) {
        this.metrics.transactions.inc({ outcome: "failed" });
        throw err;
      } finally {
        timer();
      }
    })();
    this.inFlight.set(txnId, run);
    try {
      await run;
    } finally {
      this.inFlight.delete(txnId);
    }
  }
}
