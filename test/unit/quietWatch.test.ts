/**
 * The keepalive's timer (irc/quietWatch.ts): reads re-arm one timer without allocating a new one,
 * with or without a PING stage (connection processes' sockets have none); only the first read after
 * a PING arms a new one.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { QuietWatch } from "../../src/irc/quietWatch";
import { until } from "../support/until";

/** Counts setTimeout calls while `run` runs. */
function countTimers(run: () => void): number {
  const real = globalThis.setTimeout;
  let count = 0;
  const counting = ((...args: Parameters<typeof setTimeout>) => {
    count++;
    return real(...args);
  }) as typeof setTimeout;
  globalThis.setTimeout = Object.assign(counting, real);
  try {
    run();
  } finally {
    globalThis.setTimeout = real;
  }
  return count;
}

const watch = (pingAfterMs: number, events: string[]) =>
  new QuietWatch({ pingAfterMs, deadAfterMs: 3600000, mayPing: () => true, ping: () => events.push("ping"), dead: () => events.push("dead") });

test("without a PING stage, a thousand reads re-arm the one timer the start made", () => {
  const w = watch(0, []);
  try {
    assert.equal(
      countTimers(() => {
        w.start();
        for (let i = 0; i < 1000; i++) w.heard();
      }),
      1,
    );
  } finally {
    w.stop();
  }
});

test("with a PING stage, reads re-arm the one timer; after a PING, one read arms the PING stage again, later reads refresh it", async () => {
  const events: string[] = [];
  const w = new QuietWatch({ pingAfterMs: 20, deadAfterMs: 3600000, mayPing: () => true, ping: () => events.push("ping"), dead: () => events.push("dead") });
  try {
    assert.equal(
      countTimers(() => {
        w.start();
        for (let i = 0; i < 1000; i++) w.heard();
      }),
      1,
    );
    await until(() => events.includes("ping"), "a PING after 20 ms of quiet");
    assert.deepEqual(events, ["ping"], "positive control: a PING after 20 ms of quiet");
    assert.equal(
      countTimers(() => {
        for (let i = 0; i < 1000; i++) w.heard();
      }),
      1,
    );
  } finally {
    w.stop();
  }
});
