import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseConfig } from "../../src/config/load";
import { ConfigError } from "../../src/config/validate";
import { parseIrcLine } from "../../src/irc/ircLine";
import { DEFAULT_PREFIX, parsePrefix } from "../../src/irc/modes";
import { operatorsOf } from "../../src/provisioning/channelBot";
import { botNeeds, powerLevelsLevel, userLevel } from "../../src/provisioning/linkChecks";

const we = { me: "matrixbridge", same: (a: string, b: string) => a.toLowerCase() === b.toLowerCase() };
const line = (text: string) => parseIrcLine(text) ?? assert.fail(`not a line: ${text}`);

describe("the channel's operators from a NAMES answer", () => {
  const prefix = parsePrefix("(qaohv)~&@%+") ?? assert.fail("prefix");
  const cases: [string, string[], string[]][] = [
    ["plain", [":srv 353 matrixbridge = #chan :@Op +Voiced Plain"], ["Op"]],
    ["higher ranks count, half-ops do not", [":srv 353 matrixbridge = #chan :~Owner &Admin %Half @Op"], ["Owner", "Admin", "Op"]],
    ["multi-prefix and userhost-in-names", [":srv 353 matrixbridge = #chan :+@Op!op@host.example +v!v@h"], ["Op"]],
    ["another channel's lines are not this one's", [":srv 353 matrixbridge = #other :@Op", ":srv 353 matrixbridge @ #CHAN :@Them"], ["Them"]],
    ["none", [":srv 366 matrixbridge #chan :End of /NAMES list."], []],
  ];
  for (const [what, lines, ops] of cases) {
    it(what, () => assert.deepEqual(operatorsOf(lines.map(line), prefix, "#chan", we), ops));
  }
  it("a server announcing only @ and +", () => assert.deepEqual(operatorsOf([line(":s 353 me = #c :@a +b ~c")], DEFAULT_PREFIX, "#c", we), ["a"]));
});

describe("power levels a link needs", () => {
  it("reads the requester's level and the level to change power levels, with the spec's defaults", () => {
    assert.equal(userLevel({ users: { "@a:x": 50 }, users_default: 10 }, "@a:x"), 50);
    assert.equal(userLevel({ users_default: 10 }, "@b:x"), 10);
    assert.equal(userLevel({}, "@b:x"), 0);
    assert.equal(powerLevelsLevel({ events: { "m.room.power_levels": 100 }, state_default: 50 }), 100);
    assert.equal(powerLevelsLevel({ state_default: 40 }), 40);
    assert.equal(powerLevelsLevel({}), 50);
    assert.equal(botNeeds({ events: { "m.room.power_levels": 50 }, kick: 75 }), 75);
  });
});

describe("provisioning config", () => {
  it("refuses enabled without a secret, naming provisioning.secret", () => {
    const text = `
homeserver: { url: "http://hs.example:8008", domain: example.org }
provisioning: { enabled: true }
ircNetworks:
  - { id: libera, name: Libera, address: irc.libera.example }
`;
    try {
      parseConfig(text, "test.yaml");
      assert.fail("accepted");
    } catch (err) {
      assert.ok(err instanceof ConfigError);
      assert.deepEqual(err.problems.map((p) => p.path), ["provisioning.secret"]);
    }
    assert.equal(parseConfig(text.replace("enabled: true", "enabled: true, secret: s"), "t.yaml").provisioning.secret, "s");
  });
});
