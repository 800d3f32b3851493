import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { pendingSendCodec } from "../../src/rooms/pendingSendCodec";
import { parsePendingSend, type PendingSend } from "../../src/rooms/pendingSends";
import { PasswordSeal } from "../../src/secrets/passwordSeal";
import { PmBodySeal } from "../../src/secrets/pmSeal";
import { openNedbStore } from "../../src/store/nedbStore";
import { SendJournal } from "../../src/store/sendJournal";
import type { OutboxEntry } from "../../src/store/store";

const PM_TEXT = "my very private words";
const CHANNEL_TEXT = "words said in a channel";
const ALICE = "@alice:example.org";

function send(id: string, text: string, pm: boolean): PendingSend {
  return {
    id,
    roomId: pm ? `testnet\u0000${ALICE}\u0000bob` : "!room:example.org",
    network: "testnet",
    channel: pm ? "bob" : "#chan",
    nick: "bob",
    ghost: "@irc_bob:example.org",
    content: { msgtype: "m.text", body: text, formatted_body: `<b>${text}</b>` },
    txnId: `txn-${id}`,
    ts: 1,
    msgid: undefined,
    ...(pm ? { pm: { userId: ALICE } } : {}),
  };
}

/** Every file in the directory, as one text. */
function onDisk(dir: string): string {
  return readdirSync(dir)
    .map((f) => readFileSync(join(dir, f), "utf8"))
    .join("\n");
}

function withDir(run: (dir: string) => Promise<void> | void): () => Promise<void> {
  return async () => {
    const dir = mkdtempSync(join(tmpdir(), "pmjournal-"));
    try {
      await run(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
}

const keyed = () => new PmBodySeal(PasswordSeal.fromKey(randomBytes(32)));

describe("private messages in the IRC -> Matrix journal", () => {
  it(
    "with a key: the body and its formatting are sealed on disk and open again after a restart",
    withDir((dir) => {
      const seal = keyed();
      const dropped: string[] = [];
      const journal = new SendJournal<PendingSend>(dir, "irc-to-matrix.log", undefined, pendingSendCodec(seal, (id) => dropped.push(id)));
      journal.add(send("pm1", PM_TEXT, true));
      journal.add(send("ch1", CHANNEL_TEXT, false));
      const text = onDisk(dir);
      assert.ok(!text.includes("private words"), "the private message is not in clear");
      assert.ok(text.includes(CHANNEL_TEXT), "channel messages are as they were");
      const again = new SendJournal<PendingSend>(dir, "irc-to-matrix.log", undefined, pendingSendCodec(seal, (id) => dropped.push(id)));
      const loaded = again.load(parsePendingSend);
      assert.deepEqual(loaded, [send("pm1", PM_TEXT, true), send("ch1", CHANNEL_TEXT, false)]);
      assert.ok(!onDisk(dir).includes("private words"), "still sealed after the rewrite at load");
      assert.deepEqual(dropped, []);
    }),
  );

  it(
    "a sealed body does not open under another key or in another record: dropped and reported",
    withDir((dir) => {
      const journal = new SendJournal<PendingSend>(dir, "irc-to-matrix.log", undefined, pendingSendCodec(keyed(), () => undefined));
      journal.add(send("pm1", PM_TEXT, true));
      const dropped: string[] = [];
      const other = new SendJournal<PendingSend>(dir, "irc-to-matrix.log", undefined, pendingSendCodec(keyed(), (id) => dropped.push(id)));
      assert.deepEqual(other.load(parsePendingSend), []);
      assert.deepEqual(dropped, ["pm1"]);
    }),
  );

  it(
    "without a key: in clear while it waits (it survives a crash), erased from the file as soon as it is done",
    withDir((dir) => {
      const journal = new SendJournal<PendingSend>(dir, "irc-to-matrix.log", undefined, pendingSendCodec(new PmBodySeal(undefined), () => undefined));
      journal.add(send("pm1", PM_TEXT, true));
      journal.add(send("ch1", CHANNEL_TEXT, false));
      assert.ok(onDisk(dir).includes(PM_TEXT), "kept for a restart while undelivered");
      journal.done("pm1");
      assert.ok(!onDisk(dir).includes("private words"), "gone from the file once delivered");
      assert.ok(onDisk(dir).includes(CHANNEL_TEXT));
    }),
  );
});

describe("private messages in the Matrix -> IRC outbox", () => {
  const entry = (eventId: string, body: string, pm: boolean, seq = 1): OutboxEntry => ({ eventId, roomId: "!dm:example.org", sender: ALICE, kind: "privmsg", body, seq, ...(pm ? { pm: true as const } : {}) });

  it(
    "with a key: the body is sealed in the store and opens again after a restart",
    withDir(async (dir) => {
      const seal = keyed();
      const store = await openNedbStore(dir, { pmSeal: seal });
      await store.outbox.add(entry("$pm", PM_TEXT, true));
      await store.outbox.add(entry("$ch", CHANNEL_TEXT, false, 2));
      await store.close();
      assert.ok(!onDisk(dir).includes("private words"), "not in clear on disk");
      assert.ok(onDisk(dir).includes(CHANNEL_TEXT));
      const again = await openNedbStore(dir, { pmSeal: seal });
      const pending = await again.outbox.pending();
      assert.deepEqual(
        pending.map((p) => p.entry.body),
        [PM_TEXT, CHANNEL_TEXT],
      );
      await again.close();
    }),
  );

  it(
    "with a key: a sealed body that does not open (another key) is dropped",
    withDir(async (dir) => {
      const store = await openNedbStore(dir, { pmSeal: keyed() });
      await store.outbox.add(entry("$pm", PM_TEXT, true));
      await store.close();
      const again = await openNedbStore(dir, { pmSeal: keyed() });
      assert.deepEqual(await again.outbox.pending(), []);
      await again.close();
    }),
  );

  it(
    "without a key: in clear while it waits, erased from the file once sent",
    withDir(async (dir) => {
      const store = await openNedbStore(dir);
      await store.outbox.add(entry("$pm", PM_TEXT, true));
      assert.ok(onDisk(dir).includes(PM_TEXT), "kept for a restart while unsent");
      store.outbox.handed("$pm");
      await store.outbox.confirm("$pm");
      assert.ok(!onDisk(dir).includes("private words"), "gone from the file once sent, not only marked deleted");
      await store.close();
    }),
  );
});
