import { once } from "node:events";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";

/**
 * A local HTTP server standing in for a homeserver in tests of the bridge's HTTP clients: every
 * request, with its body read, is recorded in `seen` and handed to `answer`.
 */
export interface Seen {
  readonly method: string;
  readonly url: string;
  readonly body: string;
  readonly headers: IncomingMessage["headers"];
  readonly socket: Socket;
}

export async function serve(answer: (seen: Seen, res: ServerResponse) => void): Promise<{ server: Server; url: string; seen: Seen[]; sockets: Socket[] }> {
  const seen: Seen[] = [];
  const sockets: Socket[] = [];
  const server = createServer((req, res) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (c: string) => (body += c));
    req.on("end", () => {
      const one = { method: req.method ?? "", url: req.url ?? "", body, headers: req.headers, socket: req.socket };
      seen.push(one);
      answer(one, res);
    });
  });
  server.on("connection", (s: Socket) => sockets.push(s));
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${port}`, seen, sockets };
}

export function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(text) });
  res.end(text);
}

export async function stop(server: Server, http: { close(): void }): Promise<void> {
  http.close();
  server.closeAllConnections();
  server.close();
  await once(server, "close");
}
