import assert from "node:assert/strict";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import { federationHttp } from "../../src/provisioning/openId/federationHttp";

describe("federationHttp: GETs to a pinned address", () => {
  let server: Server;
  let port = 0;
  const seen: { host: string | undefined; url: string | undefined }[] = [];
  const routes: Record<string, (req: IncomingMessage, res: ServerResponse) => void> = {
    "/json": (_req, res) => res.writeHead(200, { "content-type": "application/json" }).end('{"sub":"@a:example.org"}'),
    "/text": (_req, res) => res.writeHead(200).end("not json"),
    "/big": (_req, res) => res.writeHead(200).end("x".repeat(5000)),
    "/redirect": (_req, res) => res.writeHead(302, { location: "/json" }).end(),
    "/silent": () => undefined,
  };

  before(async () => {
    server = createServer((req, res) => {
      seen.push({ host: req.headers.host, url: req.url });
      (routes[(req.url ?? "").split("?")[0] ?? ""] ?? ((_q, r: ServerResponse) => r.writeHead(404).end()))(req, res);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port = (server.address() as AddressInfo).port;
  });
  after(() => {
    server.closeAllConnections();
    server.close();
  });

  const net = federationHttp({ timeoutMs: 300, maxBytes: 1000 });
  const get = (path: string) => net.get({ scheme: "http", address: "127.0.0.1", port, path, hostHeader: "example.org:8448", tlsName: "example.org" });

  it("sends the server name as Host, the path and query as given, and parses JSON", async () => {
    const answer = await get("/json?access_token=abc%2B1");
    assert.deepEqual(answer, { status: 200, json: { sub: "@a:example.org" } });
    assert.deepEqual(seen.at(-1), { host: "example.org:8448", url: "/json?access_token=abc%2B1" });
  });

  it("a body that is no JSON is undefined; a redirect is not followed", async () => {
    assert.deepEqual(await get("/text"), { status: 200, json: undefined });
    const before = seen.length;
    assert.equal((await get("/redirect")).status, 302);
    assert.equal(seen.length, before + 1);
  });

  it("a body over maxBytes, or no answer within the timeout, is an error", async () => {
    await assert.rejects(get("/big"), /larger than 1000 bytes/);
    const t0 = Date.now();
    await assert.rejects(get("/silent"), /no answer within 300 ms/);
    assert.ok(Date.now() - t0 < 3000);
  });

  it("resolves names with the system resolver; an IP literal is itself", async () => {
    assert.deepEqual(await net.lookup("127.0.0.1"), ["127.0.0.1"]);
    assert.ok((await net.lookup("localhost")).length > 0);
    await assert.rejects(net.lookup("no-such-host.invalid"));
    assert.deepEqual(await net.resolveSrv("_matrix-fed._tcp.no-such-host.invalid"), []);
  });
});
