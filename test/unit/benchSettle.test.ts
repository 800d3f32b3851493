import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { memorySettled, steadyFor } from "../../scripts/lib/bench/settle";

const MiB = 1024 * 1024;
const instant = () => Promise.resolve();

describe("bench: the bridge's memory settled before the joins", () => {
  it("steadyFor needs the whole window covered, then compares its readings only", () => {
    assert.equal(steadyFor([], 20000, MiB), false);
    assert.equal(steadyFor([[0, 80 * MiB], [10000, 80 * MiB]], 20000, MiB), false);
    assert.equal(steadyFor([[0, 80 * MiB], [10000, 80 * MiB], [20000, 80.5 * MiB]], 20000, MiB), true);
    // A drop inside the window: not steady; once the window is past it: steady.
    const dropped: [number, number][] = [[0, 80 * MiB], [9000, 80 * MiB], [10000, 65 * MiB], [20000, 65 * MiB]];
    assert.equal(steadyFor(dropped, 20000, MiB), false);
    assert.equal(steadyFor([...dropped, [30000, 65.4 * MiB]], 20000, MiB), true);
    // Exactly `withinBytes` apart is still steady; a byte more is not.
    assert.equal(steadyFor([[0, 70 * MiB], [20000, 71 * MiB]], 20000, MiB), true);
    assert.equal(steadyFor([[0, 70 * MiB], [20000, 71 * MiB + 1]], 20000, MiB), false);
  });

  it("waits past the memory reducer's drop and reads the RSS after it", async () => {
    // 80 MB held for 9 s (steady, but not long enough), then 65 MB: the start read is 65 MB.
    let calls = 0;
    // After the drop the readings wander a little within the band: the last one is the start.
    const read = () => (calls++ < 10 ? 80 * MiB : 65 * MiB + (calls % 3) * 1024);
    const settled = await memorySettled(1, 20000, MiB, 120000, read, instant);
    assert.equal(settled.rss, 65 * MiB + (calls % 3) * 1024);
    assert.notEqual(settled.rss, 65 * MiB, "the positive control: the last reading is not the band's lowest");
    assert.equal(settled.timedOut, false);
    assert.equal(settled.waitedMs, 30000);
  });

  it("stops at the time limit when the RSS never holds still, and says so", async () => {
    let calls = 0;
    const settled = await memorySettled(1, 20000, MiB, 60000, () => (calls++ % 2) * 2 * MiB + 70 * MiB, instant);
    assert.equal(settled.timedOut, true);
    assert.equal(settled.waitedMs, 60000);
    // 61 readings (0 to 60 s): the last, the 61st, was 70 MB.
    assert.equal(settled.rss, 70 * MiB);
  });
});
