import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseResults, RESULTS_VERSION, type BenchResults, type ScaleResult } from "../../scripts/lib/bench/results";
import { CHART_FIGURES, drawChart, niceMax } from "../../scripts/lib/bench/svgChart";
import { formatMarkdown, formatTable, TABLE_ROWS } from "../../scripts/lib/bench/table";

function scale(users: number, channels: number, rssKiB: number, cpuMs: number, hsMs: number, heapBytes = 20000): ScaleResult {
  return {
    users,
    channels,
    label: channels === 1 ? `${users} users, 1 channel` : `${users} users, ${channels} channels`,
    perUser: { rssBytes: rssKiB * 1024, heapBytes, bridgeCpuMs: cpuMs, homeserverCpuMs: hsMs, homeserverRequests: 0.1 },
    joinLatencyMs: { p50: 120, p99: 300, max: 400 },
    wholeRunMs: users * 150,
    rssFitR2: 0.98,
    bridge: { rssStartBytes: 1e8, rssEndBytes: 2e8, heapStartBytes: 3e7, heapEndBytes: 5e7, cpuMs: users * cpuMs },
    homeserver: { cpuMs: users * hsMs, requests: users / 10, requestsByRoute: { "POST /_matrix/client/v3/createRoom": 1 } },
    load: { before: 1.5, after: 2.5 },
    rssSamples: [
      [0, 1e8],
      [users, 2e8],
    ],
  };
}

function run(label: string, factor: number): BenchResults {
  return {
    version: RESULTS_VERSION,
    label,
    commit: "abc1234",
    startedAt: "2026-12-03T16:00:00.000Z",
    finishedAt: "2026-12-03T16:20:00.000Z",
    host: { cpus: 2, node: "v20" },
    scales: [scale(100, 1, 150 * factor, 50 * factor, 300), scale(400, 1, 120 * factor, 60 * factor, 310), scale(1000, 1, 110 * factor, 70 * factor, 320), scale(1000, 100, 130 * factor, 80 * factor, 400)],
  };
}

const count = (text: string, re: RegExp) => (text.match(re) ?? []).length;

describe("bench: the SVG chart", () => {
  it("one panel per figure, each with both axes and one series per layout", () => {
    const svg = drawChart(run("after", 1));
    assert.match(svg, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    assert.equal(count(svg, /<g class="panel"/g), CHART_FIGURES.length);
    assert.equal(count(svg, /class="axis x"/g), CHART_FIGURES.length);
    assert.equal(count(svg, /class="axis y"/g), CHART_FIGURES.length);
    assert.equal(count(svg, /<path class="series"/g), 2 * CHART_FIGURES.length);
    for (const f of CHART_FIGURES) assert.match(svg, new RegExp(`data-figure="${f.key}"`));
    // The one-channel line goes through its three scales; the spread layout is one point (10 per channel).
    const oneChannel = /data-series="after, one channel" d="([^"]*)"/.exec(svg)?.[1] ?? "";
    assert.equal(count(oneChannel, /[ML]/g), 3);
    assert.match(svg, /data-series="after, many channels \(10 per channel\)"/);
    assert.equal(count(svg, /<circle /g), 4 * CHART_FIGURES.length);
  });

  it("a before/after pair: twice the series, the before ones dashed", () => {
    const svg = drawChart(run("after", 0.5), run("before", 1));
    assert.equal(count(svg, /<path class="series"/g), 4 * CHART_FIGURES.length);
    const dashed = svg.split("\n").filter((l) => l.includes('<path class="series"') && l.includes("stroke-dasharray"));
    assert.equal(dashed.length, 2 * CHART_FIGURES.length);
    assert.ok(dashed.every((l) => l.includes('data-series="before')));
  });

  it("a figure not measured is left out, never drawn as 0 or NaN", () => {
    const r = run("after", 1);
    const first = r.scales[0];
    assert.ok(first !== undefined);
    const withGap: BenchResults = { ...r, scales: [{ ...first, perUser: { ...first.perUser, homeserverCpuMs: NaN } }, ...r.scales.slice(1)] };
    const svg = drawChart(withGap);
    assert.doesNotMatch(svg, /NaN/);
    assert.equal(count(svg, /<circle /g), 4 * CHART_FIGURES.length - 1);
  });

  it("axes end on round numbers at or above the largest value", () => {
    assert.equal(niceMax(1000), 1000);
    assert.equal(niceMax(1001), 2000);
    assert.equal(niceMax(37), 50);
    assert.equal(niceMax(0.3), 0.5);
    assert.equal(niceMax(0), 1);
  });
});

