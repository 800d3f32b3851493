import { createServer, type Server } from "node:http";
import type { Registry } from "prom-client";
import { DEFAULT_MAX_BODY_BYTES, HttpError, listen, readBody, sendError } from "../util/http";

/**
 * Serves GET /metrics from the registry. Bind it to a private address: it is not authenticated.
 * A request body over `maxBodyBytes` is answered 413 (and `onTooLarge` counts it); no more than
 * that is ever held.
 */
export async function startMetricsServer(
  registry: Registry,
  host: string,
  port: number,
  maxBodyBytes: number = DEFAULT_MAX_BODY_BYTES,
  onTooLarge: () => void = () => undefined,
): Promise<Server> {
  const server = createServer((req, res) => {
    readBody(req, maxBodyBytes)
      .then(() => {
        if (req.method === "GET" && (req.url === "/metrics" || req.url?.startsWith("/metrics?"))) return registry.metrics();
        res.writeHead(404, { "Content-Type": "text/plain" });
        res.end("not found\n");
        return undefined;
      })
      .then((text) => {
        if (text === undefined) return;
        res.writeHead(200, { "Content-Type": registry.contentType });
        res.end(text);
      })
      .catch((err: unknown) => {
        if (err instanceof HttpError) {
          if (err.status === 413) onTooLarge();
          sendError(res, err);
          return;
        }
        res.writeHead(500, { "Content-Type": "text/plain" });
        res.end(String(err));
      });
  });
  await listen(server, host, port);
  return server;
}
