import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Gauge, Registry } from "prom-client";
import { delayWithoutPeriod } from "../../src/observability/eventLoopDelay";
import { createMetrics } from "../../src/observability/metrics";

const PREFIX = "ircbridge_process_";

async function valueOf(registry: Registry, name: string): Promise<number | undefined> {
  const all = await registry.getMetricsAsJSON();
  return all.find((m) => m.name === name)?.values[0]?.value;
}

/** A registry with prom-client's shape: one sample gauge whose collect sets the histogram's gauges. */
function fakeDefaults(measured: Record<string, number>): Registry {
  const registry = new Registry();
  const gauges = new Map<string, Gauge>();
  new Gauge({
    name: `${PREFIX}nodejs_eventloop_lag_seconds`,
    help: "sample",
    registers: [registry],
    collect() {
      this.set(0.001);
      for (const [which, value] of Object.entries(measured)) gauges.get(which)?.set(value);
    },
  });
  for (const which of ["min", "max", "mean", "stddev", "p50", "p90", "p99"]) {
    gauges.set(which, new Gauge({ name: `${PREFIX}nodejs_eventloop_lag_${which}_seconds`, help: which, registers: [registry] }));
  }
  return registry;
}

describe("event-loop delay gauges (observability/eventLoopDelay.ts)", () => {
  it("report what the histogram measured less its sampling period, under the same names", async () => {
    const registry = fakeDefaults({ min: 0.1002, max: 0.35, mean: 0.12, stddev: 0.02, p50: 0.1003, p90: 0.2, p99: 0.3 });
    delayWithoutPeriod(registry, PREFIX, 100);
    const read = (which: string) => valueOf(registry, `${PREFIX}nodejs_eventloop_lag_${which}_seconds`);
    const near = (value: number | undefined, expected: number) => assert.ok(value !== undefined && Math.abs(value - expected) < 1e-9, `${value} is not ${expected}`);
    near(await read("p99"), 0.2);
    near(await read("p90"), 0.1);
    near(await read("max"), 0.25);
    near(await read("mean"), 0.02);
    near(await read("p50"), 0.0003);
    assert.equal(await read("stddev"), 0.02, "a shift leaves the spread as it is");
    assert.equal(await valueOf(registry, `${PREFIX}nodejs_eventloop_lag_seconds`), 0.001, "the sample is not a histogram reading");
  });

  it("never below 0 (a tick that came a little early)", async () => {
    const registry = fakeDefaults({ min: 0.0995, max: 0.0999, mean: 0.0997, p50: 0.0997, p90: 0.0998, p99: 0.0999 });
    delayWithoutPeriod(registry, PREFIX, 100);
    assert.equal(await valueOf(registry, `${PREFIX}nodejs_eventloop_lag_min_seconds`), 0);
    assert.equal(await valueOf(registry, `${PREFIX}nodejs_eventloop_lag_p99_seconds`), 0);
  });

  it("the bridge's metrics: a quiet process reads a p99 well under the period; prom-client's own reading is the period", async () => {
    const bridge = createMetrics().registry;
    const raw = new Registry();
    const { collectDefaultMetrics } = await import("prom-client");
    collectDefaultMetrics({ register: raw, prefix: PREFIX, eventLoopMonitoringPrecision: 100 });
    await new Promise((resolve) => setTimeout(resolve, 450));
    const measured = await valueOf(raw, `${PREFIX}nodejs_eventloop_lag_p99_seconds`);
    assert.ok(measured !== undefined && measured >= 0.09, `prom-client's histogram counts the period (positive control): ${measured}`);
    const p99 = await valueOf(bridge, `${PREFIX}nodejs_eventloop_lag_p99_seconds`);
    assert.ok(p99 !== undefined && p99 < 0.05, `p99 ${p99}`);
  });
});
