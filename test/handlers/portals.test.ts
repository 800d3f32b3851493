import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Portals } from "../../src/rooms/portals";
import { RoomIndex } from "../../src/rooms/roomIndex";
import { openNedbStore } from "../../src/store/nedbStore";
import type { RoomRecord } from "../../src/store/store";
import { FakeMatrixApi } from "../support/fakeMatrixApi";
import { fakeNetwork } from "../support/fakeNetwork";
import { silentLogger } from "../support/silentLogger";

const BOT = "@ircbot:example.org";

describe("portal rooms", () => {
  it("are created unlisted (a secret channel must never reach the room directory) and reported to the bridge", async () => {
    const network = fakeNetwork();
    const rooms = new RoomIndex((await openNedbStore(undefined)).rooms);
    const api = new FakeMatrixApi();
    const created: RoomRecord[] = [];
    const portals = new Portals([network], rooms, api, BOT, silentLogger(), (room) => created.push(room));
    assert.equal(await portals.onAliasQuery("#irc_#Secret:example.org"), true);
    assert.equal(api.created[0]?.visibility, "private");
    assert.deepEqual(created, [{ roomId: "!created1:example.org", network: network.id, channel: "#Secret", folded: "#secret", origin: "portal" }]);
    assert.deepEqual(rooms.roomsFor(network.id, "#secret").map((r) => r.roomId), ["!created1:example.org"]);
  });
});
