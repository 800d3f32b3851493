import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { openNedbStore } from "../../src/store/nedbStore";
import type { PuppetStore, Store } from "../../src/store/store";
import { FakeIrcServer } from "../support/fakeIrcServer";
import { FakeMatrixApi } from "../support/fakeMatrixApi";
import { testNetworkBridge, testNetworkContext } from "../support/testNetworkBridge";
import { until } from "../support/until";

const BOT = "@ircbridge:example.org";
const ALICE = "@alice:example.org";

/** The store, its puppet records counted: reads (get), username lookups and writes (put). */
async function countedStore() {
  const store = await openNedbStore(undefined);
  const count = { get: 0, usernameTaken: 0, put: 0 };
  const p = store.puppets;
  const puppets: PuppetStore = {
    all: (n) => p.all(n),
    get: (n, u) => (count.get++, p.get(n, u)),
    put: (r) => (count.put++, p.put(r)),
    remove: (n, u) => p.remove(n, u),
    usernameTaken: (n, u, e) => (count.usernameTaken++, p.usernameTaken(n, u, e)),
  };
  const counted: Store = { ...store, puppets };
  return { store: counted, count };
}

describe("what a new user's connection costs the store", () => {
  it("a new user joining a channel: three reads of their record, one username lookup, two writes", async () => {
    const server = new FakeIrcServer([]);
    const port = await server.listen();
    server.onLine = (line, send, socket) => {
      const join = /^JOIN (\S+)/.exec(line);
      if (join !== null) send(`:${server.nicks.get(socket) ?? "?"}!u@h JOIN ${join[1] ?? ""}`);
    };
    const { store, count } = await countedStore();
    const { bridge } = testNetworkBridge({ network: testNetworkContext(port), store, api: new FakeMatrixApi(), botUserId: BOT });
    try {
      await bridge.start();
      // As a Matrix join does (fromMatrix/membership.ts): the connection, its channel, then its state saved.
      const ensured = bridge.puppets.ensure(ALICE);
      assert.ok(ensured.ok);
      ensured.connection.join("#chan");
      bridge.persist(ALICE);
      await until(() => ensured.connection.isRegistered && ensured.connection.channelNames.includes("#chan"), "alice registered and in #chan");
      // The registration's save is queued behind the join's; a save queued after both has run once they have.
      await bridge.puppets.persist(ALICE);
      const record = (await store.puppets.get("testnet", ALICE)) ?? assert.fail("alice's record");
      assert.deepEqual(record.channels, ["#chan"], "positive control: the channel was saved");
      assert.equal(record.nick, ensured.connection.nick);
      // Identity: one read, one lookup, one write; the password and certificate are opened from the
      // record it read (they read it again, once each, before). The join's save: one read and one
      // write. The registration's save and this test's: one read each, and no write, since nothing
      // changed (each wrote the record again before). This test's own read above: one.
      assert.deepEqual(count, { get: 1 + 1 + 1 + 1 + 1, usernameTaken: 1, put: 2 });
    } finally {
      await bridge.stop();
      await server.close();
    }
  });
});
