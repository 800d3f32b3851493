import { createServer, request, Agent, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { routeOf } from "./route";

/**
 * An HTTP proxy the bench puts between the bridge and the homeserver (the bridge's homeserver.url
 * points at it), counting every request the bridge makes, by route. It measures the same on any
 * version of the bridge, with nothing added to the bridge. Requests are forwarded unchanged,
 * streamed both ways; a request the homeserver cannot take is answered 502.
 */
export class CountingProxy {
  private counts = new Map<string, number>();
  private total = 0;
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 64 });
  private readonly server: Server;

  private constructor(private readonly target: URL) {
    this.server = createServer((req, res) => {
      const route = routeOf(req.method ?? "GET", req.url ?? "/");
      this.total++;
      this.counts.set(route, (this.counts.get(route) ?? 0) + 1);
      const upstream = request(
        { host: this.target.hostname, port: this.target.port, method: req.method, path: req.url, headers: { ...req.headers, host: this.target.host }, agent: this.agent },
        (up) => {
          res.writeHead(up.statusCode ?? 502, up.headers);
          up.pipe(res);
        },
      );
      upstream.on("error", () => {
        if (!res.headersSent) res.writeHead(502);
        res.end();
      });
      req.pipe(upstream);
    });
    this.server.keepAliveTimeout = 60000;
  }

  static async start(target: string): Promise<CountingProxy> {
    const proxy = new CountingProxy(new URL(target));
    await new Promise<void>((resolve) => proxy.server.listen(0, "127.0.0.1", resolve));
    return proxy;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Requests since the last reset (or start), in all and by route. */
  snapshot(): { total: number; byRoute: Record<string, number> } {
    return { total: this.total, byRoute: Object.fromEntries([...this.counts].sort((a, b) => b[1] - a[1])) };
  }

  reset(): void {
    this.total = 0;
    this.counts = new Map();
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    this.agent.destroy();
    await new Promise((resolve) => this.server.close(resolve));
  }
}
