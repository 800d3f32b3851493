import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { createMetrics } from "../../src/observability/metrics";

const DASHBOARD = join(__dirname, "..", "..", "..", "contrib", "grafana", "ircbridge-dashboard.json");

/** PromQL words that are not metric names: functions, aggregations, keywords. */
const PROMQL = new Set(
  "sum avg min max count stddev stdvar topk bottomk quantile count_values group by without on ignoring group_left group_right bool and or unless offset rate irate increase delta idelta deriv histogram_quantile abs ceil floor round clamp clamp_min clamp_max changes resets time vector scalar label_replace label_join sort sort_desc predict_linear absent absent_over_time avg_over_time min_over_time max_over_time sum_over_time count_over_time last_over_time quantile_over_time timestamp le inf nan".split(
    " ",
  ),
);

/** The metric names a PromQL expression reads: label matchers, grouping labels, ranges, strings and numbers removed. */
function metricsIn(expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, " ")
    .replace(/\{[^}]*\}/g, " ")
    .replace(/\[[^\]]*\]/g, " ")
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, " ");
  return (bare.match(/[A-Za-z_:][A-Za-z0-9_:]*/g) ?? []).filter((w) => !PROMQL.has(w.toLowerCase()));
}

interface Panel {
  readonly title: string;
  readonly targets?: readonly { readonly expr: string }[];
}

/** Every name the bridge's registry exports (histograms with their _bucket, _sum and _count series). */
async function exported(): Promise<Set<string>> {
  const metrics = await createMetrics().registry.getMetricsAsJSON();
  return new Set(metrics.flatMap((m) => (String(m.type) === "histogram" ? [`${m.name}_bucket`, `${m.name}_sum`, `${m.name}_count`] : [m.name])));
}

describe("the Grafana dashboard (contrib/grafana)", () => {
  it("queries only metrics the bridge exports, in every panel", async () => {
    const dashboard = JSON.parse(readFileSync(DASHBOARD, "utf8")) as { readonly panels: readonly Panel[] };
    const names = await exported();
    const exprs = dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => ({ panel: p.title, expr: t.expr })));
    assert.ok(exprs.length >= 15, "the dashboard has its panels' queries");
    const unknown = exprs.flatMap(({ panel, expr }) => metricsIn(expr).filter((n) => !names.has(n)).map((n) => `${panel}: ${n}`));
    assert.deepEqual(unknown, [], "metrics the bridge does not export");
    const read = new Set(exprs.flatMap(({ expr }) => metricsIn(expr)));
    assert.ok(read.size >= 20, `the dashboard reads most of the bridge's metrics (${read.size})`);
  });

  it("the check finds a name the bridge does not export (and ignores labels, ranges and functions)", async () => {
    const names = await exported();
    assert.deepEqual(metricsIn('sum by (network) (rate(ircbridge_irc_disconnects_total{network="x"}[5m]))'), ["ircbridge_irc_disconnects_total"]);
    assert.deepEqual(metricsIn("histogram_quantile(0.95, sum by (le) (rate(ircbridge_as_transaction_seconds_bucket[5m])))"), ["ircbridge_as_transaction_seconds_bucket"]);
    assert.ok(names.has("ircbridge_as_transaction_seconds_bucket"));
    assert.equal(names.has("ircbridge_process_resident_memory_bytes"), false, "a plausible name that is not exported");
  });
});
