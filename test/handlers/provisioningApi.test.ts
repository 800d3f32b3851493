import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { AppserviceServer } from "../../src/matrix/appserviceServer";
import { createMetrics } from "../../src/observability/metrics";
import { ProvisioningAuth } from "../../src/provisioning/api/auth";
import { RateLimit } from "../../src/provisioning/api/rateLimit";
import { ProvisioningApi, type OpenIdExchange } from "../../src/provisioning/api/router";
import type { ApiNetwork } from "../../src/provisioning/api/routes";
import type { ChannelQuery, LinkInfo, LinkRequest, LinkTarget, Links, UnlinkRequest } from "../../src/provisioning/links";
import { openNedbStore } from "../../src/store/nedbStore";
import { FakeClock } from "../support/fakeClock";
import { MEMBER, MOD, ROOM, provisioningScene } from "../support/provisioningScene";
import { silentLogger } from "../support/silentLogger";

const SECRET = "provisioning-secret";
const HS_TOKEN = "hs-token";
const SESSION = "session-token";
const NET: ApiNetwork = { id: "testnet", name: "TestNet", address: "127.0.0.1" };

/** The scene's real LinkService, recording what the API asked of it. */
class RecordingLinks implements Links {
  readonly asked: string[] = [];
  constructor(private readonly inner: Links) {}
  link(request: LinkRequest): Promise<LinkInfo> {
    this.asked.push(`link ${request.userId} ${request.roomId} ${request.channel} ${request.opNick}`);
    return this.inner.link(request);
  }
  plumb(target: LinkTarget, by: string): Promise<LinkInfo> {
    return this.inner.plumb(target, by);
  }
  unlink(request: UnlinkRequest): Promise<void> {
    this.asked.push(`unlink ${request.roomId}`);
    return this.inner.unlink(request);
  }
  linksOf(roomId: string): readonly LinkInfo[] {
    return this.inner.linksOf(roomId);
  }
  queryChannel(networkId: string, channel: string): Promise<ChannelQuery> {
    this.asked.push(`query ${networkId} ${channel}`);
    return this.inner.queryChannel(networkId, channel);
  }
}

async function apiScene(perMinute = 100, exchangeOpenId?: OpenIdExchange) {
  const scene = await provisioningScene();
  const links = new RecordingLinks(scene.links);
  const clock = new FakeClock();
  const open = new Set([SESSION]);
  const api = new ProvisioningApi({
    routes: {
      links,
      networks: () => [NET],
      findNetwork: (server) => (server === NET.id || server === NET.address ? NET : undefined),
      botUserId: "@ircbot:example.org",
      roomCount: () => scene.rooms.all().length,
      roomLimit: 10,
    },
    auth: new ProvisioningAuth(SECRET, { userOf: (t) => (open.has(t) ? MOD : undefined) }),
    signOut: (t) => open.delete(t),
    rateLimit: new RateLimit(perMinute, clock),
    maxBodyBytes: 2048,
    log: silentLogger(),
    ...(exchangeOpenId === undefined ? {} : { exchangeOpenId }),
  });
  const store = await openNedbStore(undefined);
  const server = new AppserviceServer(HS_TOKEN, { onTransaction: () => Promise.resolve(), onUserQuery: () => Promise.resolve(false), onAliasQuery: () => Promise.resolve(false), health: () => ({ status: "ok", reasons: [] }) }, store.transactions, createMetrics(), silentLogger(), 10_000_000, [api]);
  await server.listen("127.0.0.1", 0);
  after(() => server.close());
  const port = server.boundPort();
  const call = async (method: string, path: string, body?: unknown, token: string | null = SECRET) => {
    const res = await fetch(`http://127.0.0.1:${port}${path}`, {
      method,
      headers: { ...(token === null ? {} : { Authorization: `Bearer ${token}` }), "Content-Type": "application/json" },
      ...(body === undefined ? {} : { body: typeof body === "string" ? body : JSON.stringify(body) }),
    });
    return { status: res.status, json: (await res.json()) as Record<string, unknown> };
  };
  return { scene, links, clock, call };
}

const linkBody = { remote_room_server: "127.0.0.1", remote_room_channel: "#chan", matrix_room_id: ROOM, op_nick: "Op", user_id: MOD };

