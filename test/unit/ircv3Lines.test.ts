import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseIrcLine } from "../../src/irc/ircLine";
import { MultilineBatches } from "../../src/irc/multilineIn";
import { batchLimits, multilineBatch, parseMultilineCap } from "../../src/irc/multilineOut";
import { sayPlan } from "../../src/irc/outgoingLines";
import { PacedQueue } from "../../src/irc/pacedQueue";
import { redactRequest } from "../../src/irc/replies";
import { queueSay } from "../../src/irc/sayQueue";
import { tagmsgLine, TypingNotes, TYPING_REPEAT_MS } from "../../src/irc/typingNotes";
import { FakeClock } from "../support/fakeClock";

const LIMITS = { maxBytes: 4096, maxLines: 24 };
const we = { me: "Alice[m]", same: (a: string, b: string) => a.toLowerCase() === b.toLowerCase() };
const line = (raw: string) => {
  const parsed = parseIrcLine(raw);
  assert.ok(parsed);
  return parsed;
};

describe("TAGMSG and REDACT lines", () => {
  it("a TAGMSG carries its tags escaped, and nothing can break out of the line", () => {
    assert.equal(tagmsgLine("#c", { "+draft/react": "👍", "+draft/reply": "abc" }), "@+draft/react=👍;+draft/reply=abc TAGMSG #c");
    assert.equal(tagmsgLine("#c", { "+draft/react": "a b;c\r\nQUIT :x" }), "@+draft/react=a\\sb\\:c\\r\\nQUIT\\s:x TAGMSG #c");
    assert.equal(tagmsgLine("#c", { "+typing": "active" }), "@+typing=active TAGMSG #c");
  });

  it("REDACT names the channel and msgid, the reason last; its answer is our REDACT of that msgid or a FAIL REDACT", () => {
    assert.deepEqual(redactRequest("#c", "m1", "typo here").params, ["#c", "m1", "typo here"]);
    assert.deepEqual(redactRequest("#c", "m1", " ").params, ["#c", "m1"]);
    const { expect } = redactRequest("#c", "m1", "");
    assert.equal(expect.end(line(":Alice[m]!a@h REDACT #c m1 :typo"), we), true);
    assert.equal(expect.end(line(":Alice[m]!a@h REDACT #c m2"), we), false, "another msgid");
    assert.equal(expect.end(line(":bob!b@h REDACT #c m1"), we), false, "someone else's");
    assert.equal(expect.error?.(line(":srv FAIL REDACT REDACT_FORBIDDEN #c m1 :You are not authorized"), we), true);
    assert.equal(expect.error(line(":srv FAIL CHATHISTORY INVALID_TARGET #c :x"), we), false);
  });
});

