import assert from "node:assert/strict";
import { request } from "node:http";
import { describe, it } from "node:test";
import { AppserviceServer, type AppserviceHandlers } from "../../src/matrix/appserviceServer";
import type { Transaction } from "../../src/matrix/events";
import { createMetrics } from "../../src/observability/metrics";
import { startMetricsServer } from "../../src/observability/metricsServer";
import { openNedbStore } from "../../src/store/nedbStore";
import { close } from "../../src/util/http";
import { silentLogger } from "../support/silentLogger";

const HS_TOKEN = "hs-secret-token";

class Recording implements AppserviceHandlers {
  readonly transactions: Transaction[] = [];
  onTransaction(txn: Transaction): Promise<void> {
    this.transactions.push(txn);
    return Promise.resolve();
  }
  onUserQuery(): Promise<boolean> {
    return Promise.resolve(false);
  }
  onAliasQuery(): Promise<boolean> {
    return Promise.resolve(false);
  }
  health() {
    return { status: "ok" as const, reasons: [] };
  }
}

/**
 * A real HTTP request. `chunked` sends the body in pieces without a Content-Length, as a client
 * that does not declare its size would; the answer is read even if the server stops reading.
 */
function send(port: number, method: string, path: string, body: string, chunked = false): Promise<{ status: number; text: string; connection: string | undefined }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: "127.0.0.1",
        port,
        method,
        path,
        headers: { Authorization: `Bearer ${HS_TOKEN}`, "Content-Type": "application/json", ...(chunked ? {} : { "Content-Length": Buffer.byteLength(body) }) },
      },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (c: string) => (text += c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, text, connection: res.headers.connection }));
      },
    );
    req.on("error", reject);
    if (chunked) {
      const piece = Math.ceil(body.length / 8);
      for (let i = 0; i < body.length; i += piece) req.write(body.slice(i, i + piece));
      req.end();
    } else req.end(body);
  });
}

/** A transaction of `events` room events and `edus` ephemeral events, each of about `size` bytes. */
function transaction(events: number, edus: number, size: number): string {
  const pad = "x".repeat(size - 200);
  const event = (i: number) => ({ type: "m.room.message", event_id: `$e${i}`, room_id: "!r:example.org", sender: "@alice:example.org", content: { msgtype: "m.text", body: pad } });
  const edu = (i: number) => ({ type: "m.typing", room_id: "!r:example.org", content: { user_ids: [`@u${i}:example.org`], pad } });
  return JSON.stringify({ events: Array.from({ length: events }, (_, i) => event(i)), ephemeral: Array.from({ length: edus }, (_, i) => edu(i)) });
}

async function appservice(limit?: number) {
  const store = await openNedbStore(undefined);
  const handlers = new Recording();
  const metrics = createMetrics();
  const server = new AppserviceServer(HS_TOKEN, handlers, store.transactions, metrics, silentLogger(), limit);
  await server.listen("127.0.0.1", 0);
  const tooLarge = async () => (await metrics.rejectedRequests.get()).values.find((v) => v.labels.reason === "too_large")?.value ?? 0;
  return { server, handlers, port: server.boundPort(), tooLarge };
}

describe("request body limits", () => {
  it("the application-service API answers 413 to a transaction over the limit, declared or not, and processes nothing", async () => {
    const { server, handlers, port, tooLarge } = await appservice(4096);
    const big = transaction(3, 0, 2000);
    const declared = await send(port, "PUT", "/_matrix/app/v1/transactions/big1", big);
    assert.equal(declared.status, 413);
    assert.equal((JSON.parse(declared.text) as { errcode: string }).errcode, "M_TOO_LARGE");
    assert.equal(declared.connection, "close", "the rest of the body is not wanted");
    const streamed = await send(port, "PUT", "/_matrix/app/v1/transactions/big2", big, true);
    assert.equal(streamed.status, 413, "a body without Content-Length is cut off at the limit too");
    assert.equal((await send(port, "POST", "/_matrix/app/v1/ping", big)).status, 413);
    assert.equal(handlers.transactions.length, 0);
    assert.equal(await tooLarge(), 3);
    // Positive control: a transaction under the limit is taken.
    const small = await send(port, "PUT", "/_matrix/app/v1/transactions/small", transaction(1, 0, 1000));
    assert.equal(small.status, 200);
    assert.equal(handlers.transactions.length, 1);
    await server.close();
  });

  it("the default takes the largest Synapse transaction: 100 events and 50 ephemeral events of 64 KiB", async () => {
    const { server, handlers, port } = await appservice();
    const largest = transaction(100, 50, 64 * 1024);
    const answer = await send(port, "PUT", "/_matrix/app/v1/transactions/largest", largest);
    assert.equal(answer.status, 200, answer.text);
    assert.equal(handlers.transactions[0]?.events.length, 100);
    await server.close();
  });

  it("the metrics listener answers 413 to a body over the limit, and still serves /metrics", async () => {
    const metrics = createMetrics();
    let refused = 0;
    const server = await startMetricsServer(metrics.registry, "127.0.0.1", 0, 1024, () => refused++);
    const address = server.address();
    const port = typeof address === "object" && address !== null ? address.port : 0;
    assert.equal((await send(port, "GET", "/metrics", "y".repeat(5000))).status, 413);
    assert.equal((await send(port, "POST", "/metrics", "y".repeat(5000), true)).status, 413);
    assert.equal(refused, 2);
    const ok = await send(port, "GET", "/metrics", "");
    assert.equal(ok.status, 200);
    assert.match(ok.text, /ircbridge_/);
    await close(server);
  });
});
