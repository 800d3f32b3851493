import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { gzipSync } from "node:zlib";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { after, before, describe, it } from "node:test";
import { AppserviceServer } from "../../src/matrix/appserviceServer";
import { HomeserverMedia } from "../../src/media/homeserverMedia";
import { MediaLinks, linkPath, parseLinkPath } from "../../src/media/links";
import { MediaProxy } from "../../src/media/mediaProxy";
import { MediaSigner } from "../../src/media/signing";
import { createMetrics } from "../../src/observability/metrics";
import { openNedbStore } from "../../src/store/nedbStore";
import type { Store } from "../../src/store/store";
import { listen, close } from "../../src/util/http";
import { silentLogger } from "../support/silentLogger";

async function eventually<T>(check: () => Promise<T | undefined>): Promise<T> {
  for (let i = 0; i < 100; i++) {
    const value = await check();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error("timed out");
}

const AS_TOKEN = "as-secret-token";
const HS_TOKEN = "hs-secret-token";
const MAX = 1024 * 1024;
const PNG = randomBytes(512 * 1024);
const TEXT = "line 1\nline 2\n";

/** A fake homeserver's authenticated media API: answers by media id, and records how each answer ended. */
class FakeMediaRepo {
  readonly server: Server;
  readonly requests: { path: string; auth: string | undefined }[] = [];
  readonly ended: { id: string; complete: boolean }[] = [];
  port = 0;

  constructor() {
    this.server = createServer((req, res) => this.answer(req, res));
  }

  private answer(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? "/", "http://hs.invalid");
    this.requests.push({ path: url.pathname, auth: req.headers.authorization });
    const match = /^\/_matrix\/client\/v1\/media\/download\/([^/]+)\/([^/]+)$/.exec(url.pathname);
    if (match === null || req.headers.authorization !== `Bearer ${AS_TOKEN}`) {
      res.writeHead(401, { "Content-Type": "application/json" }).end(JSON.stringify({ errcode: "M_MISSING_TOKEN" }));
      return;
    }
    const id = match[2] ?? "";
    res.once("close", () => this.ended.push({ id, complete: res.writableFinished }));
    switch (id) {
      case "png":
        res.writeHead(200, { "Content-Type": "image/png", "Content-Length": String(PNG.length) }).end(PNG);
        return;
      case "text":
        res.writeHead(200, { "Content-Type": "text/plain; charset=utf-8" }).end(TEXT);
        return;
      case "html":
        res.writeHead(200, { "Content-Type": "text/html" }).end("<script>alert(1)</script>");
        return;
      case "svg":
        res.writeHead(200, { "Content-Type": "image/svg+xml" }).end("<svg/>");
        return;
      case "bigdeclared":
        res.writeHead(200, { "Content-Type": "application/zip", "Content-Length": String(MAX + 1) });
        res.end(Buffer.alloc(MAX + 1));
        return;
      case "bigchunked":
        this.streamForever(res);
        return;
      case "gz": {
        const zipped = gzipSync(Buffer.from(TEXT.repeat(100)));
        res.writeHead(200, { "Content-Type": "text/plain", "Content-Encoding": "gzip", "Content-Length": String(zipped.length) }).end(zipped);
        return;
      }
      case "gone":
        res.writeHead(404, { "Content-Type": "application/json" }).end(JSON.stringify({ errcode: "M_NOT_FOUND" }));
        return;
      default:
        res.writeHead(500, { "Content-Type": "application/json" }).end(JSON.stringify({ errcode: "M_UNKNOWN", error: "secret internals" }));
    }
  }

  /** 64 KiB chunks, no Content-Length, until the reader goes away (or 8 MiB). */
  private streamForever(res: ServerResponse): void {
    res.writeHead(200, { "Content-Type": "application/octet-stream" });
    let sent = 0;
    const chunk = Buffer.alloc(64 * 1024, 1);
    const more = () => {
      while (sent < 8 * MAX && !res.destroyed) {
        sent += chunk.length;
        if (!res.write(chunk)) return void res.once("drain", more);
      }
      if (!res.destroyed) res.end();
    };
    more();
  }
}

