/**
 * OpenID widget sign-in stories, against the real Synapse of the test environment: a Matrix user's
 * widget asks its homeserver for an OpenID token and exchanges it for a provisioning session, as
 * matrix-appservice-bridge's widgets do (POST /_matrix/provision/v1/exchange_openid).
 *
 * The test homeserver has no federation listener on 8448: `openIdOverrides` points its server name
 * at its client listener, which serves /_matrix/federation/v1/openid/userinfo once the listener has
 * the `openid` resource (scripts/testenv/synapse-config.py).
 *
 * The exchange runs in this process with the bridge's real network code (federationHttp); the HTTP
 * route itself belongs to the provisioning API.
 */
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { testenv } from "../../scripts/lib/testenv";
import { systemClock } from "../../src/irc/pacedQueue";
import { ProvisionError } from "../../src/provisioning/links";
import { OpenIdExchange } from "../../src/provisioning/openId";
import { federationHttp } from "../../src/provisioning/openId/federationHttp";
import { DEFAULT_DISALLOWED_IP_RANGES } from "../../src/provisioning/openId/ipRanges";
import { ProvisioningSessions } from "../../src/provisioning/openId/sessions";
import { silentLogger } from "../support/silentLogger";
import { csApi, registerUser, uniqueName, type TestUser } from "./support/matrixClient";

interface OpenIdToken {
  readonly access_token: string;
  readonly matrix_server_name: string;
  readonly expires_in: number;
}

/** What a widget does first: ask the user's homeserver for an OpenID token. */
async function requestOpenIdToken(user: TestUser): Promise<OpenIdToken> {
  const res = await csApi<OpenIdToken>("POST", `/_matrix/client/v3/user/${encodeURIComponent(user.userId)}/openid/request_token`, user.token, {});
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body;
}

function bridgeExchange(overrides: Readonly<Record<string, string>>): OpenIdExchange {
  return new OpenIdExchange({
    settings: { disallowedIpRanges: DEFAULT_DISALLOWED_IP_RANGES, overrides, sessionLifetimeSeconds: 600 },
    net: federationHttp({ timeoutMs: 10_000, maxBytes: 64 * 1024 }),
    sessions: new ProvisioningSessions({ lifetimeMs: 600_000, maxSessions: 100, maxPerUser: 5 }, systemClock),
    log: silentLogger(),
  });
}

async function refusal(promise: Promise<unknown>): Promise<ProvisionError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof ProvisionError) return err;
    throw err;
  }
  assert.fail("the exchange succeeded");
}

describe("a widget signs its Matrix user in to the provisioning API with an OpenID token", () => {
  let user: TestUser;
  let openId: OpenIdToken;

  before(async () => {
    user = await registerUser(uniqueName("oidwidget"));
    openId = await requestOpenIdToken(user);
  });

  it("the homeserver's token, checked with the homeserver, opens a session whose user is that very user", async () => {
    assert.equal(openId.matrix_server_name, testenv.domain);
    const exchange = bridgeExchange({ [testenv.domain]: testenv.synapseUrl });

    const t0 = Date.now();
    const session = await exchange.exchange({ matrixServer: openId.matrix_server_name, openIdToken: openId.access_token });
    const ms = Date.now() - t0;

    assert.equal(session.userId, user.userId);
    assert.equal(exchange.userOf(session.token), user.userId);
    assert.equal(exchange.userOf(`${session.token}x`), undefined);
    console.log(`# exchange against Synapse took ${ms} ms`);
  });

  it("a token the homeserver never issued is refused (401), after the genuine one was accepted", async () => {
    const exchange = bridgeExchange({ [testenv.domain]: testenv.synapseUrl });
    const genuine = await exchange.exchange({ matrixServer: testenv.domain, openIdToken: openId.access_token });
    assert.equal(genuine.userId, user.userId, "positive control: Synapse answers the userinfo request");

    const err = await refusal(exchange.exchange({ matrixServer: testenv.domain, openIdToken: `${openId.access_token}forged` }));
    assert.deepEqual([err.status, err.errcode], [401, "M_AS_BAD_OPENID"]);
  });

  it("a server vouching for a user of another server is refused (CVE-2023-38691)", async () => {
    // evil.example is answered by the test Synapse, whose users are @…:localhost.
    const exchange = bridgeExchange({ "evil.example": testenv.synapseUrl, [testenv.domain]: testenv.synapseUrl });
    const err = await refusal(exchange.exchange({ matrixServer: "evil.example", openIdToken: openId.access_token }));
    assert.deepEqual([err.status, err.errcode], [403, "M_AS_BAD_OPENID"]);
    assert.match(err.message, /only vouch for its own users/);
  });

  it("without an override, a server on a loopback address is never asked", async () => {
    const exchange = bridgeExchange({});
    const err = await refusal(exchange.exchange({ matrixServer: testenv.domain, openIdToken: openId.access_token }));
    assert.deepEqual([err.status, err.errcode], [403, "M_AS_BAD_OPENID"]);
    assert.match(err.message, /may not contact/);
  });
});
