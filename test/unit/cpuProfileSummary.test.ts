import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { formatCpuSummary, placeOf, summarizeCpuProfile } from "../../scripts/lib/cpuProfile";

const frame = (functionName: string, url: string) => ({ functionName, url, lineNumber: 9, columnNumber: 0, scriptId: "1" });
const profile = JSON.stringify({
  nodes: [
    { id: 1, callFrame: frame("(root)", ""), children: [2, 3, 4, 5, 6] },
    { id: 2, callFrame: frame("(idle)", "") },
    { id: 3, callFrame: frame("(garbage collector)", "") },
    { id: 4, callFrame: frame("parse", "file:///work/node_modules/irc-framework/src/irclineparser.js") },
    { id: 5, callFrame: frame("onLine", "file:///work/dist/src/irc/connection.js") },
    { id: 6, callFrame: frame("", "file:///work/node_modules/@vector-im/matrix-bot-sdk/lib/x.js") },
  ],
  startTime: 0,
  endTime: 10000,
  samples: [2, 4, 4, 5, 3, 2, 6],
  timeDeltas: [5000, 1000, 1000, 500, 250, 2000, 250],
});

describe("CPU profile summary", () => {
  it("sums self time by place and by function; idle is not busy; the groups add up to the whole", () => {
    const s = summarizeCpuProfile(profile);
    assert.equal(s.totalMs, 10);
    assert.equal(s.busyMs, 3);
    assert.deepEqual(s.byPlace.find((g) => g.name === "pkg:irc-framework"), { name: "pkg:irc-framework", ms: 2 });
    assert.deepEqual(s.byPlace.find((g) => g.name === "src/irc"), { name: "src/irc", ms: 0.5 });
    assert.deepEqual(s.byPlace.find((g) => g.name === "pkg:@vector-im/matrix-bot-sdk"), { name: "pkg:@vector-im/matrix-bot-sdk", ms: 0.25 });
    assert.deepEqual(s.byFunction[1], { name: "parse irc-framework/src/irclineparser.js:10", ms: 2 });
    assert.equal(
      s.byPlace.reduce((a, g) => a + g.ms, 0),
      s.totalMs,
    );
    const text = formatCpuSummary(s, 3);
    assert.match(text, /^busy 0\.00 s of 0\.01 s profiled/);
    assert.match(text, / 66\.7% +0\.00 s +pkg:irc-framework\n/);
    assert.doesNotMatch(text, /\(idle\)/);
  });

  it("names where code lives", () => {
    assert.equal(placeOf("node:internal/streams/readable", "read"), "node:internal");
    assert.equal(placeOf("", "(program)"), "(program)");
    assert.equal(placeOf("", "writev"), "(native)");
    assert.equal(placeOf("file:///x/dist/src/store/nedbStore.js", "insert"), "src/store");
  });

  it("refuses what is not a CPU profile", () => {
    assert.throws(() => summarizeCpuProfile("{}"), /not a V8 CPU profile/);
  });
});
