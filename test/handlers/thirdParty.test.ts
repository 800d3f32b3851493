import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { ThirdPartyLookups } from "../../src/discovery/thirdPartyLookups";
import { AppserviceServer, type AppserviceHandlers } from "../../src/matrix/appserviceServer";
import { createMetrics } from "../../src/observability/metrics";
import { openNedbStore } from "../../src/store/nedbStore";
import { fakeNetwork } from "../support/fakeNetwork";
import { silentLogger } from "../support/silentLogger";

const HS_TOKEN = "hs-third-party-token";
const APP = "/_matrix/app/v1";

/** Two networks: one with an excluded channel, a mapped channel and an icon; one without portals. */
function lookups(): ThirdPartyLookups {
  return new ThirdPartyLookups([
    fakeNetwork(`, icon: "mxc://example.org/netIcon", portals: { excludedChannels: ["#Secret"] }, mappings: { "#mapped": { roomIds: ["!m:example.org"] } }`, "irc.Test.example"),
    { ...fakeNetwork(`, portals: { enabled: false }`, "irc.other.example"), id: "othernet", name: "OtherNet" },
  ]);
}

describe("third-party lookups on the application-service API", () => {
  let server: AppserviceServer;
  let base = "";
  const get = async (path: string, token: string | null = HS_TOKEN) => {
    const res = await fetch(`${base}${APP}${path}`, { headers: token === null ? {} : { Authorization: `Bearer ${token}` } });
    const body: unknown = await res.json();
    return { status: res.status, body };
  };
  const errcode = (body: unknown) => (body as { errcode?: string }).errcode;

  before(async () => {
    const store = await openNedbStore(undefined);
    const handlers: AppserviceHandlers = {
      onTransaction: () => Promise.resolve(),
      onUserQuery: () => Promise.resolve(false),
      onAliasQuery: () => Promise.resolve(false),
      thirdParty: lookups(),
      health: () => ({ status: "ok", reasons: [] }),
    };
    server = new AppserviceServer(HS_TOKEN, handlers, store.transactions, createMetrics(), silentLogger());
    await server.listen("127.0.0.1", 0);
    base = `http://127.0.0.1:${server.boundPort()}`;
  });
  after(() => server.close());

  it("refuses every lookup with a wrong token (403) or none (401), and answers it with the right one", async () => {
    const paths = [
      "/thirdparty/protocol/irc",
      "/thirdparty/location/irc?domain=irc.test.example&channel=%23chan",
      "/thirdparty/user/irc?domain=irc.test.example&nick=Bob",
      "/thirdparty/location?alias=%23irc_%23chan:example.org",
      "/thirdparty/user?userid=@irc_bob:example.org",
    ];
    for (const path of paths) {
      const wrong = await get(path, "not-the-token");
      assert.equal(wrong.status, 403, path);
      assert.equal(errcode(wrong.body), "M_FORBIDDEN", path);
      assert.equal((await get(path, null)).status, 401, path);
      assert.equal((await get(path)).status, 200, `${path} with the hs_token`);
    }
  });

  it("describes the protocol: fields, their types, an icon, one instance per network", async () => {
    const { status, body } = await get("/thirdparty/protocol/irc");
    assert.equal(status, 200);
    const protocol = body as {
      user_fields: string[];
      location_fields: string[];
      icon: string;
      field_types: Record<string, { regexp: string; placeholder: string }>;
      instances: { network_id: string; desc: string; icon?: string; fields: Record<string, string> }[];
    };
    assert.deepEqual(protocol.user_fields, ["domain", "nick"]);
    assert.deepEqual(protocol.location_fields, ["domain", "channel"]);
    assert.equal(protocol.icon, "mxc://example.org/netIcon");
    for (const field of [...protocol.user_fields, ...protocol.location_fields]) {
      const type = protocol.field_types[field];
      assert.ok(type !== undefined, `a type for ${field}`);
      assert.match(type.placeholder, new RegExp(`^(?:${type.regexp})$`), `${field}'s placeholder passes its own regexp`);
    }
    assert.doesNotMatch("#chan", new RegExp(`^(?:${protocol.field_types.nick?.regexp ?? ""})$`), "a channel is no nick");
    assert.doesNotMatch("nochan", new RegExp(`^(?:${protocol.field_types.channel?.regexp ?? ""})$`), "a nick is no channel");
    assert.deepEqual(protocol.instances, [
      { network_id: "testnet", desc: "TestNet", icon: "mxc://example.org/netIcon", fields: { domain: "irc.test.example" } },
      { network_id: "othernet", desc: "OtherNet", fields: { domain: "irc.other.example" } },
    ]);
  });

  it("answers 404 with an errcode for another protocol, on every lookup that names one", async () => {
    for (const path of ["/thirdparty/protocol/xmpp", "/thirdparty/location/xmpp?domain=irc.test.example&channel=%23chan", "/thirdparty/user/xmpp?domain=irc.test.example&nick=bob"]) {
      const { status, body } = await get(path);
      assert.equal(status, 404, path);
      assert.equal(errcode(body), "M_NOT_FOUND", path);
    }
  });

  it("gives a channel's portal alias, by the network's address or id, one alias for every spelling", async () => {
    const expected = [{ alias: "#irc_#chan[1]:example.org", protocol: "irc", fields: { domain: "irc.test.example", channel: "#chan[1]" } }];
    assert.deepEqual(await get("/thirdparty/location/irc?domain=irc.test.example&channel=%23chan%5B1%5D"), { status: 200, body: expected });
    assert.deepEqual(await get("/thirdparty/location/irc?domain=IRC.Test.Example&channel=%23CHAN%5B1%5D"), { status: 200, body: expected });
    assert.deepEqual(await get("/thirdparty/location/irc?domain=testnet&channel=%23Chan%5B1%5D"), { status: 200, body: expected });
  });

  it("gives no alias for a channel the network would not bridge: excluded, mapped, or portals off", async () => {
    for (const path of [
      "/thirdparty/location/irc?domain=irc.test.example&channel=%23secret",
      "/thirdparty/location/irc?domain=irc.test.example&channel=%23MAPPED",
      "/thirdparty/location/irc?domain=irc.other.example&channel=%23chan",
      "/thirdparty/location/irc?domain=irc.nowhere.example&channel=%23chan",
    ]) {
      const { status, body } = await get(path);
      assert.equal(status, 404, path);
      assert.equal(errcode(body), "M_NOT_FOUND", path);
    }
  });

  it("refuses what cannot be a channel or a nick, and missing fields, with 400 saying why", async () => {
    for (const [path, code] of [
      ["/thirdparty/location/irc?domain=irc.test.example&channel=nochannel", "M_INVALID_PARAM"],
      ["/thirdparty/location/irc?domain=irc.test.example&channel=%23a%20b", "M_INVALID_PARAM"],
      ["/thirdparty/location/irc?domain=irc.test.example&channel=%23a%0D%0AQUIT", "M_INVALID_PARAM"],
      ["/thirdparty/location/irc?domain=irc.test.example", "M_MISSING_PARAM"],
      ["/thirdparty/location/irc?channel=%23chan", "M_MISSING_PARAM"],
      ["/thirdparty/user/irc?domain=irc.test.example&nick=%23chan", "M_INVALID_PARAM"],
      ["/thirdparty/user/irc?domain=irc.test.example&nick=1abc", "M_INVALID_PARAM"],
      ["/thirdparty/user/irc?domain=irc.test.example&nick=a*b", "M_INVALID_PARAM"],
      ["/thirdparty/user/irc?domain=irc.test.example", "M_MISSING_PARAM"],
      ["/thirdparty/location?alias=not-an-alias", "M_INVALID_PARAM"],
      ["/thirdparty/user?userid=bob", "M_INVALID_PARAM"],
      ["/thirdparty/user", "M_MISSING_PARAM"],
    ] as const) {
      const { status, body } = await get(path);
      assert.equal(status, 400, path);
      assert.equal(errcode(body), code, path);
      assert.ok(typeof (body as { error?: unknown }).error === "string" && (body as { error: string }).error.length > 0, `${path} says why`);
    }
  });

  it("gives the ghost's user id for a nick, on the network named", async () => {
    assert.deepEqual(await get("/thirdparty/user/irc?domain=irc.test.example&nick=Bob%5Baway%5D"), {
      status: 200,
      body: [{ userid: "@irc_bob=5baway=5d:example.org", protocol: "irc", fields: { domain: "irc.test.example", nick: "Bob[away]" } }],
    });
  });

  it("looks up a portal alias and a ghost the other way round", async () => {
    assert.deepEqual(await get("/thirdparty/location?alias=%23irc_%23Chan:example.org"), {
      status: 200,
      body: [{ alias: "#irc_#Chan:example.org", protocol: "irc", fields: { domain: "irc.test.example", channel: "#Chan" } }],
    });
    assert.deepEqual(await get("/thirdparty/user?userid=@irc_bob=5baway=5d:example.org"), {
      status: 200,
      body: [{ userid: "@irc_bob=5baway=5d:example.org", protocol: "irc", fields: { domain: "irc.test.example", nick: "bob[away]" } }],
    });
    for (const path of [
      "/thirdparty/location?alias=%23irc_%23secret:example.org",
      "/thirdparty/location?alias=%23other:example.org",
      "/thirdparty/user?userid=@alice:example.org",
      "/thirdparty/user?userid=@irc_=2a:example.org",
    ]) {
      const { status, body } = await get(path);
      assert.equal(status, 404, path);
      assert.equal(errcode(body), "M_NOT_FOUND", path);
    }
  });
});