describe("provisioning API", { timeout: 20_000 }, () => {
  it("needs the secret: none 401, wrong 403 (the hs_token is no key here), and nothing is asked", async () => {
    const { call, links } = await apiScene();
    assert.deepEqual(await call("GET", "/_matrix/provision/querynetworks", undefined, null), { status: 401, json: { errcode: "M_MISSING_TOKEN", error: "the provisioning API needs Authorization: Bearer <token>" } });
    for (const token of ["wrong", HS_TOKEN, SECRET + "x"]) {
      const r = await call("POST", "/_matrix/provision/link", linkBody, token);
      assert.equal(r.status, 403);
      assert.equal(r.json.errcode, "M_UNKNOWN_TOKEN");
    }
    assert.deepEqual(links.asked, []);
  });

  it("links through POST /link once the operator said yes, under both prefixes; /listlinks shows it", async () => {
    const { call, scene } = await apiScene();
    const answered = call("POST", "/_matrix/provision/v1/link", linkBody);
    await scene.asked();
    scene.answer("Op", "yes");
    assert.deepEqual(await answered, { status: 200, json: {} });
    const listed = await call("GET", `/_matrix/provision/listlinks/${encodeURIComponent(ROOM)}`);
    assert.equal(listed.status, 200);
    assert.deepEqual(listed.json, [{ matrix_room_id: ROOM, remote_room_channel: "#chan", remote_room_server: "127.0.0.1", network_id: "testnet", origin: "linked" }]);
    assert.deepEqual((await call("GET", "/_matrix/provision/limits")).json, { count: 1, limit: 10 });
  });

  it("answers the refusals of a link as {errcode, error} with their status", async () => {
    const { call } = await apiScene();
    const r = await call("POST", "/_matrix/provision/link", { ...linkBody, user_id: MEMBER });
    assert.equal(r.status, 403);
    assert.equal(r.json.errcode, "IRC_NOT_ENOUGH_POWER");
    assert.match(String(r.json.error), /power level 0/);
    const unknown = await call("POST", "/_matrix/provision/link", { ...linkBody, remote_room_server: "irc.nowhere.example" });
    assert.equal(unknown.status, 404);
    assert.equal(unknown.json.errcode, "IRC_UNKNOWN_NETWORK");
  });

  const bad: [string, unknown, number, string, RegExp][] = [
    ["not JSON", "{nope", 400, "M_NOT_JSON", /JSON/],
    ["not an object", [linkBody], 400, "M_BAD_JSON", /object/],
    ["an unknown field", { ...linkBody, admin: true }, 400, "M_BAD_JSON", /^admin: unknown field/],
    ["a wrong type", { ...linkBody, op_nick: 5 }, 400, "M_INVALID_PARAM", /^op_nick:/],
    ["a bad room id", { ...linkBody, matrix_room_id: "#alias:example.org" }, 400, "M_INVALID_PARAM", /^matrix_room_id:/],
    ["a bad channel", { ...linkBody, remote_room_channel: "chan" }, 400, "M_INVALID_PARAM", /^remote_room_channel:/],
    ["a missing field", { ...linkBody, op_nick: undefined }, 400, "M_MISSING_PARAM", /^op_nick: missing/],
    ["no user_id", { ...linkBody, user_id: undefined }, 400, "M_MISSING_PARAM", /^user_id/],
    ["a body over the limit", { ...linkBody, op_nick: "x".repeat(4000) }, 413, "M_TOO_LARGE", /over/],
  ];
  for (const [what, body, status, errcode, error] of bad) {
    it(`refuses ${what} naming it, and never half-creates a link`, async () => {
      const { call, links, scene } = await apiScene();
      const r = await call("POST", "/_matrix/provision/link", body);
      assert.equal(r.status, status);
      assert.equal(r.json.errcode, errcode);
      assert.match(String(r.json.error), error);
      assert.deepEqual(links.asked, []);
      assert.equal(scene.rooms.room(ROOM), undefined);
      assert.deepEqual(scene.bot.told, []);
    });
  }

  it("a session acts as its own user only", async () => {
    const { call, links, scene } = await apiScene();
    const other = await call("POST", "/_matrix/provision/link", { ...linkBody, user_id: MEMBER }, SESSION);
    assert.equal(other.status, 403);
    assert.equal(other.json.errcode, "M_FORBIDDEN");
    assert.deepEqual(links.asked, []);
    const own = call("POST", "/_matrix/provision/link", { ...linkBody, user_id: undefined }, SESSION);
    await scene.asked();
    scene.answer("Op", "yes");
    assert.equal((await own).status, 200);
    assert.deepEqual(links.asked, [`link ${MOD} ${ROOM} #chan Op`]);
  });

  it("lists networks, queries a channel's operators, and rate-limits each requester", async () => {
    const { call, clock } = await apiScene(3);
    assert.deepEqual((await call("GET", "/_matrix/provision/querynetworks")).json, {
      servers: [{ network_id: "testnet", bot_user_id: "@ircbot:example.org", desc: "TestNet", fields: { domain: "127.0.0.1" } }],
    });
    const q = await call("POST", "/_matrix/provision/querylink", { remote_room_server: "testnet", remote_room_channel: "#chan", user_id: MOD });
    assert.deepEqual(q, { status: 200, json: { operators: ["Op", "Other"], link_allowed: true } });
    const body = { remote_room_server: "testnet", remote_room_channel: "#chan", user_id: MEMBER };
    for (let i = 0; i < 3; i++) assert.equal((await call("POST", "/_matrix/provision/querylink", body)).status, 200);
    const limited = await call("POST", "/_matrix/provision/querylink", body);
    assert.equal(limited.status, 429);
    assert.equal(limited.json.errcode, "M_LIMIT_EXCEEDED");
    clock.advance(60_000);
    assert.equal((await call("POST", "/_matrix/provision/querylink", body)).status, 200);
  });

  it("answers unknown endpoints and wrong methods, and leaves the appservice API to the hs_token", async () => {
    const { call } = await apiScene();
    assert.equal((await call("GET", "/_matrix/provision/nothing")).status, 404);
    assert.equal((await call("GET", "/_matrix/provision/link")).status, 405);
    assert.equal((await call("POST", "/_matrix/app/v1/ping", {}, SECRET)).status, 403);
    assert.equal((await call("POST", "/_matrix/app/v1/ping", {}, HS_TOKEN)).status, 200);
  });

  it("hands POST /v1/exchange_openid to the OpenID flow when one is plugged in (no Bearer token: it is the login)", async () => {
    const bodies: unknown[] = [];
    const { call } = await apiScene(100, (body) => {
      bodies.push(body);
      return Promise.resolve({ status: 200, body: { token: "t" } });
    });
    assert.deepEqual(await call("POST", "/_matrix/provision/v1/exchange_openid", { openIdToken: "o", matrixServer: "example.org" }, null), { status: 200, json: { token: "t" } });
    assert.deepEqual(bodies, [{ openIdToken: "o", matrixServer: "example.org" }]);
    // The flow's refusal keeps its own status (a forged token is 401, a server vouching for another's user 403).
    const refusing = await apiScene(100, () => Promise.resolve({ status: 403, body: { errcode: "M_AS_BAD_OPENID", error: "not its user" } }));
    assert.deepEqual(await refusing.call("POST", "/_matrix/provision/v1/exchange_openid", { openIdToken: "o", matrixServer: "example.org" }, null), {
      status: 403,
      json: { errcode: "M_AS_BAD_OPENID", error: "not its user" },
    });
    const without = await apiScene();
    assert.equal((await without.call("POST", "/_matrix/provision/v1/exchange_openid", {}, null)).status, 401);
  });

  it("DELETE /v1/session ends an OpenID session: its token is refused afterwards; the shared secret has no session to end", async () => {
    const { call } = await apiScene();
    assert.equal((await call("GET", "/_matrix/provision/v1/querynetworks", undefined, SESSION)).status, 200, "the session works (positive control)");
    assert.equal((await call("DELETE", "/_matrix/provision/v1/session", undefined, SECRET)).status, 400);
    assert.deepEqual(await call("DELETE", "/_matrix/provision/v1/session", undefined, SESSION), { status: 200, json: {} });
    assert.equal((await call("GET", "/_matrix/provision/v1/querynetworks", undefined, SESSION)).status, 403, "the token no longer opens anything");
  });
});
