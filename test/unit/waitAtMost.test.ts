import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { waitAtMost } from "../../src/util/waitAtMost";

describe("waitAtMost", () => {
  it("ends at the bound when what it waits for never settles", async () => {
    // Its own timer does not keep the process up: this one stands for the sockets a stopping bridge still has.
    const keepUp = setTimeout(() => undefined, 5000);
    try {
      const started = Date.now();
      await waitAtMost(new Promise(() => undefined), 30);
      assert.ok(Date.now() - started >= 25, "not before the bound");
    } finally {
      clearTimeout(keepUp);
    }
  });

  it("ends as soon as what it waits for settles, resolved or rejected, well before the bound", async () => {
    for (const done of [Promise.resolve(), Promise.reject(new Error("refused"))]) {
      const started = Date.now();
      await waitAtMost(done, 10000);
      assert.ok(Date.now() - started < 1000);
    }
  });
});