describe("draft/multiline out", () => {
  it("reads the server's limits; a value without max-bytes means no multiline", () => {
    assert.deepEqual(parseMultilineCap("max-bytes=4096,max-lines=24"), { maxBytes: 4096, maxLines: 24 });
    assert.deepEqual(parseMultilineCap("max-bytes=512"), { maxBytes: 512, maxLines: undefined });
    assert.equal(parseMultilineCap("max-lines=5"), undefined);
    assert.equal(parseMultilineCap(undefined), undefined);
    assert.equal(parseMultilineCap("max-bytes=x"), undefined);
  });

  it("batches stay within what the pacing writes in 2 s (opening and closing lines included) and the server's limits", () => {
    assert.deepEqual(batchLimits("max-bytes=4096,max-lines=100", { burstLines: 4, lineIntervalMs: 500 }), { maxBytes: 4096, maxLines: 6 });
    assert.deepEqual(batchLimits("max-bytes=4096,max-lines=3", { burstLines: 4, lineIntervalMs: 500 }), { maxBytes: 4096, maxLines: 3 });
    assert.deepEqual(batchLimits("max-bytes=4096", { burstLines: 100, lineIntervalMs: 0 }), { maxBytes: 4096, maxLines: 2098 });
    assert.equal(batchLimits("max-lines=3", { burstLines: 4, lineIntervalMs: 500 }), undefined);
  });

  it("two lines become one batch: client tags on its opening line, each line tagged with the batch", () => {
    assert.deepEqual(multilineBatch("privmsg", "#c", "one\ntwo", 400, LIMITS, "ml1", { "+draft/reply": "m0" }), [
      "@+draft/reply=m0 BATCH +ml1 draft/multiline #c",
      "@batch=ml1 PRIVMSG #c one",
      "@batch=ml1 PRIVMSG #c two",
      "BATCH -ml1",
    ]);
    assert.deepEqual(multilineBatch("notice", "#c", "a b\n\nc", 400, LIMITS, "x"), ["BATCH +x draft/multiline #c", "@batch=x NOTICE #c :a b", "@batch=x NOTICE #c c", "BATCH -x"]);
  });

  it("no batch for one line, an ACTION, or more lines or bytes than the server takes", () => {
    assert.equal(multilineBatch("privmsg", "#c", "only one", 400, LIMITS, "x"), undefined);
    // A long bold line cut into concat pieces: joined again they are the line, styles untouched (no re-opened codes).
    const bold = `\x02${"word ".repeat(60).trim()}\x02`;
    const batch = multilineBatch("privmsg", "#c", `${bold}\nnext`, 120, LIMITS, "b") ?? assert.fail("no batch");
    const texts = batch.slice(1, -1).map((l) => parseIrcLine(l) ?? assert.fail(l));
    const joined = texts.reduce((acc, l) => (l.tags["draft/multiline-concat"] !== undefined ? acc + (l.params[1] ?? "") : `${acc}${acc === "" ? "" : "\n"}${l.params[1] ?? ""}`), "");
    assert.equal(joined, `${bold}\nnext`);
    assert.equal(multilineBatch("action", "#c", "waves\nagain", 400, LIMITS, "x"), undefined);
    assert.equal(multilineBatch("privmsg", "#c", "1\n2\n3", 400, { maxBytes: 4096, maxLines: 2 }, "x"), undefined);
    assert.ok(multilineBatch("privmsg", "#c", "1\n2", 400, { maxBytes: 4096, maxLines: 2 }, "x"));
    // "abc\ndef" is 7 bytes with its line break.
    assert.equal(multilineBatch("privmsg", "#c", "abc\ndef", 400, { maxBytes: 6, maxLines: undefined }, "x"), undefined);
    assert.ok(multilineBatch("privmsg", "#c", "abc\ndef", 400, { maxBytes: 7, maxLines: undefined }, "x"));
  });

  it("a line too long for one IRC line continues with draft/multiline-concat, its spaces kept", () => {
    const words = Array.from({ length: 30 }, (_, i) => `word${i}`).join(" ");
    const lines = multilineBatch("privmsg", "#c", `${words}\nend`, 64, LIMITS, "b") ?? [];
    const parsed = lines.map(line);
    const body = parsed.filter((l) => l.command === "PRIVMSG");
    assert.ok(body.length > 3);
    for (const l of body) assert.ok(Buffer.byteLength(l.params[1] ?? "") <= 64, `${l.params[1] ?? ""} fits`);
    // Put back together as a receiver does: concat lines join with nothing, others with "\n".
    const joined = body.reduce((text, l, i) => (i === 0 ? (l.params[1] ?? "") : `${text}${l.tags["draft/multiline-concat"] === undefined ? "\n" : ""}${l.params[1] ?? ""}`), "");
    assert.equal(joined, `${words}\nend`);
  });

  it("sayPlan: a batch is echoed once; without multiline (or when it does not fit) lines are echoed one by one", () => {
    assert.deepEqual(sayPlan("privmsg", "#c", "a\nb", { multiline: { limits: LIMITS, batchId: "z" } }).echoes, "batch");
    assert.deepEqual(sayPlan("privmsg", "#c", "a\nb"), { lines: ["PRIVMSG #c a", "PRIVMSG #c b"], echoes: "each" });
    assert.deepEqual(sayPlan("privmsg", "#c", "a\nb\nc", { multiline: { limits: { maxBytes: 100, maxLines: 2 }, batchId: "z" } }).echoes, "each");
  });
});

