import type { IncomingMessage, ServerResponse } from "node:http";
import { Readable, Transform, type TransformCallback } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import type { Logger } from "../observability/logger";
import type { MediaRepository } from "./homeserverMedia";
import { MEDIA_PREFIX, parseLinkPath } from "./links";
import type { MediaSigner } from "./signing";

/**
 * Serves the bridge's signed media links (links.ts) to anyone who has one: no Matrix login, no
 * hs_token (the signature is the credential). Mounted on the appservice listener under
 * /_ircbridge/media; it never sees requests for other paths.
 *
 * Guarantees:
 * - Only GET and HEAD (405 otherwise). A path that is not a link: 404. A bad signature (any part
 *   changed, another key): 403. A valid signature past its expiry: 410. Nothing is fetched from
 *   the homeserver for any of these.
 * - The file is fetched through the authenticated media API with the as_token and streamed to
 *   the client chunk by chunk, with backpressure: at most a few chunks are held, never the file.
 * - A file over `maxBytes`: 413 when the homeserver declares its length; otherwise the stream is
 *   cut at `maxBytes` and the connection closed (the client sees a truncated transfer, never a
 *   complete-looking one). Content-Length is passed on when known.
 * - Content-Type is passed on; only images (not SVG), audio, video and text/plain are shown inline,
 *   everything else is `Content-Disposition: attachment`. Always `X-Content-Type-Options: nosniff`
 *   and `Content-Security-Policy: sandbox`, so no served file runs script in the bridge's origin.
 * - Homeserver answers: 404 -> 404; anything else that is not 200 (or no answer within
 *   `headersTimeoutMs`) -> 502. Short plain-text bodies; the token and the homeserver's words are
 *   never shown, only logged (without the token).
 * - A client that goes away cancels the download from the homeserver.
 * - A download during which no byte moves for `idleTimeoutMs` (a client that stopped reading, a
 *   stalled homeserver) is ended, so it cannot hold its slot forever.
 * - At most `maxConcurrent` files are streamed at once; a request beyond that gets 503 with
 *   Retry-After, before anything is fetched.
 */
export interface MediaProxyOptions {
  readonly signer: MediaSigner;
  readonly repository: MediaRepository;
  readonly maxBytes: number;
  readonly log: Logger;
  readonly nowMs?: () => number;
  readonly headersTimeoutMs?: number;
  /** A download with no progress for this long is ended (default 60 s). */
  readonly idleTimeoutMs?: number;
  /** Downloads served at once at most (default 32). */
  readonly maxConcurrent?: number;
  /** Counts each request's outcome and the bytes streamed (observability/metrics.ts). */
  readonly count?: (outcome: MediaOutcome, bytes?: number) => void;
}

/** How a request for a link ended (a bounded metrics label). */
export type MediaOutcome = "served" | "forged" | "expired" | "not_found" | "method" | "busy" | "too_large" | "cut" | "upstream_error";

const INLINE = /^(?:image\/(?:png|jpeg|gif|webp|avif|bmp|apng)|audio\/[a-z0-9.+-]+|video\/[a-z0-9.+-]+|text\/plain)$/;
const CSP = "sandbox; default-src 'none'; img-src 'self'; media-src 'self'; style-src 'unsafe-inline'";

export class MediaProxy {
  readonly prefix = MEDIA_PREFIX;
  private readonly nowMs: () => number;
  private active = 0;

  constructor(private readonly options: MediaProxyOptions) {
    this.nowMs = options.nowMs ?? Date.now;
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const count = (outcome: MediaOutcome, bytes?: number) => this.options.count?.(outcome, bytes);
    const refuse = (outcome: MediaOutcome, status: number, text: string, headers: Record<string, string> = {}) => {
      count(outcome);
      answer(res, status, text, headers);
    };
    if (req.method !== "GET" && req.method !== "HEAD") return refuse("method", 405, "only GET and HEAD", { Allow: "GET, HEAD" });
    const path = new URL(req.url ?? "/", "http://bridge.invalid").pathname;
    const link = parseLinkPath(path);
    if (link === undefined) return refuse("not_found", 404, "no such link");
    const check = this.options.signer.check(link.media, link.signature, Math.floor(this.nowMs() / 1000));
    if (check === "forged") return refuse("forged", 403, "this link is not valid");
    if (check === "expired") return refuse("expired", 410, "this link has expired");
    if (this.active >= (this.options.maxConcurrent ?? 32)) return refuse("busy", 503, "too many downloads at once; try again in a moment", { "Retry-After": "5" });
    this.active++;
    try {
      const [outcome, bytes] = await this.serve(req, res, link.media.server, link.media.mediaId, link.media.filename);
      count(outcome, bytes);
    } finally {
      this.active--;
    }
  }

