import assert from "node:assert/strict";
import { describe, it } from "node:test";
import yaml from "js-yaml";
import { parseConfig } from "../../src/config/load";
import { buildRegistration, parseRegistration, renderRegistration } from "../../src/matrix/registration";

const config = parseConfig(
  `
homeserver: { url: "http://hs:8008", domain: example.org }
bridge: { id: ircb, botLocalpart: ircbot }
ircNetworks:
  - id: libera
    name: Libera
    address: irc.libera.example
    ghostTemplate: "libera_{nick}"
    aliasTemplate: "libera_{channel}"
    mappings:
      "#one": { roomIds: ["!aaa:example.org", "!bbb:example.org"] }
  - id: oftc
    name: OFTC
    address: irc.oftc.example
    ghostTemplate: "oftc_{nick}"
    aliasTemplate: "oftc_{channel}"
    mappings:
      "#two": { roomIds: ["!aaa:example.org"] }
`,
  "test",
);

describe("registration", () => {
  const reg = buildRegistration(config, "http://bridge:9995");

  it("claims ghosts and portal aliases exclusively, per network", () => {
    assert.deepEqual(reg.namespaces.users, [
      { exclusive: true, regex: "^@libera_[a-z0-9._=\\-/]+:example\\.org$" },
      { exclusive: true, regex: "^@oftc_[a-z0-9._=\\-/]+:example\\.org$" },
    ]);
    assert.deepEqual(reg.namespaces.aliases.map((a) => a.exclusive), [true, true]);
    assert.ok(new RegExp(reg.namespaces.aliases[0]?.regex ?? "").test("#libera_#chan:example.org"));
  });

  it("claims mapped room ids non-exclusively, once each", () => {
    assert.deepEqual(reg.namespaces.rooms, [
      { exclusive: false, regex: "^!aaa:example\\.org$" },
      { exclusive: false, regex: "^!bbb:example\\.org$" },
    ]);
  });

  it("is not rate limited, asks for ephemeral events and names the irc protocol", () => {
    assert.equal(reg.rate_limited, false);
    assert.equal(reg.receive_ephemeral, true);
    assert.equal(reg["de.sorunome.msc2409.push_ephemeral"], true);
    assert.deepEqual(reg.protocols, ["irc"]);
    assert.equal(reg.id, "ircb");
    assert.equal(reg.sender_localpart, "ircbot");
    assert.equal(reg.url, "http://bridge:9995");
  });

  it("makes new random tokens each time, distinct from each other", () => {
    const again = buildRegistration(config, "http://bridge:9995");
    assert.match(reg.as_token, /^[0-9a-f]{64}$/);
    assert.notEqual(reg.as_token, reg.hs_token);
    assert.notEqual(reg.as_token, again.as_token);
    assert.notEqual(reg.hs_token, again.hs_token);
  });

  it("renders YAML that reads back the same", () => {
    const text = renderRegistration(reg);
    assert.deepEqual(yaml.load(text), JSON.parse(JSON.stringify(reg)));
    assert.equal(parseRegistration(text, "r").hs_token, reg.hs_token);
    assert.throws(() => parseRegistration("id: x\n", "r.yaml"), /r\.yaml[\s\S]*url/);
  });
});
