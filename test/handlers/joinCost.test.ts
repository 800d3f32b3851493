/**
 * What one Matrix join costs the homeserver (issue 14: no cost nobody asked for). A Matrix user joins
 * a portal room of a channel the bridge is already in; the transaction goes through the Matrix
 * router to the real NetworkBridge, whose connection registers on a fake IRC server and JOINs; the
 * admin notices go through the real AdminNotifier and AdminRooms. Every homeserver request made from
 * the join event until the bridge has settled is counted (test/support/countRequests.ts).
 * The README's "Cost of a Matrix join" states the count; a request added to this path fails here.
 */
import { networkRuntimes } from "../../src/compose/networkRuntimes";
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { AdminNotifier } from "../../src/admin/notifier";
import { AdminRooms } from "../../src/admin/adminRooms";
import type { MatrixContext } from "../../src/fromMatrix/context";
import { routeMatrixEvent } from "../../src/fromMatrix/router";
import { systemClock } from "../../src/irc/pacedQueue";
import type { MatrixEvent } from "../../src/matrix/events";
import { BOT, channelScene } from "../support/channelScene";
import { countRequests } from "../support/countRequests";
import { FakeIrcServer } from "../support/fakeIrcServer";
import { silentLogger } from "../support/silentLogger";
import { testNetworkBridge, testNetworkContext } from "../support/testNetworkBridge";

const PORTAL = "!portal:example.org";
const FIRST = "@first:example.org";
const ALICE = "@alice:example.org";

let ids = 0;
const joinEvent = (userId: string, displayname: string): MatrixEvent => ({
  type: "m.room.member",
  room_id: PORTAL,
  sender: userId,
  state_key: userId,
  event_id: `$join${++ids}`,
  content: { membership: "join", displayname },
});

/** Requests made by one Matrix join (after a first user brought the bridge into the channel), and the lines IRC got. */
async function oneJoin(extra = ""): Promise<{ requests: string[]; joined: boolean }> {
  const server = new FakeIrcServer([]);
  const port = await server.listen();
  server.onLine = (line, send, socket) => {
    const nick = server.nicks.get(socket) ?? "?";
    if (/^JOIN #chan/.test(line)) {
      send(`:${nick}!u@h JOIN #chan`);
      send(`:srv 353 ${nick} = #chan :${nick} bob`);
      send(`:srv 366 ${nick} #chan :End of /NAMES list.`);
    }
  };
  // chanops.batchMs 0: power levels are settled as soon as they are asked for, within the wait below.
  const network = testNetworkContext(port, `, chanops: { batchMs: 0 }${extra}`);
  const s = await channelScene({ rooms: [{ roomId: PORTAL, channel: "#chan", folded: "#chan", origin: "portal" }] });
  const notices: { notify(userId: string, text: string): void } = { notify: () => undefined };
  const { bridge, queues } = testNetworkBridge({ network, store: s.store, api: s.api, botUserId: BOT, rooms: s.rooms, notify: (userId, text) => notices.notify(userId, text) });
  const adminRooms = new AdminRooms({ api: s.api, botUserId: BOT, store: s.store.adminRooms, networks: [], log: silentLogger() });
  const notifier = new AdminNotifier({ rooms: adminRooms, api: s.api, botUserId: BOT, enqueue: (key, op) => queues.enqueue(key, op), clock: systemClock, log: silentLogger() });
  notices.notify = (userId, text) => notifier.notify(userId, text);
  const ctx: MatrixContext = {
    ...s.ctx,
    // The runtimes app.ts gives the Matrix handlers (compose/networkRuntimes.ts).
    networks: networkRuntimes([bridge]),
  };
  const joins = () => server.received.filter((l) => /^JOIN #chan/.test(l)).length;
  const settle = async (joinsSeen: number) => {
    await until(() => joins() >= joinsSeen);
    // The connection's JOIN is answered at once; what follows (NAMES, power levels, notices) settles in the queues.
    for (let i = 0; i < 5; i++) {
      await new Promise((r) => setTimeout(r, 50));
      await queues.idle();
      await s.settle();
    }
  };
  try {
    await bridge.start();
    routeMatrixEvent(joinEvent(FIRST, "First"), ctx);
    await settle(1);
    const requests = countRequests(s.api);
    routeMatrixEvent(joinEvent(ALICE, "Alice"), ctx);
    await settle(2);
    return { requests: [...requests], joined: joins() === 2 };
  } finally {
    notifier.stop();
    await bridge.stop();
    await server.close();
  }
}

describe("homeserver requests per Matrix join", () => {
  it("with the defaults: none (the displayname and membership come with the join; no admin room for a success)", async () => {
    const { requests, joined } = await oneJoin();
    assert.ok(joined, "positive control: her connection JOINed the channel");
    assert.deepEqual(requests, []);
  });

  it("with sendSuccessNotices on: the admin room and its notice (the cost the default saves)", async () => {
    const { requests, joined } = await oneJoin(", sendSuccessNotices: true");
    assert.ok(joined, "positive control: her connection JOINed the channel");
    assert.deepEqual(requests, [`userExists ${ALICE}`, `createRoom ${BOT}`, "send !created2:example.org"]);
  });
});

/** Waits (up to 5 s) until the condition holds. */
async function until(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!condition()) {
    if (Date.now() > deadline) assert.fail("timed out waiting");
    await new Promise((r) => setTimeout(r, 10));
  }
}