describe("bench: the JSON and the table", () => {
  it("round-trips through JSON; a figure not measured is null in the file and NaN when read", () => {
    const r = run("after", 1);
    const first = r.scales[0];
    assert.ok(first !== undefined);
    const withGap: BenchResults = { ...r, scales: [{ ...first, perUser: { ...first.perUser, heapBytes: NaN } }] };
    const text = JSON.stringify(withGap, (_, v: unknown) => (typeof v === "number" && !Number.isFinite(v) ? null : v));
    assert.match(text, /"heapBytes":null/);
    const back = parseResults(text, "x.json").scales[0];
    assert.ok(back !== undefined);
    assert.ok(Number.isNaN(back.perUser.heapBytes));
    assert.equal(back.perUser.rssBytes, 150 * 1024);
    assert.deepEqual(Object.keys(back).sort(), Object.keys(first).sort());
  });

  it("refuses another version or a scale without its figures, naming what is wrong", () => {
    assert.throws(() => parseResults(JSON.stringify({ ...run("a", 1), version: 99 }), "old.json"), /old.json: version 99/);
    const r = JSON.parse(JSON.stringify(run("a", 1))) as { scales: { perUser: Record<string, unknown> }[] };
    delete r.scales[1]?.perUser.bridgeCpuMs;
    assert.throws(() => parseResults(JSON.stringify({ ...r, version: RESULTS_VERSION, label: "a" }), "f.json"), /scales\[1\]\.perUser\.bridgeCpuMs/);
  });

  it("the table has a column per scale and a row per figure; with a comparison each cell is before -> after", () => {
    const plain = formatTable(run("after", 1));
    const lines = plain.trimEnd().split("\n");
    assert.equal(lines.length, 2 + TABLE_ROWS.length);
    assert.match(lines[1] ?? "", /100 users, 1 channel +400 users, 1 channel +1000 users, 1 channel +1000 users, 100 channels/);
    assert.match(plain, /bridge RSS growth per user \(slope\), KiB +150\.0 +120\.0 +110\.0 +130\.0/);
    const compared = formatTable(run("after", 0.5), run("before", 1));
    assert.match(compared, /^Bench: before -> after/);
    assert.match(compared, /bridge CPU per user, ms +50\.0 -> 25\.0 +60\.0 -> 30\.0/);
    const md = formatMarkdown(run("after", 0.5), run("before", 1));
    assert.match(md, /\n\| bridge CPU per user, ms \| 50\.0 -> 25\.0 \| 60\.0 -> 30\.0 \| 70\.0 -> 35\.0 \| 80\.0 -> 40\.0 \|\n/);
  });

  it("a portal's cost and a later user's: the CPU of the first `channels` joins per portal, the rest per later user; '-' for runs without it", () => {
    const r = run("after", 1);
    const spread = r.scales[3];
    const single = r.scales[0];
    assert.ok(spread !== undefined && single !== undefined);
    // 1,000 users over 100 channels, 80,000 ms in all: 3,000 for the 100 portals, 77,000 for the 900 others.
    const withPortals: BenchResults = { ...r, scales: [{ ...single, bridge: { ...single.bridge, portalsCpuMs: 40 } }, { ...spread, bridge: { ...spread.bridge, portalsCpuMs: 3000 } }] };
    const table = formatTable(withPortals);
    assert.match(table, /bridge CPU per portal opened, with its first user, ms +40\.0 +30\.0\n/);
    assert.match(table, /bridge CPU per user joining an open portal, ms +50\.1 +85\.6\n/);
    assert.match(formatTable(r), /bridge CPU per portal opened, with its first user, ms +- +- +- +-\n/);
    assert.match(formatTable(r), /bridge CPU per user joining an open portal, ms +- +- +- +-\n/);
    // Every user opened a portal (100 over 100): all of the CPU is the portals', and no later user.
    const allPortals: BenchResults = { ...r, scales: [{ ...scale(100, 100, 50, 30, 300), bridge: { ...scale(100, 100, 50, 30, 300).bridge, portalsCpuMs: 3000 } }] };
    assert.match(formatTable(allPortals), /bridge CPU per portal opened, with its first user, ms +30\.0\n/);
    assert.match(formatTable(allPortals), /bridge CPU per user joining an open portal, ms +-\n/);
    // Through the JSON file and back.
    const back = parseResults(JSON.stringify(withPortals), "p.json");
    assert.equal(back.scales[1]?.bridge.portalsCpuMs, 3000);
    assert.equal(formatTable(back), table);
  });
});