describe("media proxy: signed links served on the appservice listener", () => {
  const hs = new FakeMediaRepo();
  const signer = new MediaSigner(Buffer.alloc(32, 3));
  let now = 1_800_000_000_000;
  let store: Store;
  let appservice: AppserviceServer;
  let links: MediaLinks;
  let base = "";
  const counted: string[] = [];

  before(async () => {
    await listen(hs.server, "127.0.0.1", 0);
    const address = hs.server.address();
    hs.port = typeof address === "object" && address !== null ? address.port : 0;
    store = await openNedbStore(undefined);
    const proxy = new MediaProxy({
      signer,
      repository: new HomeserverMedia(`http://127.0.0.1:${hs.port}/`, AS_TOKEN),
      maxBytes: MAX,
      log: silentLogger(),
      nowMs: () => now,
      count: (outcome, bytes) => counted.push(`${outcome} ${bytes ?? 0}`),
    });
    const handlers = {
      onTransaction: () => Promise.resolve(),
      onUserQuery: () => Promise.resolve(true),
      onAliasQuery: () => Promise.resolve(false),
      health: () => ({ status: "ok" as const, reasons: [] }),
    };
    appservice = new AppserviceServer(HS_TOKEN, handlers, store.transactions, createMetrics(), silentLogger(), 1_000_000, [proxy]);
    await appservice.listen("127.0.0.1", 0);
    base = `http://127.0.0.1:${appservice.boundPort()}`;
    links = new MediaLinks(signer, base, 3600, () => now);
  });
  after(async () => {
    await appservice.close();
    await close(hs.server);
    await store.close();
  });

  const link = (id: string, name = "file.bin") => links.linkFor(`mxc://example.org/${id}`, name) ?? assert.fail("no link");

  it("serves a file byte for byte without any token, fetched with the as_token from the authenticated media API", async () => {
    const before = hs.requests.length;
    counted.length = 0;
    const res = await fetch(link("png", "cat.png"));
    assert.equal(res.status, 200);
    assert.deepEqual(Buffer.from(await res.arrayBuffer()), PNG);
    assert.deepEqual(counted, [`served ${PNG.length}`], "counted as served, with its bytes");
    assert.equal(res.headers.get("content-type"), "image/png");
    assert.equal(res.headers.get("content-length"), String(PNG.length));
    assert.equal(res.headers.get("content-disposition"), "inline; filename*=UTF-8''cat.png");
    assert.equal(res.headers.get("x-content-type-options"), "nosniff");
    assert.match(res.headers.get("content-security-policy") ?? "", /^sandbox/);
    assert.deepEqual(hs.requests.slice(before), [{ path: "/_matrix/client/v1/media/download/example.org/png", auth: `Bearer ${AS_TOKEN}` }]);
  });

  it("HEAD answers the headers and no body", async () => {
    const res = await fetch(link("png", "cat.png"), { method: "HEAD" });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("content-length"), String(PNG.length));
    assert.equal((await res.arrayBuffer()).byteLength, 0);
  });

  it("only images, audio, video and plain text are inline; HTML and SVG are attachments", async () => {
    const text = await fetch(link("text", "message.txt"));
    assert.equal(await text.text(), TEXT);
    assert.match(text.headers.get("content-disposition") ?? "", /^inline;/);
    for (const id of ["html", "svg"]) {
      const res = await fetch(link(id, "page.html"));
      assert.equal(res.status, 200);
      assert.match(res.headers.get("content-disposition") ?? "", /^attachment;/, id);
      assert.equal(res.headers.get("x-content-type-options"), "nosniff");
      await res.arrayBuffer();
    }
  });

  it("a compressed answer from the homeserver is passed on as the file's own bytes, without the compressed length", async () => {
    const res = await fetch(link("gz", "long.txt"));
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("content-length"), null);
    assert.equal(await res.text(), TEXT.repeat(100));
  });

  it("a tampered link gets 403 and an expired one 410, and the homeserver is not asked", async () => {
    const good = new URL(link("png", "cat.png"));
    const parsed = parseLinkPath(good.pathname) ?? assert.fail("unparsed");
    const before = hs.requests.length;
    counted.length = 0;
    const tampered = [
      linkPath({ ...parsed.media, mediaId: "text" }, parsed.signature),
      linkPath({ ...parsed.media, server: "other.example" }, parsed.signature),
      linkPath({ ...parsed.media, expiry: parsed.media.expiry + 3600 }, parsed.signature),
      linkPath({ ...parsed.media, filename: "cat.exe" }, parsed.signature),
      linkPath(parsed.media, "A".repeat(22)),
      linkPath(parsed.media, new MediaSigner(Buffer.alloc(32, 4)).sign(parsed.media)),
    ];
    for (const path of tampered) {
      const res = await fetch(base + path);
      assert.equal(res.status, 403, path);
      assert.equal(await res.text(), "this link is not valid\n");
    }
    now += 3601 * 1000;
    try {
      const res = await fetch(good);
      assert.equal(res.status, 410);
      assert.equal(await res.text(), "this link has expired\n");
    } finally {
      now -= 3601 * 1000;
    }
    assert.deepEqual(counted, [...tampered.map(() => "forged 0"), "expired 0"], "each refusal counted with its outcome");
    assert.equal(hs.requests.length, before, "nothing fetched for refused links");
  });

  it("a path that is not a link gets 404; other methods 405", async () => {
    assert.equal((await fetch(`${base}/_ircbridge/media/v1/nope`)).status, 404);
    assert.equal((await fetch(`${base}/_ircbridge/media`)).status, 404);
    const post = await fetch(link("png"), { method: "POST", body: "x" });
    assert.equal(post.status, 405);
    assert.equal(post.headers.get("allow"), "GET, HEAD");
  });

  it("homeserver errors: 404 stays 404, anything else is 502, without the homeserver's words", async () => {
    const gone = await fetch(link("gone"));
    assert.equal(gone.status, 404);
    assert.equal(await gone.text(), "no such file\n");
    const broken = await fetch(link("broken"));
    assert.equal(broken.status, 502);
    assert.doesNotMatch(await broken.text(), /secret internals/);
  });

  it("a file declared larger than maxBytes gets 413 without being streamed", async () => {
    const res = await fetch(link("bigdeclared"));
    assert.equal(res.status, 413);
    await res.text();
  });

  it("a file that turns out larger than maxBytes while streaming is cut: the client sees a broken transfer, and the download from the homeserver is cancelled", async () => {
    const res = await fetch(link("bigchunked"));
    assert.equal(res.status, 200);
    let received = 0;
    await assert.rejects(async () => {
      for await (const chunk of res.body ?? []) received += (chunk as Uint8Array).length;
    });
    assert.ok(received <= MAX, `received ${received} bytes, at most ${MAX}`);
    for (let i = 0; i < 50 && !hs.ended.some((e) => e.id === "bigchunked"); i++) await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(hs.ended.filter((e) => e.id === "bigchunked"), [{ id: "bigchunked", complete: false }], "the homeserver's answer was cut off, not read to the end");
  });

  it("at most maxConcurrent downloads at once: one more gets 503 without the homeserver being asked, and a slot frees when a download ends", async () => {
    const proxy = new MediaProxy({ signer, repository: new HomeserverMedia(`http://127.0.0.1:${hs.port}`, AS_TOKEN), maxBytes: 64 * MAX, log: silentLogger(), nowMs: () => now, maxConcurrent: 1 });
    const server = createServer((req, res) => void proxy.handle(req, res));
    await listen(server, "127.0.0.1", 0);
    const address = server.address();
    const own = new MediaLinks(signer, `http://127.0.0.1:${typeof address === "object" && address !== null ? address.port : 0}`, 3600, () => now);
    try {
      const slow = await fetch(own.linkFor("mxc://example.org/bigchunked", "big.bin") ?? "");
      assert.equal(slow.status, 200, "the first download is streaming (and not read: it holds its slot)");
      const before = hs.requests.length;
      const busy = await fetch(own.linkFor("mxc://example.org/png", "cat.png") ?? "");
      assert.equal(busy.status, 503);
      assert.equal(busy.headers.get("retry-after"), "5");
      await busy.text();
      assert.equal(hs.requests.length, before);
      await slow.body?.cancel();
      const again = await eventually(async () => {
        const res = await fetch(own.linkFor("mxc://example.org/png", "cat.png") ?? "");
        const body = Buffer.from(await res.arrayBuffer());
        return res.status === 200 ? body : undefined;
      });
      assert.deepEqual(again, PNG);
    } finally {
      await close(server);
    }
  });

  it("a download that makes no progress (the client stopped reading) is ended after idleTimeoutMs, freeing its slot", async () => {
    const proxy = new MediaProxy({ signer, repository: new HomeserverMedia(`http://127.0.0.1:${hs.port}`, AS_TOKEN), maxBytes: 64 * MAX, log: silentLogger(), nowMs: () => now, maxConcurrent: 1, idleTimeoutMs: 200 });
    const server = createServer((req, res) => void proxy.handle(req, res));
    await listen(server, "127.0.0.1", 0);
    const address = server.address();
    const own = new MediaLinks(signer, `http://127.0.0.1:${typeof address === "object" && address !== null ? address.port : 0}`, 3600, () => now);
    try {
      const stalled = await fetch(own.linkFor("mxc://example.org/bigchunked", "big.bin") ?? "");
      assert.equal(stalled.status, 200, "streaming, never read");
      const later = await eventually(async () => {
        const res = await fetch(own.linkFor("mxc://example.org/png", "cat.png") ?? "");
        const body = Buffer.from(await res.arrayBuffer());
        return res.status === 200 ? body : undefined;
      });
      assert.deepEqual(later, PNG, "the stalled download no longer holds the only slot");
      await stalled.body?.cancel().catch(() => undefined);
    } finally {
      await close(server);
    }
  });

  it("the hs_token is still required on /_matrix/app/v1 (the media path does not open the rest)", async () => {
    assert.equal((await fetch(`${base}/_matrix/app/v1/users/@x:example.org`)).status, 401);
    const wrong = await fetch(`${base}/_matrix/app/v1/users/@x:example.org`, { headers: { Authorization: "Bearer nope" } });
    assert.equal(wrong.status, 403);
    const right = await fetch(`${base}/_matrix/app/v1/users/@x:example.org`, { headers: { Authorization: `Bearer ${HS_TOKEN}` } });
    assert.equal(right.status, 200);
  });
});