  /** Streams the file; says how it ended and how many bytes went out. */
  private async serve(req: IncomingMessage, res: ServerResponse, server: string, mediaId: string, filename: string): Promise<[MediaOutcome, number]> {
    const controller = new AbortController();
    const abort = () => controller.abort();
    res.once("close", abort);
    const timer = setTimeout(abort, this.options.headersTimeoutMs ?? 30000);
    let upstream: Response;
    try {
      upstream = await this.options.repository.download(server, mediaId, controller.signal);
    } catch (err) {
      this.options.log.warn("media download failed", { server, mediaId, error: err instanceof Error ? err.message : String(err) });
      answer(res, 502, "the homeserver did not give this file");
      return ["upstream_error", 0];
    } finally {
      clearTimeout(timer);
    }
    if (upstream.status !== 200 || upstream.body === null) {
      await upstream.body?.cancel().catch(() => undefined);
      if (upstream.status === 404) {
        answer(res, 404, "no such file");
        return ["not_found", 0];
      }
      this.options.log.warn("the homeserver refused a media download", { server, mediaId, status: upstream.status });
      answer(res, 502, "the homeserver did not give this file");
      return ["upstream_error", 0];
    }
    // A compressed answer is decoded by fetch: its Content-Length is not the length of what is passed on.
    const encoded = (upstream.headers.get("content-encoding") ?? "identity").toLowerCase() !== "identity";
    const declared = encoded ? undefined : lengthOf(upstream.headers.get("content-length"));
    if (declared !== undefined && declared > this.options.maxBytes) {
      await upstream.body.cancel().catch(() => undefined);
      answer(res, 413, `this file is larger than ${this.options.maxBytes} bytes`);
      return ["too_large", 0];
    }
    const type = contentTypeOf(upstream.headers.get("content-type"));
    res.writeHead(200, {
      "Content-Type": type,
      "Content-Disposition": `${INLINE.test(baseType(type)) ? "inline" : "attachment"}; filename*=UTF-8''${encodeURIComponent(filename)}`,
      "X-Content-Type-Options": "nosniff",
      "Content-Security-Policy": CSP,
      "Referrer-Policy": "no-referrer",
      "Cache-Control": "private, max-age=3600",
      ...(declared === undefined ? {} : { "Content-Length": String(declared) }),
    });
    if (req.method === "HEAD") {
      await upstream.body.cancel().catch(() => undefined);
      res.end();
      return ["served", 0];
    }
    const body = Readable.fromWeb(upstream.body as WebReadableStream<Uint8Array>);
    const idleMs = this.options.idleTimeoutMs ?? 60000;
    const limit = new ByteLimit(this.options.maxBytes, () => idle.refresh());
    const idle = setTimeout(() => limit.destroy(new Error("no progress")), idleMs);
    try {
      await pipeline(body, limit, res);
      return ["served", limit.bytes];
    } catch (err) {
      controller.abort();
      res.destroy();
      if (err instanceof TooLarge) this.options.log.warn("a media file went over the size limit while streaming; cut", { server, mediaId, maxBytes: this.options.maxBytes });
      return ["cut", limit.bytes];
    } finally {
      clearTimeout(idle);
      res.off("close", abort);
    }
  }
}

class TooLarge extends Error {}

/** Passes bytes through (saying so each time) and fails once more than `limit` went by. */
class ByteLimit extends Transform {
  private seen = 0;

  /** Bytes passed on so far. */
  get bytes(): number {
    return Math.min(this.seen, this.limit);
  }

  constructor(
    private readonly limit: number,
    private readonly progressed: () => void,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.progressed();
    this.seen += chunk.length;
    if (this.seen > this.limit) return done(new TooLarge(`over ${this.limit} bytes`));
    done(null, chunk);
  }
}

function answer(res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { "Content-Type": "text/plain; charset=utf-8", "X-Content-Type-Options": "nosniff", "Cache-Control": "no-store", ...headers });
  res.end(`${text}\n`);
}

function lengthOf(header: string | null): number | undefined {
  if (header === null || !/^\d{1,15}$/.test(header.trim())) return undefined;
  return Number(header.trim());
}

/** The homeserver's Content-Type when it is a well-formed one, else application/octet-stream. */
function contentTypeOf(header: string | null): string {
  const value = (header ?? "").trim();
  return /^[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+(?:\s*;\s*[a-z0-9_-]+=(?:[a-z0-9_.+-]+|"[^"\r\n]*"))*$/i.test(value) ? value : "application/octet-stream";
}

function baseType(type: string): string {
  return (type.split(";")[0] ?? "").trim().toLowerCase();
}
