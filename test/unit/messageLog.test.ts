import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { MessageLog } from "../../src/rooms/messageLog";

describe("MessageLog: the last bridged messages of each room", () => {
  it("finds a message by event id and by msgid, in its own room only", () => {
    const log = new MessageLog();
    log.record({ roomId: "!a", eventId: "$1", msgid: "m1", nick: "bob", text: "hi" });
    assert.equal(log.byEvent("!a", "$1")?.text, "hi");
    assert.equal(log.byMsgid("!a", "m1")?.eventId, "$1");
    assert.equal(log.byEvent("!b", "$1"), undefined, "another room never sees it");
    assert.equal(log.byMsgid("!b", "m1"), undefined, "another room never sees it by msgid either");
  });

  it("tells how many messages came after one", () => {
    const log = new MessageLog();
    const first = log.record({ roomId: "!a", eventId: "$1", nick: "bob", text: "one" });
    log.record({ roomId: "!b", eventId: "$x", nick: "bob", text: "elsewhere" });
    assert.equal(log.after(first), 0);
    log.record({ roomId: "!a", eventId: "$2", nick: "bob", text: "two" });
    log.record({ roomId: "!a", eventId: "$3", nick: "bob", text: "three" });
    assert.equal(log.after(first), 2, "only the same room's messages count");
  });

  it("keeps at most perRoom messages per room, forgetting the oldest and its msgid", () => {
    const log = new MessageLog(2, 10);
    log.record({ roomId: "!a", eventId: "$1", msgid: "m1", nick: "bob", text: "one" });
    log.record({ roomId: "!a", eventId: "$2", msgid: "m2", nick: "bob", text: "two" });
    log.record({ roomId: "!a", eventId: "$3", msgid: "m3", nick: "bob", text: "three" });
    assert.equal(log.byEvent("!a", "$1"), undefined);
    assert.equal(log.byMsgid("!a", "m1"), undefined);
    assert.equal(log.byEvent("!a", "$2")?.text, "two");
    assert.equal(log.byMsgid("!a", "m3")?.eventId, "$3");
  });

  it("keeps at most `rooms` rooms, forgetting the least recently used", () => {
    const log = new MessageLog(10, 2);
    log.record({ roomId: "!a", eventId: "$1", nick: "bob", text: "a" });
    log.record({ roomId: "!b", eventId: "$2", nick: "bob", text: "b" });
    log.byEvent("!a", "$1");
    log.record({ roomId: "!c", eventId: "$3", nick: "bob", text: "c" });
    assert.equal(log.byEvent("!b", "$2"), undefined, "!b was the least recently used");
    assert.equal(log.byEvent("!a", "$1")?.text, "a");
  });

  it("revise: an edit's text replaces the message's, found both ways, position kept, in its own room only", () => {
    const log = new MessageLog();
    const first = log.record({ roomId: "!a", eventId: "$1", msgid: "m1", nick: "bob", text: "the cat sat" });
    log.record({ roomId: "!a", eventId: "$2", nick: "bob", text: "later" });
    assert.equal(log.revise("!b", "$1", "elsewhere"), undefined, "another room's message is not touched");
    const revised = log.revise("!a", "$1", "the dog sat");
    assert.equal(revised?.position, first.position);
    assert.equal(log.byEvent("!a", "$1")?.text, "the dog sat");
    assert.equal(log.byMsgid("!a", "m1")?.text, "the dog sat");
    assert.equal(log.after(log.byEvent("!a", "$1") ?? first), 1);
    assert.equal(log.revise("!a", "$unknown", "x"), undefined);
  });
});

describe("MessageLog.whenLogged: waiting for a msgid", () => {
  it("answers at once when the msgid is logged, and as soon as it is logged otherwise", async () => {
    const log = new MessageLog();
    log.record({ roomId: "!a", eventId: "$1", msgid: "m1", nick: "bob", text: "one" });
    assert.equal((await log.whenLogged("!a", "m1", 1000))?.eventId, "$1");
    const started = Date.now();
    const waiting = log.whenLogged("!a", "m2", 10000);
    log.record({ roomId: "!b", eventId: "$x", msgid: "m2", nick: "bob", text: "another room" });
    log.record({ roomId: "!a", eventId: "$2", msgid: "m2", nick: "bob", text: "two" });
    assert.equal((await waiting)?.eventId, "$2", "its own room's message, not another room's");
    assert.ok(Date.now() - started < 5000, "woken by the record, not by the timeout");
  });

  it("gives up after the timeout with nothing", async () => {
    const log = new MessageLog();
    assert.equal(await log.whenLogged("!a", "never", 20), undefined);
    log.record({ roomId: "!a", eventId: "$1", msgid: "never", nick: "bob", text: "late" });
  });
});

describe("MessageLog.whenEchoed: waiting only while a Matrix user's message awaits its echo", () => {
  it("answers at once (nothing) when no echo is awaited in the room, even if another room awaits one", async () => {
    const log = new MessageLog();
    log.expectEcho("!b");
    const started = Date.now();
    assert.equal(await log.whenEchoed("!a", "m1", 10000), undefined);
    assert.ok(Date.now() - started < 5000, "did not wait for the timeout");
  });

  it("waits for the awaited echo's record and answers with it", async () => {
    const log = new MessageLog();
    const release = log.expectEcho("!a");
    const waiting = log.whenEchoed("!a", "m1", 10000);
    log.record({ roomId: "!a", eventId: "$1", msgid: "m1", sender: "@alice:x", nick: "alice[m]", text: "one" });
    release();
    assert.equal((await waiting)?.eventId, "$1");
  });

  it("stops waiting when the last awaited echo came without the msgid, well before the timeout; a release twice counts once", async () => {
    const log = new MessageLog();
    const first = log.expectEcho("!a");
    const second = log.expectEcho("!a");
    const started = Date.now();
    let done = false;
    const waiting = log.whenEchoed("!a", "unknown", 10000).then((found) => {
      done = true;
      return found;
    });
    first();
    first();
    // Positive control: a lookup of a msgid the second echo brings still finds it, so the wait above is still on.
    const control = log.whenEchoed("!a", "m2", 10000);
    log.record({ roomId: "!a", eventId: "$2", msgid: "m2", nick: "alice[m]", text: "two" });
    assert.equal((await control)?.eventId, "$2");
    assert.equal(done, false, "one echo is still awaited: the lookup still waits");
    second();
    assert.equal(await waiting, undefined);
    assert.ok(Date.now() - started < 5000, "woken by the release, not by the timeout");
  });
});
