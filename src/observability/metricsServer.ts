import { createServer, type Server } from "node:http";
import type { Registry } from "prom-client";
import { listen } from "../util/http";

/** Serves GET /metrics from the registry. Bind it to a private address: it is not authenticated. */
export async function startMetricsServer(registry: Registry, host: string, port: number): Promise<Server> {
  const server = createServer((req, res) => {
    if (req.method === "GET" && (req.url === "/metrics" || req.url?.startsWith("/metrics?"))) {
      registry
        .metrics()
        .then((text) => {
          res.writeHead(200, { "Content-Type": registry.contentType });
          res.end(text);
        })
        .catch((err: unknown) => {
          res.writeHead(500, { "Content-Type": "text/plain" });
          res.end(String(err));
        });
      return;
    }
    res.writeHead(404, { "Content-Type": "text/plain" });
    res.end("not found\n");
  });
  await listen(server, host, port);
  return server;
}
