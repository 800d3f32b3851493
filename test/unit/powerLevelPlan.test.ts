import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Json } from "../../src/matrix/matrixApi";
import { planPowerLevels, type Grants } from "../../src/rooms/powerLevelPlan";

const BOT = "@bot:x";
const room = (users: Record<string, number>, extra: Json = {}): Json => ({ users: { [BOT]: 100, ...users }, users_default: 0, events_default: 0, ...extra });
const none: Grants = { users: {}, eventsDefault: undefined };
const wish = (users: [string, number | undefined][], moderated?: { on: boolean; level: number }) => ({ users: new Map(users), moderated });

describe("power-level diff: IRC prefix modes merged into m.room.power_levels", () => {
  it("raises a user to the mapped level and remembers the grant", () => {
    const plan = planPowerLevels(room({}), wish([["@a:x", 50]]), none, BOT);
    assert.deepEqual(plan.content, room({ "@a:x": 50 }));
    assert.deepEqual(plan.grants.users, { "@a:x": 50 });
  });

  it("lowers back to the room default only a level the bridge set (the entry goes)", () => {
    const plan = planPowerLevels(room({ "@a:x": 50 }), wish([["@a:x", undefined]]), { users: { "@a:x": 50 }, eventsDefault: undefined }, BOT);
    assert.deepEqual(plan.content, room({}));
    assert.deepEqual(plan.grants.users, {});
  });

  it("lowers to the next mapped level the nick still has (q gone, o kept)", () => {
    const plan = planPowerLevels(room({ "@a:x": 90 }), wish([["@a:x", 50]]), { users: { "@a:x": 90 }, eventsDefault: undefined }, BOT);
    assert.deepEqual(plan.content, room({ "@a:x": 50 }));
    assert.deepEqual(plan.grants.users, { "@a:x": 50 });
  });

  it("never lowers a level a moderator set by hand above the mapped one", () => {
    const handSet = planPowerLevels(room({ "@a:x": 75 }), wish([["@a:x", 50]]), none, BOT);
    assert.equal(handSet.content, undefined, "nothing to write");
    assert.deepEqual(handSet.grants.users, {}, "and nothing claimed");
    const deop = planPowerLevels(room({ "@a:x": 75 }), wish([["@a:x", undefined]]), none, BOT);
    assert.equal(deop.content, undefined);
  });

  it("a grant a moderator changed afterwards (up or down) is theirs: left alone and forgotten", () => {
    for (const now of [60, 20]) {
      const plan = planPowerLevels(room({ "@a:x": now }), wish([["@a:x", undefined]]), { users: { "@a:x": 50 }, eventsDefault: undefined }, BOT);
      assert.equal(plan.content, undefined, `level ${now}`);
      assert.deepEqual(plan.grants.users, {});
    }
  });

  it("a level equal to the mapped one that the bridge did not set is not claimed (a later -o keeps it)", () => {
    const op = planPowerLevels(room({ "@a:x": 50 }), wish([["@a:x", 50]]), none, BOT);
    assert.equal(op.content, undefined);
    const deop = planPowerLevels(room({ "@a:x": 50 }), wish([["@a:x", undefined]]), op.grants, BOT);
    assert.equal(deop.content, undefined);
  });

  it("never touches the bot, and gives nobody more than the bot has", () => {
    const plan = planPowerLevels(room({ [BOT]: 60 }), wish([[BOT, undefined], ["@a:x", 90]]), none, BOT);
    assert.deepEqual(plan.content, room({ [BOT]: 60, "@a:x": 60 }));
  });

  it("keeps the rest of the content (other users, events) as it was", () => {
    const content = room({ "@mod:x": 50 }, { events: { "m.room.name": 50 }, ban: 50 });
    const plan = planPowerLevels(content, wish([["@a:x", 1]]), none, BOT);
    assert.deepEqual(plan.content, { ...content, users: { [BOT]: 100, "@mod:x": 50, "@a:x": 1 } });
  });

  it("+m raises events_default to the voice level and -m puts back what it was", () => {
    const on = planPowerLevels(room({}, { events_default: 0 }), wish([], { on: true, level: 1 }), none, BOT);
    assert.equal(on.content?.events_default, 1);
    assert.deepEqual(on.grants.eventsDefault, { set: 1, before: 0 });
    const off = planPowerLevels(room({}, { events_default: 1 }), wish([], { on: false, level: 1 }), on.grants, BOT);
    assert.equal(off.content?.events_default, 0);
    assert.equal(off.grants.eventsDefault, undefined);
  });

  it("+m on a room already at or above the level changes nothing; -m then leaves it too", () => {
    const on = planPowerLevels(room({}, { events_default: 5 }), wish([], { on: true, level: 1 }), none, BOT);
    assert.equal(on.content, undefined);
    const off = planPowerLevels(room({}, { events_default: 5 }), wish([], { on: false, level: 1 }), on.grants, BOT);
    assert.equal(off.content, undefined);
  });

  it("-m after a moderator changed events_default leaves their value", () => {
    const off = planPowerLevels(room({}, { events_default: 20 }), wish([], { on: false, level: 1 }), { users: {}, eventsDefault: { set: 1, before: 0 } }, BOT);
    assert.equal(off.content, undefined);
    assert.equal(off.grants.eventsDefault, undefined);
  });

  it("many users and +m at once make one content", () => {
    const users: [string, number][] = Array.from({ length: 30 }, (_, i) => [`@u${i}:x`, 50]);
    const plan = planPowerLevels(room({}), wish(users, { on: true, level: 1 }), none, BOT);
    const written = plan.content?.users;
    assert.ok(typeof written === "object" && written !== null);
    assert.equal(Object.keys(written).length, 31);
    assert.equal(plan.content?.events_default, 1);
  });
});
