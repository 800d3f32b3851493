/**
 * Foundation stories, against the real Synapse of the test environment:
 * - the registration generated from the committed sample config is accepted by Synapse, and the
 *   bridge started with it is reached by the homeserver (appservice ping);
 * - real transactions arrive, a wrong hs_token gets 403 and changes nothing;
 * - a broken config stops the bridge before it does anything, naming the key, with exit code 3.
 */
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import yaml from "js-yaml";
import { BridgeProcess } from "./support/bridgeProcess";
import { sampleBasedConfig, writeConfig } from "../../scripts/lib/localConfig";
import { csApi, eventually, registerUser, uniqueName } from "./support/matrixClient";
import { bridges, testenv } from "../../scripts/lib/testenv";

interface Reg {
  id: string;
  as_token: string;
  hs_token: string;
  sender_localpart: string;
}

const registrationPath = join(testenv.appserviceDir, bridges.sample.registrationFile);

async function metric(name: string, labels = ""): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${bridges.sample.metricsPort}/metrics`)).text();
  const line = text.split("\n").find((l) => l.startsWith(`${name}${labels ? `{${labels}}` : ""} `));
  return line === undefined ? 0 : Number(line.split(" ").pop());
}

describe("foundation: the bridge and the real homeserver", () => {
  const reg = yaml.load(readFileSync(registrationPath, "utf8")) as Reg;
  const config = sampleBasedConfig();
  let bridge: BridgeProcess;

  before(async () => {
    bridge = new BridgeProcess(["-c", config.path, "-f", registrationPath, "-p", String(bridges.sample.port)]);
    await bridge.waitForLine(/application service listening/);
  });

  after(async () => {
    await bridge.stop();
    rmSync(config.dir, { recursive: true, force: true });
  });

  it("a bridge that starts opens its datastore (the control for 'nothing started' on a broken config)", () => {
    assert.ok(readdirSync(join(config.dir, "data")).length > 0, "the datastore's files exist");
  });

  it("is reached by the homeserver: the bridge's own start-up check and Synapse's appservice ping succeed", async () => {
    await bridge.waitForLine(/homeserver reached the bridge/, 30000);
    const ping = await csApi<{ duration_ms: number }>("POST", `/_matrix/client/v1/appservice/${reg.id}/ping`, reg.as_token, { transaction_id: uniqueName("ping") });
    assert.equal(ping.status, 200, JSON.stringify(ping.body));
    assert.equal(typeof ping.body.duration_ms, "number");
    const health = await fetch(`http://127.0.0.1:${bridges.sample.port}/health`);
    assert.equal(health.status, 200);
    assert.deepEqual(await health.json(), { status: "ok" }, "without the hs_token: the status and nothing more");
    const detailed = await fetch(`http://127.0.0.1:${bridges.sample.port}/health`, { headers: { Authorization: `Bearer ${reg.hs_token}` } });
    const body = (await detailed.json()) as { status: string; reasons: string[]; details: Record<string, number> };
    assert.equal(body.status, "ok");
    assert.deepEqual(body.reasons, []);
    assert.equal(typeof body.details.roomQueue, "number", "the hs_token holder sees the queue depths");
  });

  it("registered its bot user on the homeserver", async () => {
    const botId = `@${reg.sender_localpart}:${testenv.domain}`;
    const whoami = await csApi<{ user_id: string }>("GET", "/_matrix/client/v3/account/whoami", reg.as_token);
    assert.equal(whoami.body.user_id, botId);
    const profile = await csApi("GET", `/_matrix/client/v3/profile/${encodeURIComponent(botId)}`, reg.as_token);
    assert.equal(profile.status, 200, "the bot user exists");
  });

  it("receives real transactions from the homeserver", async () => {
    const before = await metric("ircbridge_as_transactions_total", 'outcome="processed"');
    const alice = await registerUser(uniqueName("alice"));
    const room = await csApi<{ room_id: string }>("POST", "/_matrix/client/v3/createRoom", alice.token, { preset: "private_chat" });
    assert.equal(room.status, 200);
    const invite = await csApi("POST", `/_matrix/client/v3/rooms/${encodeURIComponent(room.body.room_id)}/invite`, alice.token, {
      user_id: `@${reg.sender_localpart}:${testenv.domain}`,
    });
    assert.equal(invite.status, 200);
    await eventually(async () => (await metric("ircbridge_as_transactions_total", 'outcome="processed"')) > before, 20000, "a transaction");
  });

  it("refuses a wrong hs_token with 403 and changes nothing", async () => {
    const txnId = uniqueName("forged");
    const body = JSON.stringify({ events: [{ type: "m.room.message", room_id: "!x:localhost", sender: "@mallory:localhost", event_id: "$forged", content: { msgtype: "m.text", body: "QUIT" } }] });
    const url = `http://127.0.0.1:${bridges.sample.port}/_matrix/app/v1/transactions/${txnId}`;
    // Synapse may send real transactions meanwhile (the previous story's join, receipts): counts are compared by txnId outcome, not in total.
    const processed = await metric("ircbridge_as_transactions_total", 'outcome="processed"');
    const duplicates = await metric("ircbridge_as_transactions_total", 'outcome="duplicate"');
    const forged = await fetch(url, { method: "PUT", headers: { Authorization: "Bearer wrong-token", "Content-Type": "application/json" }, body });
    assert.equal(forged.status, 403);
    assert.equal(((await forged.json()) as { errcode: string }).errcode, "M_FORBIDDEN");
    const alsoForged = await fetch(`${url}?access_token=${reg.as_token}`, { method: "PUT", headers: { "Content-Type": "application/json" }, body });
    assert.equal(alsoForged.status, 403, "the as_token is not the hs_token");
    assert.equal(await metric("ircbridge_as_rejected_requests_total", 'reason="wrong"'), 2);
    const genuine = await fetch(url, { method: "PUT", headers: { Authorization: `Bearer ${reg.hs_token}`, "Content-Type": "application/json" }, body });
    assert.equal(genuine.status, 200);
    assert.ok((await metric("ircbridge_as_transactions_total", 'outcome="processed"')) >= processed + 1, "the genuine transaction was processed");
    assert.equal(await metric("ircbridge_as_transactions_total", 'outcome="duplicate"'), duplicates, "not as a duplicate: the forged attempts were not processed and did not burn its txnId");
  });
});

