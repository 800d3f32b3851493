import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { percentile, regressionSlope } from "../../scripts/lib/bench/stats";
import { parseScales, scaleLabel } from "../../scripts/lib/bench/scales";
import { routeOf } from "../../scripts/lib/bench/route";

describe("bench: regression slope of RSS over users joined", () => {
  it("finds the slope and intercept of points on a line, r2 = 1", () => {
    const points = [0, 10, 20, 50, 100].map((x) => [x, 7000 + 3000 * x] as const);
    const fit = regressionSlope(points);
    assert.ok(Math.abs(fit.slope - 3000) < 1e-9, String(fit.slope));
    assert.ok(Math.abs(fit.intercept - 7000) < 1e-6, String(fit.intercept));
    assert.ok(Math.abs(fit.r2 - 1) < 1e-12);
    assert.equal(fit.n, 5);
  });

  it("a fixed cost moves the intercept, not the per-user slope", () => {
    const base = [0, 1, 2, 3, 4, 5].map((x) => [x, 100 * x + ((x * 37) % 11)] as const);
    const shifted = base.map(([x, y]) => [x, y + 5_000_000] as const);
    const a = regressionSlope(base);
    const b = regressionSlope(shifted);
    assert.ok(Math.abs(a.slope - b.slope) < 1e-6);
    assert.ok(Math.abs(b.intercept - a.intercept - 5_000_000) < 1e-3);
  });

  it("least squares, not end points: noise at the ends does not set the slope", () => {
    // Every point on y = 2x except a spike at the last one.
    const points: [number, number][] = Array.from({ length: 101 }, (_, x) => [x, 2 * x]);
    points[100] = [100, 400];
    const fit = regressionSlope(points);
    assert.ok(fit.slope > 2 && fit.slope < 2.2, String(fit.slope));
  });

  it("no line through fewer than two distinct x: NaN, never a division by zero", () => {
    assert.ok(Number.isNaN(regressionSlope([]).slope));
    assert.ok(Number.isNaN(regressionSlope([[5, 1]]).slope));
    assert.ok(Number.isNaN(regressionSlope([[5, 1], [5, 9]]).slope));
  });

  it("percentiles by nearest rank", () => {
    const values = Array.from({ length: 100 }, (_, i) => 100 - i);
    assert.equal(percentile(values, 50), 50);
    assert.equal(percentile(values, 99), 99);
    assert.equal(percentile(values, 100), 100);
    assert.equal(percentile([7], 99), 7);
    assert.ok(Number.isNaN(percentile([], 50)));
  });
});

describe("bench: scales and routes", () => {
  it("parses BENCH_SCALES: users on one channel, or users x channels", () => {
    assert.deepEqual(parseScales("100, 400,1000,1000x100"), [
      { users: 100, channels: 1 },
      { users: 400, channels: 1 },
      { users: 1000, channels: 1 },
      { users: 1000, channels: 100 },
    ]);
    assert.equal(scaleLabel({ users: 1000, channels: 100 }), "1000 users, 100 channels");
    for (const bad of ["abc", "10x20", "0", "5x0", "-3"]) assert.throws(() => parseScales(bad), new RegExp(`"${bad}"`));
  });

  it("counts homeserver requests by route: ids, transaction ids and state keys as *", () => {
    assert.equal(routeOf("PUT", "/_matrix/client/v3/rooms/!abc%3Alocalhost/send/m.room.message/t123?user_id=%40bench_x%3Alocalhost"), "PUT /_matrix/client/v3/rooms/*/send/m.room.message/*");
    assert.equal(routeOf("GET", "/_matrix/client/v3/rooms/!r:localhost/state/m.room.power_levels/"), "GET /_matrix/client/v3/rooms/*/state/m.room.power_levels/*");
    assert.equal(routeOf("POST", "/_matrix/client/v3/join/%23bench_%23chan%3Alocalhost"), "POST /_matrix/client/v3/join/*");
    assert.equal(routeOf("PUT", "/_matrix/client/v3/profile/%40bench_bob%3Alocalhost/displayname"), "PUT /_matrix/client/v3/profile/*/displayname");
    assert.equal(routeOf("POST", "/_matrix/client/v3/createRoom"), "POST /_matrix/client/v3/createRoom");
  });
});
