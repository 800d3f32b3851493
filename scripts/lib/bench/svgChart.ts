import type { BenchResults, ScaleResult } from "./results";

/**
 * Draws per-user cost against number of users as a stand-alone SVG (no dependency): one panel per
 * figure, one series per run and layout (one channel; users spread over many channels), so growth
 * shows as a rising line and a before/after pair as two lines (before dashed). Guarantee: every
 * finite figure of every run is a point on its panel (NaN figures are left out, never drawn as 0),
 * and each panel's axes start at 0 so slopes are not exaggerated.
 */
export interface Figure {
  readonly key: string;
  readonly title: string;
  readonly value: (s: ScaleResult) => number;
}

export const CHART_FIGURES: readonly Figure[] = [
  { key: "rssKiB", title: "bridge RSS growth per user (KiB)", value: (s) => s.perUser.rssBytes / 1024 },
  { key: "bridgeCpuMs", title: "bridge CPU per user (ms)", value: (s) => s.perUser.bridgeCpuMs },
  { key: "homeserverCpuMs", title: "homeserver CPU per user (ms)", value: (s) => s.perUser.homeserverCpuMs },
];

interface Series {
  readonly name: string;
  readonly dashed: boolean;
  readonly colour: string;
  readonly scales: readonly ScaleResult[];
}

const W = 360;
const H = 260;
const M = { left: 52, right: 14, top: 30, bottom: 40 };
const COLOURS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd"];

const esc = (t: string) => t.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
const num = (v: number) => (Math.round(v * 10) / 10).toString();

/** A round upper bound for an axis (1, 2, 2.5 or 5 times a power of ten). */
export function niceMax(value: number): number {
  if (!(value > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(value));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= value) return m * p;
  return 10 * p;
}

function seriesOf(runs: readonly BenchResults[]): Series[] {
  const out: Series[] = [];
  runs.forEach((run, r) => {
    const layouts: [string, (s: ScaleResult) => boolean][] = [
      ["one channel", (s) => s.channels === 1],
      ["many channels", (s) => s.channels > 1],
    ];
    layouts.forEach(([layout, pick], l) => {
      const scales = run.scales.filter(pick).sort((a, b) => a.users - b.users);
      if (scales.length === 0) return;
      const spread = scales[0] === undefined || scales[0].channels === 1 ? "" : ` (${scales[0].users / scales[0].channels} per channel)`;
      out.push({ name: `${run.label}, ${layout}${spread}`, dashed: runs.length > 1 && r === 0, colour: COLOURS[l % COLOURS.length] ?? "#000", scales });
    });
  });
  return out;
}

function panel(figure: Figure, series: readonly Series[], maxUsers: number, x0: number): string {
  const values = series.flatMap((s) => s.scales.map(figure.value)).filter(Number.isFinite);
  const yMax = niceMax(Math.max(0, ...values));
  const xMax = niceMax(maxUsers);
  const pw = W - M.left - M.right;
  const ph = H - M.top - M.bottom;
  const px = (x: number) => x0 + M.left + (x / xMax) * pw;
  const py = (y: number) => M.top + ph - (y / yMax) * ph;
  const parts: string[] = [`<g class="panel" data-figure="${figure.key}">`];
  parts.push(`<text x="${x0 + W / 2}" y="18" text-anchor="middle" font-size="13">${esc(figure.title)}</text>`);
  for (let i = 0; i <= 5; i++) {
    const yv = (yMax * i) / 5;
    const xv = (xMax * i) / 5;
    parts.push(`<line class="grid" x1="${px(0)}" y1="${py(yv)}" x2="${px(xMax)}" y2="${py(yv)}" stroke="#ddd"/>`);
    parts.push(`<text x="${px(0) - 4}" y="${py(yv) + 4}" text-anchor="end" font-size="10">${num(yv)}</text>`);
    parts.push(`<text x="${px(xv)}" y="${py(0) + 14}" text-anchor="middle" font-size="10">${num(xv)}</text>`);
  }
  parts.push(`<line class="axis x" x1="${px(0)}" y1="${py(0)}" x2="${px(xMax)}" y2="${py(0)}" stroke="#000"/>`);
  parts.push(`<line class="axis y" x1="${px(0)}" y1="${py(0)}" x2="${px(0)}" y2="${py(yMax)}" stroke="#000"/>`);
  parts.push(`<text x="${px(xMax / 2)}" y="${H - 8}" text-anchor="middle" font-size="11">users joined</text>`);
  for (const s of series) {
    const points = s.scales.map((sc) => [sc.users, figure.value(sc)] as const).filter(([, v]) => Number.isFinite(v));
    const d = points.map(([x, y], i) => `${i === 0 ? "M" : "L"}${num(px(x))},${num(py(y))}`).join(" ");
    parts.push(`<path class="series" data-series="${esc(s.name)}" d="${d}" fill="none" stroke="${s.colour}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 4"' : ""}/>`);
    for (const [x, y] of points) {
      parts.push(`<circle cx="${num(px(x))}" cy="${num(py(y))}" r="3.5" fill="${s.colour}"><title>${esc(`${s.name}: ${x} users, ${num(y)}`)}</title></circle>`);
    }
  }
  parts.push("</g>");
  return parts.join("\n");
}

/** The chart of `after` (and `before`, dashed, when given). */
export function drawChart(after: BenchResults, before?: BenchResults): string {
  const runs = before === undefined ? [after] : [before, after];
  const series = seriesOf(runs);
  const maxUsers = Math.max(1, ...runs.flatMap((r) => r.scales.map((s) => s.users)));
  const width = W * CHART_FIGURES.length;
  const legendY = H + 10;
  const height = legendY + 18 * series.length + 10;
  const legend = series.map(
    (s, i) =>
      `<line x1="20" y1="${legendY + 18 * i}" x2="50" y2="${legendY + 18 * i}" stroke="${s.colour}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 4"' : ""}/>` +
      `<text x="58" y="${legendY + 18 * i + 4}" font-size="12">${esc(s.name)}</text>`,
  );
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    ...CHART_FIGURES.map((f, i) => panel(f, series, maxUsers, i * W)),
    ...legend,
    "</svg>",
    "",
  ].join("\n");
}
