import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Json } from "../../src/matrix/matrixApi";
import { planPowerLevels, type Grants } from "../../src/rooms/powerLevelPlan";

const BOT = "@bot:x";
const room = (users: Record<string, number>, extra: Json = {}): Json => ({ users: { [BOT]: 100, ...users }, users_default: 0, events_default: 0, ...extra });
const none: Grants = { users: {}, eventsDefault: undefined };
const granted = (users: Record<string, number>, eventsDefault?: Grants["eventsDefault"]): Grants => ({ users, eventsDefault });
const wish = (users: [string, number | undefined][], moderated?: { on: boolean; level: number }) => ({ users: new Map(users), moderated });

describe("power-level plan: what its guarantees promise beyond the happy path", () => {
  it("a user already at the level the bridge gave them: nothing is written and the grant is kept", () => {
    const plan = planPowerLevels(room({ "@a:x": 50 }), wish([["@a:x", 50]]), granted({ "@a:x": 50 }), BOT);
    assert.equal(plan.content, undefined, "no event for a level that is already right");
    assert.deepEqual(plan.grants.users, { "@a:x": 50 }, "the grant stays the bridge's, so a later -o can undo it");
    const deop = planPowerLevels(room({ "@a:x": 50 }), wish([["@a:x", undefined]]), plan.grants, BOT);
    assert.deepEqual(deop.content, room({}));
  });

  it("a grant a moderator raised by hand is forgotten even when the nick keeps its mode (no later lowering)", () => {
    const plan = planPowerLevels(room({ "@a:x": 75 }), wish([["@a:x", 50]]), granted({ "@a:x": 50 }), BOT);
    assert.equal(plan.content, undefined);
    assert.deepEqual(plan.grants.users, {}, "75 is the moderator's now");
  });

  it("a user whose level is the room default because a moderator changed users_default: the grant is forgotten, nothing written", () => {
    // The bridge gave @a 50; a moderator then removed @a's entry and raised users_default to 50.
    const content = { users: { [BOT]: 100 }, users_default: 50, events_default: 0 };
    const plan = planPowerLevels(content, wish([["@a:x", undefined]]), granted({ "@a:x": 50 }), BOT);
    assert.equal(plan.content, undefined);
    assert.deepEqual(plan.grants.users, {});
  });

  it("the bot's own entry is never touched, even when a remembered grant names it at its level", () => {
    const grants = granted({ [BOT]: 60 });
    const gone = planPowerLevels(room({ [BOT]: 60 }), wish([[BOT, undefined]]), grants, BOT);
    assert.equal(gone.content, undefined, "the bot is not removed from users");
    const lower = planPowerLevels(room({ [BOT]: 60 }), wish([[BOT, 10]]), grants, BOT);
    assert.equal(lower.content, undefined, "nor lowered");
    assert.deepEqual(lower.grants.users, { [BOT]: 60 }, "the entry is skipped altogether");
  });

  it("a plan with no +m/-m wish keeps the events_default grant (a later -m still puts the old value back)", () => {
    const grants = granted({}, { set: 1, before: 0 });
    const plan = planPowerLevels(room({}, { events_default: 1 }), wish([["@a:x", 50]]), grants, BOT);
    assert.deepEqual(plan.grants.eventsDefault, { set: 1, before: 0 });
    const off = planPowerLevels(room({}, { events_default: 1 }), wish([], { on: false, level: 1 }), plan.grants, BOT);
    assert.equal(off.content?.events_default, 0);
  });

  it("+m on a room exactly at the level writes nothing", () => {
    const on = planPowerLevels(room({}, { events_default: 1 }), wish([], { on: true, level: 1 }), none, BOT);
    assert.equal(on.content, undefined);
    assert.equal(on.grants.eventsDefault, undefined, "not the bridge's value: -m leaves it");
  });

  it("+m again after the bridge's own +m: nothing written, the grant kept, and -m still restores the first value", () => {
    const first = planPowerLevels(room({}, { events_default: 0 }), wish([], { on: true, level: 1 }), none, BOT);
    const again = planPowerLevels(room({}, { events_default: 1 }), wish([], { on: true, level: 1 }), first.grants, BOT);
    assert.equal(again.content, undefined);
    assert.deepEqual(again.grants.eventsDefault, { set: 1, before: 0 });
    const off = planPowerLevels(room({}, { events_default: 1 }), wish([], { on: false, level: 1 }), again.grants, BOT);
    assert.equal(off.content?.events_default, 0);
  });

  it("+m while a moderator's higher events_default is in place: the bridge's old grant is forgotten", () => {
    const on = planPowerLevels(room({}, { events_default: 5 }), wish([], { on: true, level: 1 }), granted({}, { set: 1, before: 0 }), BOT);
    assert.equal(on.content, undefined);
    assert.equal(on.grants.eventsDefault, undefined, "a later -m must leave the moderator's 5");
  });

  it("+m raising the bridge's own value further remembers the value from before the first +m", () => {
    const raised = planPowerLevels(room({}, { events_default: 1 }), wish([], { on: true, level: 5 }), granted({}, { set: 1, before: 0 }), BOT);
    assert.equal(raised.content?.events_default, 5);
    assert.deepEqual(raised.grants.eventsDefault, { set: 5, before: 0 });
  });
});
