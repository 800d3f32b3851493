import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { modeChange, modeChanges, modeParams } from "../../src/rooms/modeChanges";
import { levelOf, parsePowerLevels, PowerLevelCache } from "../../src/rooms/powerLevels";

const LEVELS = { o: 50, v: 1 };

describe("power levels -> IRC modes (the diff)", () => {
  const table: [number, number, string, string][] = [
    // before, after, add, remove
    [0, 50, "o", ""],
    [0, 1, "v", ""],
    [1, 50, "o", ""],
    [50, 100, "", ""],
    [50, 1, "v", "o"],
    [50, 0, "", "ov"],
    [1, 0, "", "v"],
    [0, 0, "", ""],
    [10, 20, "", ""],
    [100, 49, "v", "o"],
  ];
  for (const [before, after, add, remove] of table) {
    it(`${before} -> ${after}: +${add || "nothing"} -${remove || "nothing"}`, () => {
      assert.deepEqual(modeChange(before, after, LEVELS), { add, remove });
    });
  }

  it("compares effective levels (users_default counts for users without an entry) and lists only users who move", () => {
    const before = parsePowerLevels({ users: { "@mod:x": 100, "@a:x": 0 }, users_default: 0 });
    const after = parsePowerLevels({ users: { "@mod:x": 100, "@a:x": 50 }, users_default: 1 });
    const users = [
      { userId: "@mod:x", nick: "mod" },
      { userId: "@a:x", nick: "a" },
      { userId: "@b:x", nick: "b" },
    ];
    assert.deepEqual(modeChanges(before, after, users, LEVELS), [
      { userId: "@a:x", nick: "a", add: "o", remove: "" },
      { userId: "@b:x", nick: "b", add: "v", remove: "" },
    ]);
  });

  it("MODE parameters: removals first, the nick once per letter", () => {
    assert.deepEqual(modeParams({ nick: "bob", add: "v", remove: "o" }), { modes: "-o+v", args: ["bob", "bob"] });
    assert.deepEqual(modeParams({ nick: "bob", add: "o", remove: "" }), { modes: "+o", args: ["bob"] });
  });

  it("reads levels as the homeserver does: integers or numeric strings, anything else absent", () => {
    const levels = parsePowerLevels({ users: { "@a:x": "50", "@b:x": "lots", "@c:x": 1.5 }, users_default: "5" });
    assert.equal(levelOf(levels, "@a:x"), 50);
    assert.equal(levelOf(levels, "@b:x"), 5);
    assert.equal(levelOf(levels, "@c:x"), 5);
    assert.equal(levelOf(parsePowerLevels(undefined), "@a:x"), 0);
  });
});

describe("PowerLevelCache", () => {
  it("reads a room once, then follows events; concurrent reads share one request", async () => {
    const reads: string[] = [];
    const cache = new PowerLevelCache((roomId) => {
      reads.push(roomId);
      return Promise.resolve({ users: { "@mod:x": 50 } });
    });
    const [a, b] = await Promise.all([cache.levelOf("!r", "@mod:x"), cache.levelOf("!r", "@mod:x")]);
    assert.deepEqual([a, b, reads.length], [50, 50, 1]);
    cache.update("!r", { users: { "@mod:x": 10 } });
    assert.equal(await cache.levelOf("!r", "@mod:x"), 10);
    assert.equal(reads.length, 1);
  });

  it("a read that started before an event never overwrites it; a failed read is not cached", async () => {
    let answer: (content: unknown) => void = () => undefined;
    let fail = true;
    const cache = new PowerLevelCache(() => {
      if (fail) return Promise.reject(new Error("homeserver down"));
      return new Promise((resolve) => (answer = resolve));
    });
    await assert.rejects(cache.levelOf("!r", "@mod:x"), /homeserver down/);
    fail = false;
    const reading = cache.levelOf("!r", "@mod:x");
    const before = cache.update("!r", { users: { "@mod:x": 100 } });
    assert.equal(before, undefined, "nothing was known before the event");
    answer({ users: { "@mod:x": 0 } });
    assert.equal(await reading, 100, "the event is newer than what the read brought");
    assert.equal(await cache.levelOf("!r", "@mod:x"), 100);
  });
});
