import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { bridgedRooms } from "../../src/compose/bridgedRooms";
import { bridgeInfoContent } from "../../src/rooms/bridgeInfo";
import { AccessRecords } from "../../src/rooms/accessRecords";
import { PowerLevelSync } from "../../src/rooms/powerLevelSync";
import { RoomAccess } from "../../src/rooms/roomAccess";
import { RoomIndex } from "../../src/rooms/roomIndex";
import { RoomQueues } from "../../src/rooms/roomQueues";
import { openNedbStore } from "../../src/store/nedbStore";
import { FakeClock } from "../support/fakeClock";
import { FakeMatrixApi } from "../support/fakeMatrixApi";
import { fakeNetwork } from "../support/fakeNetwork";
import { silentLogger } from "../support/silentLogger";

const BOT = "@ircbot:example.org";
const MAPPED = "!mapped:example.org";
const KEY = "ircbridge/testnet/#chan";

async function scene() {
  const network = fakeNetwork();
  const store = await openNedbStore(undefined);
  const rooms = new RoomIndex(store.rooms);
  await rooms.add({ roomId: MAPPED, network: network.id, channel: "#chan", folded: "#chan", origin: "mapped" });
  const api = new FakeMatrixApi();
  const clock = new FakeClock();
  const log = silentLogger();
  const queues = new RoomQueues({ onGiveUp: () => undefined, onRetry: () => undefined }, clock);
  const records = new AccessRecords(store.roomAccess, log);
  const access = new RoomAccess({ api, queues, records, powerLevels: new PowerLevelSync({ api, queues, records, botUserId: BOT, clock, log }), botUserId: BOT });
  const admins = new Map<string, string>();
  const notices: string[] = [];
  const built = bridgedRooms({
    bridgeId: "ircbridge",
    botUserId: BOT,
    api,
    rooms,
    queues,
    access,
    bans: store.bans,
    bridges: [{ network, roomAdded: () => undefined }],
    adminRooms: {
      userOf: (roomId) => [...admins].find(([, room]) => room === roomId)?.[0],
      adopt: (roomId, userId) => {
        api.calls.push(`adopt ${roomId} ${userId}`);
        if (roomId !== "!locked:example.org") admins.set(userId, roomId);
        return Promise.resolve();
      },
    },
    isPrivateRoom: () => false,
    notice: (roomId, text) => notices.push(`${roomId} ${text}`),
    log,
  });
  const content = bridgeInfoContent({ bridgeId: "ircbridge", botUserId: BOT, network: { id: network.id, name: network.name }, channel: "#chan" });
  return { ...built, api, queues, content, admins, notices };
}

describe("the bot in rooms it did not create", () => {
  it("a static mapping's room gets its bridge-info state once the bot is in, and a restart writes nothing new when it is there", async () => {
    const { acceptInvite, api, queues, content } = await scene();
    acceptInvite("!unbridged:example.org");
    acceptInvite(MAPPED);
    await queues.idle();
    assert.deepEqual(api.calls.filter((c) => c.startsWith("join") || c.startsWith("setState")), [
      `join ${MAPPED} ${BOT}`,
      `setState ${MAPPED} ${BOT} m.bridge ${KEY} ${JSON.stringify(content)}`,
      `setState ${MAPPED} ${BOT} uk.half-shot.bridge ${KEY} ${JSON.stringify(content)}`,
    ]);
    const written = api.calls.length;
    acceptInvite(MAPPED);
    await queues.idle();
    assert.deepEqual(api.calls.slice(written).filter((c) => c.startsWith("join") || c.startsWith("setState")), [`join ${MAPPED} ${BOT}`], "already there with the same content: not written again");
    api.given(MAPPED, "m.bridge", { ...content, bridgebot: "@someoneelse:example.org" }, KEY);
    acceptInvite(MAPPED);
    await queues.idle();
    assert.equal(api.calls.filter((c) => c.startsWith(`setState ${MAPPED} ${BOT} m.bridge`)).length, 2, "different content: written again");
  });

  it("an upgraded admin room: the bot follows its owner; when it cannot join, the old room is told and an invite completes it", async () => {
    const { upgrades, admins, notices } = await scene();
    upgrades.followAdminRoom("!admin:example.org", "!admin2:example.org", "@alice:example.org");
    await new Promise((r) => setImmediate(r));
    assert.equal(admins.get("@alice:example.org"), "!admin2:example.org");
    upgrades.followAdminRoom("!admin2:example.org", "!locked:example.org", "@alice:example.org");
    await new Promise((r) => setImmediate(r));
    assert.equal(admins.get("@alice:example.org"), "!admin2:example.org", "the old admin room stays while the bot cannot join");
    assert.match(notices[0] ?? "", /^!admin2:example\.org .*Invite me/);
    assert.equal(upgrades.invited("!somewhere:example.org"), false);
    assert.equal(upgrades.invited("!locked:example.org"), true, "the bot's invite to the new room is awaited, and tries again");
    assert.deepEqual(admins.size, 1);
  });
});
