import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { mayChangePowerLevels, type RoomAuthority } from "../../src/rooms/roomModerator";

const ALICE = "@alice:example.org";
const BOB = "@bob:example.org";
const v10 = { sender: ALICE, content: { room_version: "10" } };

describe("room moderators: who may change the room's power levels", () => {
  const cases: readonly [string, RoomAuthority, string, boolean][] = [
    ["level 100, needed 100", { powerLevels: { users: { [ALICE]: 100 }, events: { "m.room.power_levels": 100 } }, create: v10 }, ALICE, true],
    ["level 50, needed 100", { powerLevels: { users: { [BOB]: 50 }, events: { "m.room.power_levels": 100 } }, create: v10 }, BOB, false],
    ["no event entry: state_default", { powerLevels: { users: { [BOB]: 50 }, state_default: 50 }, create: v10 }, BOB, true],
    ["no event entry, no state_default: 50", { powerLevels: { users: { [BOB]: 49 } }, create: v10 }, BOB, false],
    ["users_default counts", { powerLevels: { users_default: 60 }, create: v10 }, BOB, true],
    ["a level written as a string (old rooms)", { powerLevels: { users: { [BOB]: "100" }, events: { "m.room.power_levels": "100" } }, create: v10 }, BOB, true],
    ["no power levels: the creator", { powerLevels: undefined, create: v10 }, ALICE, true],
    ["no power levels: not the creator", { powerLevels: undefined, create: v10 }, BOB, false],
    ["v10 creator without a level", { powerLevels: { users: {} }, create: v10 }, ALICE, false],
    ["v12 creator stands above the levels", { powerLevels: { users: {} }, create: { sender: ALICE, content: { room_version: "12" } } }, ALICE, true],
    ["v12 additional creator", { powerLevels: { users: {} }, create: { sender: ALICE, content: { room_version: "12", additional_creators: [BOB] } } }, BOB, true],
  ];
  for (const [what, room, userId, expected] of cases) {
    it(what, () => {
      assert.equal(mayChangePowerLevels(room, userId), expected);
    });
  }
});
