import type { IncomingMessage, Server, ServerResponse } from "node:http";

export function listen(server: Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
}

export function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

/**
 * Largest request body the bridge's HTTP servers take by default: a Synapse transaction holds at
 * most 100 events and 50 ephemeral events, each at most 64 KiB (the Matrix event size limit):
 * 150 x 65,536 = 9.8 MB, plus the JSON around them.
 */
export const DEFAULT_MAX_BODY_BYTES = 10_000_000;

/** Refuses (413) a request whose declared Content-Length is over `limit`, before reading any of it. */
export function refuseDeclaredOversize(req: IncomingMessage, limit: number): void {
  const declared = Number(req.headers["content-length"]);
  if (Number.isFinite(declared) && declared > limit) throw tooLarge(limit);
}

/**
 * Reads a request body up to `limit` bytes; rejects with a 413 HttpError beyond it (what comes
 * after is read and thrown away, so the answer can still be written; see sendError, which closes
 * the connection after a 413).
 */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    refuseDeclaredOversize(req, limit);
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on("data", (chunk: Buffer) => {
      if (over) return;
      size += chunk.length;
      if (size > limit) {
        over = true;
        chunks.length = 0;
        reject(tooLarge(limit));
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

function tooLarge(limit: number): HttpError {
  return new HttpError(413, "M_TOO_LARGE", `request body over ${limit} bytes`);
}

/** Answers an HttpError; after a 413 the connection is closed (the rest of the body is not wanted). */
export function sendError(res: ServerResponse, err: HttpError): void {
  if (err.status === 413) res.setHeader("Connection", "close");
  sendJson(res, err.status, { errcode: err.errcode, error: err.message });
}

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly errcode: string,
    message: string,
  ) {
    super(message);
  }
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(text) });
  res.end(text);
}