describe("foundation: a broken config stops the bridge with a clear error", () => {
  const base = sampleBasedConfig();
  after(() => rmSync(base.dir, { recursive: true, force: true }));
  const cases: [string, (text: string) => string, RegExp][] = [
    ["wrong type", (t) => t.replace(/^(\s+port:) \d+$/m, "$1 high"), /bridge\.port: expected an integer from 1 to 65535, got "high"/],
    ["unknown key", (t) => t + "extraKey: 1\n", /extraKey: unknown key/],
    ["missing required key", (t) => t.replace(/^\s+domain: .*$/m, ""), /homeserver\.domain: missing required key/],
  ];
  for (const [name, edit, message] of cases) {
    it(`${name}: exit code 3, the key path in the message, nothing started`, async () => {
      const path = writeConfig(base.dir, `${name.replace(/ /g, "-")}.yaml`, edit(readFileSync(base.path, "utf8")));
      const run = new BridgeProcess(["-c", path, "-f", registrationPath, "-p", "29199"]);
      assert.equal(await run.exitCode(), 3);
      const output = run.lines.join("\n");
      assert.match(output, message);
      assert.doesNotMatch(output, /listening/);
      await assert.rejects(fetch("http://127.0.0.1:29199/health"));
      // What a start leaves behind even when it is brief: the datastore (see the control above).
      assert.equal(existsSync(join(base.dir, "data")), false, "no datastore was opened");
    });
  }
  it("a missing registration file: exit code 3, told to generate one", async () => {
    const run = new BridgeProcess(["-c", base.path, "-f", join(base.dir, "nope.yaml")]);
    assert.equal(await run.exitCode(), 3);
    assert.match(run.lines.join("\n"), /nope\.yaml[\s\S]*write one with -r/);
  });
});
