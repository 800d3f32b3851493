/**
 * The homeserver HTTP client (src/matrix/homeserverHttp.ts) against a real local HTTP server:
 * answers of any status resolve, kept-alive connections are reused, a request written to a kept
 * connection the server had closed is sent once more (only then), the deadline holds, idle
 * connections are closed; and MatrixApi's errors on top of it.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { once } from "node:events";
import type { AddressInfo, Socket } from "node:net";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer as createHttpsServer } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { HomeserverHttp, requestHost, resendable } from "../../src/matrix/homeserverHttp";
import { MatrixApi, MatrixApiError } from "../../src/matrix/matrixApi";
import { until } from "../support/until";
import { json, serve, stop } from "../support/localHttpServer";

describe("HomeserverHttp", () => {
  it("sends the method, path, query, headers and body; resolves an answer of any status", async () => {
    const { server, url, seen } = await serve((one, res) => json(res, one.method === "PUT" ? 200 : 404, { got: one.url }));
    const http = new HomeserverHttp(`${url}/prefix//`, 5000);
    try {
      const ok = await http.request("PUT", "/_matrix/x?user_id=%40a%3Ab", { Authorization: "Bearer t", "Content-Type": "application/json" }, '{"a":"é"}');
      assert.deepEqual(ok, { status: 200, text: JSON.stringify({ got: "/prefix/_matrix/x?user_id=%40a%3Ab" }) });
      const first = seen[0];
      assert.ok(first !== undefined);
      assert.equal(first.body, '{"a":"é"}');
      assert.equal(first.headers["content-length"], String(Buffer.byteLength('{"a":"é"}')));
      assert.equal(first.headers.authorization, "Bearer t");
      const missing = await http.request("GET", "/nothing", {}, undefined);
      assert.equal(missing.status, 404, "a 4xx is an answer, not a failure");
      assert.equal(seen[1]?.body, "");
    } finally {
      await stop(server, http);
    }
  });

  it("reuses one kept-alive connection for requests one after the other", async () => {
    const { server, url, sockets } = await serve((_, res) => json(res, 200, {}));
    const http = new HomeserverHttp(url, 5000);
    try {
      for (let i = 0; i < 5; i++) assert.equal((await http.request("GET", `/r${i}`, {}, undefined)).status, 200);
      assert.equal(sockets.length, 1);
    } finally {
      await stop(server, http);
    }
  });

  for (const method of ["PUT", "DELETE", "GET"]) it(`a ${method} written to a kept connection the server dropped is sent again on a new one, once`, async () => {
    let calls = 0;
    const { server, url, seen, sockets } = await serve((one, res) => {
      calls++;
      // The second request arrives on the first connection: reset it unanswered (the server closed it).
      if (calls === 2) one.socket.resetAndDestroy();
      else json(res, 200, { n: calls });
    });
    const http = new HomeserverHttp(url, 5000);
    try {
      assert.equal((await http.request("GET", "/one", {}, undefined)).status, 200);
      const again = await http.request(method, "/two", { "Content-Type": "application/json" }, method === "GET" ? undefined : "{}");
      assert.deepEqual(again, { status: 200, text: JSON.stringify({ n: 3 }) });
      assert.deepEqual(
        seen.map((s) => s.url),
        ["/one", "/two", "/two"],
      );
      assert.equal(sockets.length, 2, "the retry went out on a new connection");
    } finally {
      await stop(server, http);
    }
  });

  it("a POST on a kept connection found gone is not sent again (the server may have read it: a room created twice)", async () => {
    let calls = 0;
    const { server, url, seen } = await serve((one, res) => {
      calls++;
      if (calls === 2) one.socket.resetAndDestroy();
      else json(res, 200, {});
    });
    const http = new HomeserverHttp(url, 5000);
    try {
      await http.request("GET", "/one", {}, undefined);
      await assert.rejects(http.request("POST", "/createRoom", { "Content-Type": "application/json" }, "{}"), /ECONNRESET|socket hang up/);
      assert.deepEqual(
        seen.map((s) => s.url),
        ["/one", "/createRoom"],
      );
    } finally {
      await stop(server, http);
    }
  });

  it("a request in flight when close() is called fails, and is not sent again", async () => {
    const { server, url, seen } = await serve((one, res) => (one.url === "/first" ? json(res, 200, {}) : undefined));
    const http = new HomeserverHttp(url, 5000);
    try {
      await http.request("GET", "/first", {}, undefined);
      const pending = http.request("PUT", "/slow", {}, "{}");
      await until(() => seen.length === 2, "the request reached the server, on the kept connection");
      http.close();
      await assert.rejects(pending);
      assert.deepEqual(
        seen.map((s) => s.url),
        ["/first", "/slow"],
      );
    } finally {
      await stop(server, http);
    }
  });

  it("an IPv6 homeserver URL connects to the address without its brackets", () => {
    assert.equal(requestHost(new URL("http://[::1]:8008/prefix")), "::1");
    assert.equal(requestHost(new URL("https://matrix.example.org")), "matrix.example.org");
    assert.equal(requestHost(new URL("http://127.0.0.1:8008")), "127.0.0.1");
  });

  it("sent once more at most: a second kept connection found gone too is a failure", async () => {
    const first = new Set<Socket>();
    const { server, url, seen } = await serve((one, res) => {
      if (one.url === "/a" || one.url === "/b") {
        first.add(one.socket);
        json(res, 200, {});
      } else if (first.has(one.socket)) one.socket.resetAndDestroy();
      else json(res, 200, { fresh: true });
    });
    const http = new HomeserverHttp(url, 5000);
    try {
      await Promise.all([http.request("GET", "/a", {}, undefined), http.request("GET", "/b", {}, undefined)]);
      assert.equal(first.size, 2, "two kept connections");
      await assert.rejects(http.request("GET", "/c", {}, undefined), /ECONNRESET|socket hang up/);
      assert.deepEqual(
        seen.map((s) => s.url).filter((u) => u === "/c"),
        ["/c", "/c"],
        "tried on one kept connection, then once more (on the other), not a third time",
      );
    } finally {
      await stop(server, http);
    }
  });

  it("an answer cut short on a kept connection is a failure, not sent again (the server read the request)", async () => {
    let calls = 0;
    const { server, url, seen } = await serve((one, res) => {
      calls++;
      if (calls === 1) return json(res, 200, {});
      res.writeHead(200, { "Content-Type": "application/json", "Content-Length": 100 });
      res.write('{"partial":', () => one.socket.resetAndDestroy());
    });
    const http = new HomeserverHttp(url, 5000);
    try {
      await http.request("GET", "/one", {}, undefined);
      await assert.rejects(http.request("GET", "/two", {}, undefined), /cut short|aborted|ECONNRESET/);
      assert.deepEqual(
        seen.map((s) => s.url),
        ["/one", "/two"],
      );
    } finally {
      await stop(server, http);
    }
  });

  it("close() ends the kept connections", async () => {
    const { server, url, sockets } = await serve((_, res) => json(res, 200, {}));
    const http = new HomeserverHttp(url, 5000);
    try {
      await http.request("GET", "/once", {}, undefined);
      const socket = sockets[0];
      assert.ok(socket !== undefined && !socket.destroyed);
      http.close();
      await until(() => socket.destroyed || socket.readableEnded, "the kept connection closed", 3000);
    } finally {
      await stop(server, http);
    }
  });

  it("an https URL speaks TLS (a self-signed certificate is refused, as Node refuses it)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "hs-tls-"));
    execFileSync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", join(dir, "key.pem"), "-out", join(dir, "cert.pem"), "-days", "2", "-subj", "/CN=127.0.0.1"], { stdio: "ignore" });
    const server = createHttpsServer({ key: readFileSync(join(dir, "key.pem")), cert: readFileSync(join(dir, "cert.pem")) }, (_, res) => json(res, 200, {}));
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    const { port } = server.address() as AddressInfo;
    const http = new HomeserverHttp(`https://127.0.0.1:${port}`, 5000);
    try {
      await assert.rejects(http.request("GET", "/x", {}, undefined), /self[- ]signed certificate/);
    } finally {
      http.close();
      server.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("resendable: only a first try, on a kept connection, unanswered, before its deadline, with the connection gone", () => {
    const gone = (code: string) => Object.assign(new Error(code), { code });
    const ok = { firstTry: true, answered: false, reused: true, beforeDeadline: true };
    for (const code of ["ECONNRESET", "EPIPE", "ECONNABORTED"]) assert.equal(resendable(gone(code), ok), true, code);
    assert.equal(resendable(gone("ECONNREFUSED"), ok), false);
    assert.equal(resendable(new Error("no code"), ok), false);
    for (const key of ["firstTry", "reused", "beforeDeadline"] as const) assert.equal(resendable(gone("ECONNRESET"), { ...ok, [key]: false }), false, key);
    assert.equal(resendable(gone("ECONNRESET"), { ...ok, answered: true }), false, "answered");
  });

  it("a reset on a new connection is a failure, not retried", async () => {
    const { server, url, seen } = await serve((one) => one.socket.resetAndDestroy());
    const http = new HomeserverHttp(url, 5000);
    try {
      await assert.rejects(http.request("GET", "/reset", {}, undefined), /ECONNRESET|socket hang up/);
      assert.equal(seen.length, 1);
    } finally {
      await stop(server, http);
    }
  });

  it("rejects past the deadline when no answer comes", { timeout: 5000 }, async () => {
    const { server, url, seen } = await serve(() => undefined);
    const http = new HomeserverHttp(url, 150);
    try {
      const started = Date.now();
      await assert.rejects(http.request("GET", "/slow", {}, undefined), /no answer within 150 ms/);
      assert.ok(Date.now() - started >= 140, "not before the deadline");
      assert.equal(seen.length, 1, "sent once");
    } finally {
      await stop(server, http);
    }
  });

  it("closes a connection left idle", async () => {
    const { server, url, sockets } = await serve((_, res) => json(res, 200, {}));
    const http = new HomeserverHttp(url, 5000, 100);
    try {
      await http.request("GET", "/once", {}, undefined);
      const socket = sockets[0];
      assert.ok(socket !== undefined);
      await until(() => socket.destroyed || socket.readableEnded, "the idle connection closed by the client", 3000);
    } finally {
      await stop(server, http);
    }
  });

  it("refuses a URL that is not http or https", () => {
    assert.throws(() => new HomeserverHttp("ftp://example.org", 1000), /neither http: nor https:/);
  });
});

describe("MatrixApi over it", () => {
  it("turns an error answer into a MatrixApiError with its status and errcode, and passes user_id", async () => {
    const { server, url, seen } = await serve((one, res) => (one.url.includes("/profile/") ? json(res, 404, { errcode: "M_NOT_FOUND", error: "no profile" }) : json(res, 200, { room_id: "!r:x" })));
    const api = new MatrixApi(url, "as-token");
    try {
      assert.equal(await api.join("#a:x", "@bot:x"), "!r:x");
      const join = seen[0];
      assert.ok(join !== undefined);
      assert.equal(join.url, "/_matrix/client/v3/join/%23a%3Ax?user_id=%40bot%3Ax");
      assert.equal(join.headers.authorization, "Bearer as-token");
      assert.equal(await api.userExists("@nobody:x"), false);
      await assert.rejects(api.request("GET", "/_matrix/client/v3/profile/x", undefined), (err: unknown) => err instanceof MatrixApiError && err.status === 404 && err.errcode === "M_NOT_FOUND" && !err.transient);
    } finally {
      await stop(server, api);
    }
  });

  it("a redirect is not followed: an error that names where to, not transient", async () => {
    const { server, url, seen } = await serve((_, res) => {
      res.writeHead(301, { Location: "https://matrix.example.org/_matrix/client/v3/x" });
      res.end();
    });
    const api = new MatrixApi(url, "as-token");
    try {
      await assert.rejects(api.request("GET", "/_matrix/client/v3/x", undefined), (err: unknown) => err instanceof MatrixApiError && err.status === 301 && err.errcode === "M_REDIRECTED" && !err.transient && err.message.includes("to https://matrix.example.org/_matrix/client/v3/x") && err.message.includes("homeserver.url"));
      assert.equal(seen.length, 1);
    } finally {
      await stop(server, api);
    }
  });

  it("a homeserver that cannot be reached is status 0, transient", async () => {
    const { server, url } = await serve(() => undefined);
    server.close();
    await once(server, "close");
    const api = new MatrixApi(url, "as-token");
    try {
      await assert.rejects(api.request("GET", "/x", undefined), (err: unknown) => err instanceof MatrixApiError && err.status === 0 && err.transient);
    } finally {
      api.close();
    }
  });
});