describe("queueSay", () => {
  const setup = () => {
    const clock = new FakeClock();
    const written: string[] = [];
    const queue = new PacedQueue({ burstLines: 10, lineIntervalMs: 100, maxQueuedLines: 50 }, (l) => written.push(l), clock);
    return { clock, written, queue };
  };

  it("a batch waits for one confirmation, after its closing line is written", async () => {
    const { written, queue } = setup();
    let confirms = 0;
    const plan = sayPlan("privmsg", "#c", "a\nb", { multiline: { limits: LIMITS, batchId: "q" } });
    const said = queueSay(plan, queue, 50, undefined, () => Promise.resolve(`id${++confirms}`));
    assert.ok(said);
    queue.resume();
    assert.equal(await said, "id1");
    assert.equal(confirms, 1);
    assert.equal(written.at(-1), "BATCH -q");
  });

  it("a batch whose opening line expires is taken back whole: no line of it is ever written", async () => {
    const { clock, written, queue } = setup();
    const plan = sayPlan("privmsg", "#c", "a\nb", { multiline: { limits: LIMITS, batchId: "q" } });
    const said = queueSay(plan, queue, 50, 1000, () => Promise.resolve(undefined));
    assert.ok(said);
    clock.advance(2000);
    queue.expire(clock.now(), () => new Error("late"));
    await assert.rejects(said, /late/);
    queue.resume();
    assert.deepEqual(written, []);
    assert.equal(queue.length, 0);
  });

  it("refuses, queueing nothing, when the queue has no room for every line", () => {
    const { queue } = setup();
    const plan = sayPlan("privmsg", "#c", "a\nb", { multiline: { limits: LIMITS, batchId: "q" } });
    assert.equal(queueSay(plan, queue, 3, undefined, () => Promise.resolve(undefined)), false);
    assert.equal(queue.length, 0);
  });
});

describe("draft/multiline in", () => {
  it("puts a batch back together with its opening line's tags; concat lines join without a break", () => {
    const batches = new MultilineBatches<string>();
    batches.heard(line("@msgid=B1;time=2026-01-01T00:00:00.000Z;+draft/reply=m0 :bob!b@h BATCH +7 draft/multiline #c"));
    assert.equal(batches.add("7", "top", {}, "first"), true);
    assert.equal(batches.add("7", "bottom ", {}, "second"), true);
    assert.equal(batches.add("7", "line", { "draft/multiline-concat": "" }, "third"), true);
    const whole = batches.end("7");
    assert.deepEqual(whole, { text: "top\nbottom line", tags: { msgid: "B1", time: "2026-01-01T00:00:00.000Z", "+draft/reply": "m0" }, target: "#c", first: "first" });
    assert.equal(batches.end("7"), undefined, "forgotten at its end");
  });

  it("ignores other batches and lines of batches it never saw open", () => {
    const batches = new MultilineBatches<string>();
    batches.heard(line(":srv BATCH +h chathistory #c"));
    assert.equal(batches.add("h", "x", {}, "m"), false);
    assert.equal(batches.add("nope", "x", {}, "m"), false);
    assert.equal(batches.end("nope"), undefined);
  });

  it("is bounded: batches a server never closes are forgotten, oldest first", () => {
    const batches = new MultilineBatches<string>();
    for (let i = 0; i < 200; i++) batches.heard(line(`:bob BATCH +b${i} draft/multiline #c`));
    assert.equal(batches.add("b0", "x", {}, "m"), false);
    assert.equal(batches.add("b199", "x", {}, "m"), true);
  });
});

describe("typing notes", () => {
  it("active at most every 3 s per target; done only after an active", () => {
    const notes = new TypingNotes();
    assert.equal(notes.stop("#c"), false, "never said to type");
    assert.equal(notes.start("#c", 0), true);
    assert.equal(notes.start("#C", TYPING_REPEAT_MS - 1), false, "same target, too soon");
    assert.equal(notes.start("#d", 10), true, "another target");
    assert.equal(notes.start("#c", TYPING_REPEAT_MS), true);
    assert.equal(notes.has("#c"), true);
    assert.equal(notes.stop("#c"), true);
    assert.equal(notes.stop("#c"), false, "done once");
    notes.clear();
    assert.equal(notes.has("#d"), false);
  });
});
