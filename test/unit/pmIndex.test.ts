import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { PmIndex } from "../../src/rooms/pmIndex";
import { openNedbStore } from "../../src/store/nedbStore";
import type { PmRoomRecord } from "../../src/store/store";

const ALICE = "@alice:example.org";
const record = (roomId: string, nick: string, userId = ALICE, network = "testnet"): PmRoomRecord => ({
  roomId,
  network,
  userId,
  nick,
  folded: nick.toLowerCase(),
  createdAt: 1000,
});

describe("PM rooms: store and index", () => {
  it("looks a conversation up both ways; one room per (network, user, folded nick)", async () => {
    const index = new PmIndex((await openNedbStore(undefined)).pmRooms);
    await index.put(record("!a:x", "Bob")).written;
    assert.equal(index.find("testnet", ALICE, "bob")?.roomId, "!a:x");
    assert.equal(index.room("!a:x")?.nick, "Bob");
    assert.equal(index.find("othernet", ALICE, "bob"), undefined, "another network is another conversation");
    assert.equal(index.find("testnet", "@carol:example.org", "bob"), undefined, "another user is another conversation");
    const { replaced, written } = index.put(record("!b:x", "BOB"));
    await written;
    assert.equal(replaced?.roomId, "!a:x", "a new room replaces the conversation's old one");
    assert.equal(index.room("!a:x"), undefined);
    assert.equal(index.find("testnet", ALICE, "bob")?.roomId, "!b:x");
    assert.equal(index.put(record("!b:x", "Bob")).replaced, undefined, "the same room again replaces nothing");
    await index.remove("!b:x");
    assert.equal(index.find("testnet", ALICE, "bob"), undefined);
    assert.deepEqual(index.all(), []);
  });

  it("survives a restart: what was put and not removed is loaded again, exactly", async () => {
    const dir = mkdtempSync(join(tmpdir(), "pmrooms-"));
    try {
      const first = await openNedbStore(dir);
      const index = new PmIndex(first.pmRooms);
      await index.put(record("!a:x", "Bob")).written;
      await index.put(record("!b:x", "Bob")).written;
      await index.put(record("!c:x", "Carol")).written;
      await index.put(record("!d:x", "Dave", "@zed:example.org")).written;
      await index.remove("!c:x");
      await index.put(record("!e:x", "Eve")).written;
      await index.put(record("!e:x", "Frank")).written;
      assert.equal(index.find("testnet", ALICE, "eve"), undefined, "a room taken by another conversation leaves the first");
      await first.close();
      const again = new PmIndex((await openNedbStore(dir)).pmRooms);
      await again.load();
      assert.deepEqual(
        again.all().map((r) => [r.roomId, r.userId, r.nick, r.folded, r.createdAt]).sort(),
        [
          ["!b:x", ALICE, "Bob", "bob", 1000],
          ["!d:x", "@zed:example.org", "Dave", "dave", 1000],
          ["!e:x", ALICE, "Frank", "frank", 1000],
        ],
      );
      assert.equal(again.find("testnet", ALICE, "bob")?.roomId, "!b:x");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
