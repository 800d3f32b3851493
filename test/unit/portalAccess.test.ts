import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { modesShown } from "../../src/irc/channelRequests";
import { parseIrcLine, type IrcLine } from "../../src/irc/ircLine";
import { portalStart, type PortalReading } from "../../src/rooms/portalAccess";
import { PortalLimits } from "../../src/rooms/portalLimits";

const modes = (letters: string, member = false): PortalReading => ({ kind: "modes", modes: new Set(letters), member });
const line = (raw: string): IrcLine => {
  const parsed = parseIrcLine(raw);
  if (parsed === undefined) throw new Error(`not a line: ${raw}`);
  return parsed;
};
const unknown: PortalReading = { kind: "unknown", why: "timeout" };

describe("how a portal starts, from the channel's modes read before it exists", () => {
  const table: [string, PortalReading, "public" | "invite", "public" | "invite", "public" | undefined][] = [
    ["open channel, public configured", modes("nt"), "public", "public", undefined],
    ["open channel, invite configured", modes("nt"), "invite", "invite", undefined],
    ["+s only: not closed (the directory never lists a portal)", modes("nst"), "public", "public", undefined],
    ["+p only", modes("np"), "public", "public", undefined],
    ["+i", modes("int"), "public", "invite", "public"],
    ["+k", modes("knt"), "public", "invite", "public"],
    ["+sk", modes("Cknst"), "public", "invite", "public"],
    ["+i, invite configured: stays invite", modes("i"), "invite", "invite", undefined],
    ["unknown modes start closed", unknown, "public", "invite", "public"],
    ["unknown modes, invite configured", unknown, "invite", "invite", undefined],
  ];
  for (const [name, reading, configured, joinRule, opensTo] of table) {
    it(name, () => {
      const start = portalStart(reading, configured);
      assert.equal(start.joinRule, joinRule);
      assert.equal(start.opensTo, opensTo);
      assert.equal(start.closedBecause === undefined, joinRule === configured && opensTo === undefined && reading.kind === "modes" && !reading.modes.has("i") && !reading.modes.has("k"));
    });
  }

  it("reads the mode letters of RPL_CHANNELMODEIS, with or without parameters; no 324, no modes", () => {
    assert.deepEqual([...(modesShown([line(":ergo.test 324 me #c +Cint")]) ?? [])].sort(), ["C", "i", "n", "t"]);
    assert.deepEqual([...(modesShown([line(":insp1.test 324 me #c +knt :<key>")]) ?? [])].sort(), ["k", "n", "t"]);
    assert.equal(modesShown([line(":insp1.test 403 me #c :No such channel")]), undefined);
  });
});

describe("portal creation limits", () => {
  it("at most maxPerMinute in any minute, and none at max", () => {
    let now = 0;
    const limits = new PortalLimits({ perMinute: 2, max: 5 }, () => now);
    assert.equal(limits.take(0).ok, true);
    now = 30000;
    assert.equal(limits.take(1).ok, true);
    const third = limits.take(2);
    assert.ok(!third.ok && /portals\.maxPerMinute/.test(third.reason));
    now = 59999;
    assert.equal(limits.take(2).ok, false, "the first is still within the minute");
    now = 60000;
    assert.equal(limits.take(2).ok, true, "a minute after the first, its place is free");
    now = 1_000_000;
    const full = limits.take(5);
    assert.ok(!full.ok && /portals\.max\)/.test(full.reason));
  });
});
