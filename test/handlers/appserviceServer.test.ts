import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { AppserviceServer, type AppserviceHandlers, type Health } from "../../src/matrix/appserviceServer";
import type { Transaction } from "../../src/matrix/events";
import { createMetrics } from "../../src/observability/metrics";
import { openNedbStore } from "../../src/store/nedbStore";
import type { Store } from "../../src/store/store";
import { silentLogger } from "../support/silentLogger";

const HS_TOKEN = "hs-secret-token";

class RecordingHandlers implements AppserviceHandlers {
  readonly transactions: Transaction[] = [];
  failNext = 0;
  users = new Set<string>(["@irc_bob:example.org"]);
  current: Health = { status: "ok", reasons: [] };
  onTransaction(txn: Transaction): Promise<void> {
    if (this.failNext > 0) {
      this.failNext--;
      return Promise.reject(new Error("queue unavailable"));
    }
    this.transactions.push(txn);
    return Promise.resolve();
  }
  onUserQuery(userId: string): Promise<boolean> {
    return Promise.resolve(this.users.has(userId));
  }
  onAliasQuery(alias: string): Promise<boolean> {
    return Promise.resolve(alias === "#irc_#chan:example.org");
  }
  health(): Health {
    return this.current;
  }
}

async function startServer(store: Store, handlers = new RecordingHandlers()) {
  const server = new AppserviceServer(HS_TOKEN, handlers, store.transactions, createMetrics(), silentLogger());
  await server.listen("127.0.0.1", 0);
  const port = server.boundPort();
  const call = (method: string, path: string, body?: unknown, token: string | null = HS_TOKEN) =>
    fetch(`http://127.0.0.1:${port}${path}`, {
      method,
      headers: { "Content-Type": "application/json", ...(token === null ? {} : { Authorization: `Bearer ${token}` }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  return { server, handlers, call };
}

const txnBody = (text: string) => ({
  events: [{ type: "m.room.message", event_id: `$${text}`, room_id: "!r:example.org", sender: "@alice:example.org", content: { msgtype: "m.text", body: text } }],
});

describe("application-service API", () => {
  const dirs: string[] = [];
  after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  it("refuses a wrong token with 403 and processes nothing; a missing token gets 401", async () => {
    const store = await openNedbStore(undefined);
    const { server, handlers, call } = await startServer(store);
    const wrong = await call("PUT", "/_matrix/app/v1/transactions/t1", txnBody("hi"), "not-the-token");
    assert.equal(wrong.status, 403);
    assert.equal(((await wrong.json()) as { errcode: string }).errcode, "M_FORBIDDEN");
    const missing = await call("PUT", "/_matrix/app/v1/transactions/t1", txnBody("hi"), null);
    assert.equal(missing.status, 401);
    for (const [method, path] of [["GET", "/_matrix/app/v1/users/@irc_bob:example.org"], ["GET", "/_matrix/app/v1/rooms/%23irc_%23chan:example.org"], ["POST", "/_matrix/app/v1/ping"]] as const) {
      assert.equal((await call(method, path, method === "POST" ? {} : undefined, "wrong")).status, 403, path);
    }
    assert.equal(handlers.transactions.length, 0);
    assert.equal(await store.transactions.has("t1"), false, "the refused txnId is not remembered");
    const right = await call("PUT", "/_matrix/app/v1/transactions/t1", txnBody("hi"));
    assert.equal(right.status, 200);
    assert.equal(handlers.transactions.length, 1, "the same txnId with the right token is processed");
    await server.close();
  });

  it("answers a retried transaction without processing it again, even after a restart", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ircbridge-txn-"));
    dirs.push(dir);
    let store = await openNedbStore(dir);
    let running = await startServer(store);
    assert.equal((await running.call("PUT", "/_matrix/app/v1/transactions/abc", txnBody("one"))).status, 200);
    assert.equal((await running.call("PUT", "/_matrix/app/v1/transactions/abc", txnBody("one"))).status, 200);
    assert.equal(running.handlers.transactions.length, 1);
    await running.server.close();
    await store.close();

    store = await openNedbStore(dir);
    running = await startServer(store);
    assert.equal((await running.call("PUT", "/_matrix/app/v1/transactions/abc", txnBody("one"))).status, 200);
    assert.equal(running.handlers.transactions.length, 0, "a txnId seen before the restart is not processed again");
    assert.equal((await running.call("PUT", "/_matrix/app/v1/transactions/def", txnBody("two"))).status, 200);
    assert.equal(running.handlers.transactions.length, 1);
    await running.server.close();
    await store.close();
  });

  it("acknowledges only after processing: a failure answers 500 and the retry is processed", async () => {
    const store = await openNedbStore(undefined);
    const { server, handlers, call } = await startServer(store);
    handlers.failNext = 1;
    assert.equal((await call("PUT", "/_matrix/app/v1/transactions/x", txnBody("retry me"))).status, 500);
    assert.equal(await store.transactions.has("x"), false);
    assert.equal((await call("PUT", "/_matrix/app/v1/transactions/x", txnBody("retry me"))).status, 200);
    assert.equal(handlers.transactions.length, 1);
    assert.equal(handlers.transactions[0]?.events[0]?.content.body, "retry me");
    await server.close();
  });

  it("shares one run between concurrent deliveries of the same transaction", async () => {
    const store = await openNedbStore(undefined);
    const { server, handlers, call } = await startServer(store);
    const results = await Promise.all([1, 2, 3].map(() => call("PUT", "/_matrix/app/v1/transactions/same", txnBody("once"))));
    assert.deepEqual(results.map((r) => r.status), [200, 200, 200]);
    assert.equal(handlers.transactions.length, 1);
    await server.close();
  });

  it("reads ephemeral events under the stable and the MSC2409 keys", async () => {
    const store = await openNedbStore(undefined);
    const { server, handlers, call } = await startServer(store);
    const typing = { type: "m.typing", room_id: "!r:example.org", content: { user_ids: [] } };
    await call("PUT", "/_matrix/app/v1/transactions/e", { events: [], ephemeral: [typing], "de.sorunome.msc2409.ephemeral": [typing] });
    assert.equal(handlers.transactions[0]?.ephemeral.length, 2);
    await server.close();
  });

  it("answers user and alias queries, ping and health", async () => {
    const store = await openNedbStore(undefined);
    const { server, call } = await startServer(store);
    assert.equal((await call("GET", "/_matrix/app/v1/users/%40irc_bob%3Aexample.org")).status, 200);
    assert.equal((await call("GET", "/_matrix/app/v1/users/%40nobody%3Aexample.org")).status, 404);
    assert.equal((await call("GET", "/_matrix/app/v1/rooms/%23irc_%23chan%3Aexample.org")).status, 200);
    assert.equal((await call("GET", "/_matrix/app/v1/rooms/%23other%3Aexample.org")).status, 404);
    const ping = await call("POST", "/_matrix/app/v1/ping", { transaction_id: "p" });
    assert.equal(ping.status, 200);
    assert.deepEqual(await ping.json(), {});
    assert.equal((await call("GET", "/health", undefined, null)).status, 200);
    assert.equal((await call("GET", "/_matrix/app/v1/nothing")).status, 404);
    const notJson = await fetch(`http://127.0.0.1:${server.boundPort()}/_matrix/app/v1/transactions/bad`, {
      method: "PUT",
      headers: { Authorization: `Bearer ${HS_TOKEN}` },
      body: "{not json",
    });
    assert.equal(notJson.status, 400);
    await server.close();
  });

  it("/health says only ok or degraded without the hs_token; the reasons and depths need the token", async () => {
    const store = await openNedbStore(undefined);
    const { server, handlers, call } = await startServer(store);
    handlers.current = { status: "degraded", reasons: ["the store cannot write to its disk: marks (ENOSPC); retrying"], details: { roomQueue: 7 } };
    for (const token of [null, "not-the-token", ""]) {
      const bare = await call("GET", "/health", undefined, token);
      assert.equal(bare.status, 503, "the status code tells degraded to anyone");
      assert.deepEqual(await bare.json(), { status: "degraded" }, `nothing more with token ${String(token)}`);
    }
    const viaQuery = await fetch(`http://127.0.0.1:${server.boundPort()}/health?access_token=wrong`);
    assert.deepEqual(await viaQuery.json(), { status: "degraded" });
    const full = await call("GET", "/health");
    assert.equal(full.status, 503);
    assert.deepEqual(await full.json(), handlers.current, "the hs_token holder sees the reasons and the depths");
    handlers.current = { status: "ok", reasons: [], details: { roomQueue: 0 } };
    const ok = await call("GET", "/health", undefined, null);
    assert.equal(ok.status, 200);
    assert.deepEqual(await ok.json(), { status: "ok" });
    assert.deepEqual(await (await call("GET", "/health")).json(), { status: "ok", reasons: [], details: { roomQueue: 0 } });
    await server.close();
  });
});
