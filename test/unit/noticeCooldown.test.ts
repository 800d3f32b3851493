import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { NoticeCooldown } from "../../src/rooms/noticeCooldown";

describe("NoticeCooldown: at most one notice per key per window, bounded", () => {
  it("one notice, none within the window, one again once it has passed; keys are independent", () => {
    const c = new NoticeCooldown(1000);
    assert.equal(c.take("a", 0), true);
    assert.equal(c.take("a", 999), false);
    assert.equal(c.take("b", 999), true, "another key has its own window");
    assert.equal(c.take("a", 1000), true);
    assert.equal(c.take("a", 1500), false, "the window starts again from the last notice");
  });

  it("a notice sent by other means (note) starts the window too", () => {
    const c = new NoticeCooldown(1000);
    c.note("a", 100);
    assert.equal(c.take("a", 1099), false);
    assert.equal(c.take("a", 1100), true);
  });

  it("remembers at most `capacity` keys; a forgotten key gets its next notice early, never one less", () => {
    const c = new NoticeCooldown(1000, 3);
    for (const key of ["a", "b", "c", "d"]) assert.equal(c.take(key, 0), true);
    assert.equal(c.size, 3);
    assert.equal(c.take("a", 1), true, "a was forgotten (least recently used)");
    assert.equal(c.take("d", 1), false, "d is still remembered");
  });
});
