import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { App } from "../../src/app";
import { renderExampleRegistration, renderSampleConfig } from "../../src/config/examples";
import { parseConfig } from "../../src/config/load";
import { configSchema } from "../../src/config/schema";
import { ConfigError } from "../../src/config/validate";
import { buildRegistration } from "../../src/matrix/registration";
import { schemaPaths, trackReads } from "../support/readTracker";

const root = join(__dirname, "..", "..", "..");
const minimal = `
homeserver: { url: "http://hs.example:8008", domain: example.org }
ircNetworks:
  - { id: libera, name: Libera, address: irc.libera.example }
`;

function problemsOf(text: string): { path: string; message: string }[] {
  try {
    parseConfig(text, "test.yaml");
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected ConfigError, got ${String(err)}`);
    return [...err.problems];
  }
  assert.fail("config was accepted");
}

describe("config sample", () => {
  it("config.sample.yaml is exactly what the schema generates (run `npm run config:sample`)", () => {
    assert.equal(readFileSync(join(root, "config.sample.yaml"), "utf8"), renderSampleConfig());
  });

  it("registration.yaml is exactly the example generated from the sample config", () => {
    assert.equal(readFileSync(join(root, "registration.yaml"), "utf8"), renderExampleRegistration());
  });

  it("the sample is a valid config", () => {
    const config = parseConfig(renderSampleConfig(), "sample");
    assert.equal(config.ircNetworks[0]?.nickTemplate, "{displayname}[m]");
  });

  it("documents every key with a comment", () => {
    const lines = renderSampleConfig().split("\n");
    lines.forEach((line, i) => {
      const isKey = /^\s*(- )?("[^"]+"|[A-Za-z]+):/.test(line) || /^\s*# [A-Za-z]+: /.test(line);
      if (!isKey) return;
      const above = lines[i - 1] ?? "";
      assert.match(above, /^\s*#/, `key on line ${i + 1} has no comment above it: ${line}`);
    });
  });
});

describe("config validation", () => {
  it("fills defaults", () => {
    const config = parseConfig(minimal, "m");
    assert.equal(config.bridge.port, 9995);
    const network = config.ircNetworks[0];
    assert.ok(network);
    assert.equal(network.port, 6697);
    assert.equal(network.sendPacing.burstLines, 4);
    assert.equal(config.datastore.path, undefined);
    assert.deepEqual(network.mappings, {});
    assert.deepEqual(network.privateMessages, { enabled: true, requireRegisteredSender: false, maxNewRoomsPerHour: 20 });
  });

  const cases: [string, string, string, RegExp][] = [
    ["wrong type", minimal + "bridge: { port: high }\n", "bridge.port", /expected an integer from 1 to 65535, got "high"/],
    ["out of range", minimal + "bridge: { port: 70000 }\n", "bridge.port", /integer from 1 to 65535/],
    ["unknown key", minimal + "bridgee: {}\n", "bridgee", /unknown key/],
    ["nested unknown key", minimal.replace("address:", "adress: x, address:"), "ircNetworks[0].adress", /unknown key/],
    ["missing required", `homeserver: { url: "http://x" }\nircNetworks: [{ id: a, name: A, address: h }]\n`, "homeserver.domain", /missing required key/],
    ["missing list", `homeserver: { url: "http://x", domain: d }\n`, "ircNetworks", /at least 1/],
    ["bad enum", minimal + "logging: { level: loud }\n", "logging.level", /one of "error", "warn", "info", "debug"/],
    ["bad url", minimal.replace("http://hs.example:8008", "hs.example"), "homeserver.url", /http/],
    ["template placeholder", minimal.replace("address:", "ghostTemplate: irc_, address:"), "ircNetworks[0].ghostTemplate", /\{nick\}/],
    ["upper-case ghost template", minimal.replace("address:", "ghostTemplate: 'IRC_{nick}', address:"), "ircNetworks[0].ghostTemplate", /lower-case/],
    ["bad mapping key", minimal.replace("address:", 'mappings: { "nochan": { roomIds: ["!a:b"] } }, address:'), "ircNetworks[0].mappings.nochan", /channel name/],
    ["bad room id", minimal.replace("address:", 'mappings: { "#c": { roomIds: ["a:b"] } }, address:'), 'ircNetworks[0].mappings["#c"].roomIds', /room id/],
    ["yaml syntax", "homeserver: [", "(file)", /not valid YAML \(line/],
    ["ping timeout not above interval", minimal.replace("address:", "connections: { pingIntervalSeconds: 30, pingTimeoutSeconds: 30 }, address:"), "ircNetworks[0].connections.pingTimeoutSeconds", /longer than pingIntervalSeconds/],
    ["reconnect delays reversed", minimal.replace("address:", "connections: { reconnectMinMs: 5000, reconnectMaxMs: 1000 }, address:"), "ircNetworks[0].connections.reconnectMinMs", /must not exceed/],
    ["private messages: bad rate", minimal.replace("address:", "privateMessages: { maxNewRoomsPerHour: -1 }, address:"), "ircNetworks[0].privateMessages.maxNewRoomsPerHour", /integer from 0/],
    ["private messages: not a boolean", minimal.replace("address:", "privateMessages: { requireRegisteredSender: maybe }, address:"), "ircNetworks[0].privateMessages.requireRegisteredSender", /true or false/],
    ["bad admin user id", minimal + "bridge: { admins: [alice] }\n", "bridge.admins", /Matrix user id/],
    ["raw command managed by the bridge", minimal.replace("address:", "rawCommands: { allowed: [MODE, join] }, address:"), "ircNetworks[0].rawCommands.allowed", /join is managed by the bridge/],
    ["raw command not a word", minimal.replace("address:", "rawCommands: { privileged: ['SA-JOIN'] }, address:"), "ircNetworks[0].rawCommands.privileged", /letters only/],
    ["service nick with a comma", minimal.replace("address:", "rawCommands: { serviceNicks: ['Nick,Serv'] }, address:"), "ircNetworks[0].rawCommands.serviceNicks", /must be a nick/],
    ["voice above op", minimal.replace("address:", "chanops: { levels: { o: 10, v: 20 } }, address:"), "ircNetworks[0].chanops.levels.v", /must not exceed levels.o/],
    ["top level not a mapping", "- 1\n", "(top level)", /expected a mapping/],
  ];
  for (const [name, text, path, message] of cases) {
    it(`names the key path: ${name}`, () => {
      const problems = problemsOf(text);
      const hit = problems.find((p) => p.path === path);
      assert.ok(hit, `no problem at ${path}; got ${JSON.stringify(problems)}`);
      assert.match(hit.message, message);
    });
  }

  it("reports every problem at once", () => {
    const problems = problemsOf(minimal + "bridge: { port: x, host: 1 }\nmetrics: { enabled: yes please }\n");
    assert.deepEqual(problems.map((p) => p.path).sort(), ["bridge.host", "bridge.port", "metrics.enabled"]);
  });

  it("refuses two networks whose namespaces overlap", () => {
    const text = `
homeserver: { url: "http://x", domain: d }
ircNetworks:
  - { id: a, name: A, address: h }
  - { id: b, name: B, address: h2 }
`;
    const paths = problemsOf(text).map((p) => p.path);
    assert.ok(paths.includes("ircNetworks[1].ghostTemplate"));
    assert.ok(paths.includes("ircNetworks[1].aliasTemplate"));
  });

  it("accepts two networks with their own templates", () => {
    const text = `
homeserver: { url: "http://x", domain: d }
ircNetworks:
  - { id: a, name: A, address: h, ghostTemplate: "a_{nick}", aliasTemplate: "a_{channel}" }
  - { id: b, name: B, address: h2, ghostTemplate: "b_{nick}", aliasTemplate: "b_{channel}" }
`;
    assert.equal(parseConfig(text, "t").ircNetworks.length, 2);
  });

  it("refuses a ghost template that can produce the bot's id", () => {
    const text = minimal + "bridge: { botLocalpart: irc_bot }\n";
    assert.ok(problemsOf(text).some((p) => p.path === "ircNetworks[0].ghostTemplate" && /bot/.test(p.message)));
  });
});

describe("every documented key is read by the code", () => {
  it("registration generation and the composition root together read every key of the sample", () => {
    const config = parseConfig(renderSampleConfig(), "sample");
    const reads = new Set<string>();
    const tracked = trackReads(config, configSchema, reads);
    const registration = buildRegistration(tracked, "http://localhost:9995");
    const app = new App({ config: tracked, registration });
    assert.ok(app.networks.length > 0);
    const unread = schemaPaths(configSchema).filter((p) => !reads.has(p));
    assert.deepEqual(unread, [], `keys documented but never read: ${unread.join(", ")}`);
  });
});
