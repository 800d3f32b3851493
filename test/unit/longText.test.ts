import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { linesToSay } from "../../src/irc/outgoingLines";
import { withLongText, CUT_REACTION, type LongTextDeps } from "../../src/fromMatrix/outgoing/longText";
import type { OutgoingDeps, SenderNote } from "../../src/fromMatrix/outgoing/prepare";
import { MessageLog } from "../../src/rooms/messageLog";
import type { OutboxEntry } from "../../src/store/store";
import { silentLogger } from "../support/silentLogger";

const entry = (body: string, kind: OutboxEntry["kind"] = "privmsg"): OutboxEntry => ({ eventId: "$ev", roomId: "!r:example.org", sender: "@a:example.org", kind, body, seq: 1 });

function scene(options: { lineLimit?: number; byteLimit?: number; fails?: boolean } = {}) {
  const pasted: string[] = [];
  const told: { roomId: string; eventId: string; note: SenderNote }[] = [];
  const longText: LongTextDeps = {
    target: "#chan",
    lineLimit: options.lineLimit ?? 3,
    byteLimit: options.byteLimit ?? 2048,
    paste: (text) => {
      pasted.push(text);
      return options.fails === true ? Promise.reject(new Error("homeserver down")) : Promise.resolve("https://bridge.example/_ircbridge/media/v1/example.org/abc/1/sig/message.txt");
    },
    log: silentLogger(),
  };
  const deps: OutgoingDeps = { messages: new MessageLog(), hasCap: () => false, fetchEvent: () => Promise.resolve(undefined), nickOf: () => undefined, ownNick: "me", longText, tellSender: (roomId, eventId, note) => told.push({ roomId, eventId, note }) };
  const run = (e: OutboxEntry) => withLongText(e, { kind: e.kind, body: e.body }, deps);
  return { run, pasted, told, deps };
}

const wire = (kind: OutboxEntry["kind"], body: string) => linesToSay(kind, "#chan", body);
const twelve = Array.from({ length: 12 }, (_, i) => `line ${i + 1} of the paste`).join("\n");

describe("long messages: the first lines and a link to the whole text", () => {
  it("a 12-line message with lineLimit 3 becomes at most 4 IRC lines, the last a link; the whole text is uploaded; the sender gets a reaction", async () => {
    const { run, pasted, told } = scene();
    const out = await run(entry(twelve));
    const lines = wire(out.kind, out.body);
    assert.ok(lines.length <= 4, `${lines.length} lines`);
    assert.equal(lines.length, 3, "lineLimit - 1 lines of text and the link: the incumbent's count");
    assert.deepEqual(out.body.split("\n"), ["line 1 of the paste", "line 2 of the paste", "(full message: https://bridge.example/_ircbridge/media/v1/example.org/abc/1/sig/message.txt)"]);
    assert.deepEqual(pasted, [twelve], "all 12 lines uploaded");
    assert.deepEqual(told, [{ roomId: "!r:example.org", eventId: "$ev", note: { reaction: CUT_REACTION, text: "Your message was too long for IRC (12 lines): IRC got its first 2 lines and a link to the whole text." } }]);
  });

  it("a message of exactly lineLimit IRC lines, and a short one, go out untouched, with nothing uploaded or told", async () => {
    const { run, pasted, told } = scene();
    for (const body of ["hello", "one\ntwo\nthree", "one\n\n\ntwo\nthree"]) {
      assert.deepEqual(await run(entry(body)), { kind: "privmsg", body });
    }
    assert.deepEqual(pasted, []);
    assert.deepEqual(told, []);
  });

  it("lines are counted as IRC splits them: one very long line that needs 5 IRC lines is cut too", async () => {
    const { run, pasted } = scene();
    const body = "word ".repeat(400).trim();
    assert.ok(wire("privmsg", body).length >= 5);
    const out = await run(entry(body));
    assert.ok(wire(out.kind, out.body).length <= 3);
    assert.equal(pasted.length, 1);
  });

  it("a message over the byte limit is cut even in few lines, keeping at most byteLimit bytes of text", async () => {
    const { run, pasted } = scene({ byteLimit: 100 });
    const body = `${"a".repeat(60)}\n${"b".repeat(60)}`;
    const out = await run(entry(body));
    const [first, ...rest] = out.body.split("\n");
    assert.equal(first, "a".repeat(60));
    assert.equal(rest.length, 1);
    assert.match(rest[0] ?? "", /^\(full message: https:/);
    assert.deepEqual(pasted, [body]);
    const one = await run(entry("c".repeat(300)));
    assert.equal(one.body.split("\n")[0], "c".repeat(100), "a single line over the limit is cut at the limit");
  });

  it("lineLimit 1: the first line and the link (2 lines)", async () => {
    const { run } = scene({ lineLimit: 1 });
    const out = await run(entry("one\ntwo"));
    assert.equal(wire(out.kind, out.body).length, 2);
    assert.equal(out.body.split("\n")[0], "one");
  });

  it("an ACTION stays an ACTION; the pasted text has no formatting codes", async () => {
    const { run, pasted } = scene();
    const out = await run(entry("\x02bold\x02 one\ntwo\nthree\nfour", "action"));
    assert.equal(out.kind, "action");
    assert.deepEqual(pasted, ["bold one\ntwo\nthree\nfour"]);
  });

  it("when the upload fails: the first lines and '(message truncated: ...)', the sender told in words", async () => {
    const { run, told } = scene({ fails: true });
    const out = await run(entry(twelve));
    assert.deepEqual(out.body.split("\n"), ["line 1 of the paste", "line 2 of the paste", "(message truncated: the full text could not be uploaded)"]);
    assert.equal(told.length, 1);
    assert.equal(told[0]?.note.reaction, undefined);
    assert.match(told[0]?.note.text ?? "", /could not be uploaded: IRC got only its first 2 lines/);
  });

  it("without long-text deps (no media configured) a long message goes out whole", async () => {
    const { deps } = scene();
    const out = await withLongText(entry(twelve), { kind: "privmsg", body: twelve }, { messages: deps.messages, hasCap: deps.hasCap, fetchEvent: deps.fetchEvent, nickOf: deps.nickOf, ownNick: deps.ownNick });
    assert.equal(out.body, twelve);
  });
});
