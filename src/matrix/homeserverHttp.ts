/**
 * The bridge's HTTP requests to its homeserver's client-server API, over node:http(s) with kept-alive
 * connections (one agent per homeserver). It replaced the global `fetch` (undici) for these small
 * JSON requests: measured in one process against a local server, a request cost 0.39 ms of CPU
 * through fetch and 0.16 ms through node:http (README, "Cost per connected user"), and fetch's web
 * streams, headers objects and abort signals were a share of the garbage a portal's creation made.
 *
 * Guarantees:
 * - One deadline per request (`timeoutMs`), from the call until the whole body is read: past it the
 *   request is destroyed and the promise rejects. Every failure to get an answer (refused, reset,
 *   timed out, a body cut short) rejects with an Error; an answer of any status resolves.
 * - A request that went out on a kept-alive connection found closed (an error before any byte of
 *   an answer, on a reused socket) is sent once more on a new connection, when its method may be
 *   repeated (GET, PUT, DELETE: the Matrix API's PUTs carry a transaction id or set a
 *   state): the server most likely never read it, but it may have (it read the request, then the
 *   connection dropped), so a POST (createRoom, join, register...) is never sent twice here. Nor
 *   is anything after `close()`. Any other failure is not retried here (the callers' queues decide).
 * - An answer's redirect is not followed (fetch followed them): it is returned, with its Location,
 *   for MatrixApi to name the URL the configuration should say.
 * - Idle connections are closed after `idleCloseMs` (IDLE_CLOSE_MS, sooner than servers close theirs), and
 *   never keep the process alive; `close()` ends them all.
 */
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage, type OutgoingHttpHeaders } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";

/** How long a kept-alive connection may sit unused before the bridge closes it. */
export const IDLE_CLOSE_MS = 4000;

/** Errors meaning the connection was gone when the request was written to it. */
const STALE_CONNECTION = new Set(["ECONNRESET", "EPIPE", "ECONNABORTED"]);

export interface HttpAnswer {
  readonly status: number;
  readonly text: string;
  /** The Location header of a redirect. */
  readonly location?: string;
}

/** Methods a request may be sent again with, the server having maybe read it once already. */
const REPEATABLE = new Set(["GET", "PUT", "DELETE"]);

export class HomeserverHttp {
  private readonly base: URL;
  private readonly agent: HttpAgent;
  private readonly send: typeof httpRequest;
  private closed = false;

  constructor(
    baseUrl: string,
    private readonly timeoutMs: number,
    idleCloseMs = IDLE_CLOSE_MS,
  ) {
    this.base = new URL(baseUrl);
    const secure = this.base.protocol === "https:";
    if (!secure && this.base.protocol !== "http:") throw new Error(`homeserver url: ${baseUrl} is neither http: nor https:`);
    // `timeout` on the agent is the idle limit of a free connection (an agent's own timeout listener destroys it).
    const options = { keepAlive: true, timeout: idleCloseMs };
    this.agent = secure ? new HttpsAgent(options) : new HttpAgent(options);
    this.send = secure ? httpsRequest : httpRequest;
  }

  /** `path` starts with "/" and may carry a query; `body` is sent as JSON text when given. */
  request(method: string, path: string, headers: OutgoingHttpHeaders, body: string | undefined): Promise<HttpAnswer> {
    const deadline = Date.now() + this.timeoutMs;
    return this.attempt(method, path, headers, body, deadline, true);
  }

  /** Ends every kept-alive connection (the bridge is stopping). */
  close(): void {
    this.closed = true;
    this.agent.destroy();
  }

  private attempt(method: string, path: string, headers: OutgoingHttpHeaders, body: string | undefined, deadline: number, mayRetry: boolean): Promise<HttpAnswer> {
    return new Promise<HttpAnswer>((resolve, reject) => {
      let answered = false;
      let settled = false;
      const finish = (outcome: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        outcome();
      };
      const req = this.send({
        protocol: this.base.protocol,
        hostname: requestHost(this.base),
        port: this.base.port,
        path: joinPath(this.base.pathname, path),
        method,
        agent: this.agent,
        // Node would frame a PUT's or POST's body itself, but not a DELETE's: say its length.
        headers: body === undefined ? headers : { ...headers, "Content-Length": Buffer.byteLength(body) },
      });
      const timer = setTimeout(() => req.destroy(new Error(`no answer within ${this.timeoutMs} ms`)), Math.max(0, deadline - Date.now()));
      req.on("response", (res: IncomingMessage) => {
        answered = true;
        res.setEncoding("utf8");
        let text = "";
        res.on("data", (chunk: string) => (text += chunk));
        res.on("end", () => finish(() => resolve({ status: res.statusCode ?? 0, text, ...(res.headers.location === undefined ? {} : { location: res.headers.location }) })));
        res.on("error", (err) => finish(() => reject(err)));
        res.on("aborted", () => finish(() => reject(new Error("the answer was cut short"))));
      });
      req.on("error", (err: NodeJS.ErrnoException) => {
        const stale = !this.closed && REPEATABLE.has(method) && resendable(err, { firstTry: mayRetry, answered, reused: req.reusedSocket, beforeDeadline: Date.now() < deadline });
        finish(() => {
          if (stale) this.attempt(method, path, headers, body, deadline, false).then(resolve, reject);
          else reject(err);
        });
      });
      req.end(body);
    });
  }
}

/**
 * May a request that failed with `err` be sent once more? Only its first try, written to a kept
 * connection (reused), failed before any byte of an answer, with an error meaning the connection
 * was gone, and before its deadline: the server most likely never read it (the method's part of
 * the rule, REPEATABLE, is checked beside it).
 */
export function resendable(err: NodeJS.ErrnoException, at: { readonly firstTry: boolean; readonly answered: boolean; readonly reused: boolean; readonly beforeDeadline: boolean }): boolean {
  return at.firstTry && !at.answered && at.reused && at.beforeDeadline && STALE_CONNECTION.has(err.code ?? "");
}

/** The host to connect to: an IPv6 literal without the brackets URL keeps around it. */
export function requestHost(url: URL): string {
  return url.hostname.startsWith("[") ? url.hostname.slice(1, -1) : url.hostname;
}

/** The base URL's path (a homeserver behind a path prefix) joined to the request's. */
function joinPath(basePath: string, path: string): string {
  return basePath.replace(/\/+$/, "") + path;
}
