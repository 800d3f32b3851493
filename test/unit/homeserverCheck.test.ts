/**
 * The start-up check of the homeserver (src/matrix/homeserverCheck.ts) against a real local HTTP
 * server standing in for the homeserver's two endpoints: the bot registered (an existing bot, or
 * M_EXCLUSIVE for it, is a success), then the ping asked for, with the as_token; the homeserver's round trip returned; a
 * refusal of either rejects with what the homeserver said, and a refused registration asks no ping.
 */
import { describe, it } from "node:test";
import type { Server } from "node:http";
import assert from "node:assert/strict";
import { checkHomeserver } from "../../src/matrix/homeserverCheck";
import { MatrixApi, MatrixApiError } from "../../src/matrix/matrixApi";
import { json, serve, stop, type Seen } from "../support/localHttpServer";

type Answer = readonly [status: number, body: Record<string, unknown>];

/** The homeserver's two endpoints, answering as told; anything else 404. */
async function homeserver(answers: { readonly register: Answer; readonly ping: Answer }): Promise<{ server: Server; api: MatrixApi; seen: Seen[] }> {
  const { server, url, seen } = await serve((one, res) => {
    const path = one.url.split("?")[0] ?? "";
    const [status, body] = path === "/_matrix/client/v3/register" ? answers.register : path.endsWith("/ping") ? answers.ping : [404, { errcode: "M_UNRECOGNIZED" }];
    json(res, status, body);
  });
  return { server, api: new MatrixApi(url, "as-secret"), seen };
}

const bodyOf = (one: Seen | undefined): Record<string, unknown> => JSON.parse(one?.body || "{}") as Record<string, unknown>;

const registration = { id: "irc bridge/1", sender_localpart: "ircbot" };

describe("homeserver check at start", () => {
  it("registers the bot as the application service, then asks for the ping; resolves to the homeserver's round trip", async () => {
    const { server, api, seen } = await homeserver({ register: [200, { user_id: "@ircbot:hs.test" }], ping: [200, { duration_ms: 42 }] });
    try {
      assert.equal(await checkHomeserver(api, registration), 42);
      assert.deepEqual(
        seen.map((s) => [s.method, s.url, s.headers.authorization]),
        [
          ["POST", "/_matrix/client/v3/register", "Bearer as-secret"],
          ["POST", "/_matrix/client/v1/appservice/irc%20bridge%2F1/ping", "Bearer as-secret"],
        ],
      );
      assert.deepEqual(bodyOf(seen[0]), { type: "m.login.application_service", username: "ircbot", inhibit_login: true });
      assert.equal(typeof bodyOf(seen[1]).transaction_id, "string");
    } finally {
      await stop(server, api);
    }
  });

  it("a bot that exists is a success, and so is M_EXCLUSIVE for it: the ping follows; an answer without duration_ms gives -1", async () => {
    for (const refusal of [
      [400, { errcode: "M_USER_IN_USE", error: "taken" }],
      [400, { errcode: "M_EXCLUSIVE", error: "reserved by an application service" }],
    ] as const) {
      const { server, api, seen } = await homeserver({ register: refusal, ping: [200, {}] });
      try {
        assert.equal(await checkHomeserver(api, registration), -1, refusal[1].errcode);
        assert.equal(seen.length, 2, `${refusal[1].errcode}: the ping is asked`);
      } finally {
        await stop(server, api);
      }
    }
  });

  it("a refused registration rejects with the homeserver's errcode and asks no ping; a refused ping rejects with its own", async () => {
    const refused = await homeserver({ register: [403, { errcode: "M_FORBIDDEN", error: "application service registration refused" }], ping: [200, { duration_ms: 1 }] });
    try {
      await assert.rejects(checkHomeserver(refused.api, registration), (err: unknown) => err instanceof MatrixApiError && err.status === 403 && err.errcode === "M_FORBIDDEN");
      assert.equal(refused.seen.length, 1, "no ping after a refused registration");
    } finally {
      await stop(refused.server, refused.api);
    }
    const unreachable = await homeserver({ register: [200, {}], ping: [502, { errcode: "M_CONNECTION_FAILED", error: "cannot reach the application service" }] });
    try {
      await assert.rejects(checkHomeserver(unreachable.api, registration), (err: unknown) => err instanceof MatrixApiError && err.status === 502 && /cannot reach the application service/.test(err.message));
    } finally {
      await stop(unreachable.server, unreachable.api);
    }
  });
});
