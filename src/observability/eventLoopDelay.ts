/**
 * The event-loop delay gauges of prom-client's default metrics, read as delay.
 *
 * prom-client fills `nodejs_eventloop_lag_{min,max,mean,p50,p90,p99}_seconds` from Node's
 * `monitorEventLoopDelay` histogram, which records the time between two ticks of its timer: the
 * sampling period itself plus any delay. With the bridge's 100 ms period an idle bridge read 0.1 s
 * of "lag" at every percentile, and the dashboard's p99 panel showed a stall that was not there.
 *
 * Guarantee: after `delayWithoutPeriod`, each of those gauges (same name, same registry) reports
 * what prom-client measured less the period, never below 0; the sample itself
 * (`nodejs_eventloop_lag_seconds`, a setImmediate's wait) and the standard deviation (unchanged by
 * a shift) are left as they are.
 */
import { Gauge, type Registry } from "prom-client";

/** The gauges shifted, and what each one reports. */
const SHIFTED = { min: "minimum", max: "maximum", mean: "mean", p50: "50th percentile", p90: "90th percentile", p99: "99th percentile" } as const;

/** Replaces the registry's delay gauges under `prefix` by ones that subtract `periodMs`. */
export function delayWithoutPeriod(registry: Registry, prefix: string, periodMs: number): void {
  const period = periodMs / 1000;
  for (const [which, what] of Object.entries(SHIFTED)) {
    const name = `${prefix}nodejs_eventloop_lag_${which}_seconds`;
    const measured = registry.getSingleMetric(name);
    if (measured === undefined) continue;
    registry.removeSingleMetric(name);
    new Gauge({
      name,
      help: `The ${what} of the event loop's delays since the last scrape, in seconds (the histogram's sampling period of ${periodMs} ms taken off).`,
      registers: [registry],
      async collect() {
        const value = (await measured.get()).values[0]?.value;
        if (value === undefined) return;
        this.set(Math.max(0, value - period));
      },
    });
  }
}
