/**
 * Small statistics for the benchmarks.
 *
 * Guarantee of `regressionSlope`: the ordinary least-squares line through the points (x = users
 * joined, y = bytes), so a one-off cost (a portal created, a cache warmed, a GC that happened to run)
 * moves the intercept, not the per-user slope; with fewer than two distinct x there is no line and
 * the slope is NaN (never a division by zero presented as a figure).
 */
export interface Fit {
  readonly slope: number;
  readonly intercept: number;
  /** Coefficient of determination, 0..1 (1: every point on the line); NaN when y never varies. */
  readonly r2: number;
  readonly n: number;
}

export function regressionSlope(points: readonly (readonly [number, number])[]): Fit {
  const n = points.length;
  if (n === 0) return { slope: NaN, intercept: NaN, r2: NaN, n };
  let sx = 0;
  let sy = 0;
  for (const [x, y] of points) {
    sx += x;
    sy += y;
  }
  const mx = sx / n;
  const my = sy / n;
  let sxx = 0;
  let sxy = 0;
  let syy = 0;
  for (const [x, y] of points) {
    sxx += (x - mx) ** 2;
    sxy += (x - mx) * (y - my);
    syy += (y - my) ** 2;
  }
  if (sxx === 0) return { slope: NaN, intercept: NaN, r2: NaN, n };
  const slope = sxy / sxx;
  const intercept = my - slope * mx;
  const r2 = syy === 0 ? NaN : (sxy * sxy) / (sxx * syy);
  return { slope, intercept, r2, n };
}

/** The p-th percentile (nearest rank, 0..100) of `values`; NaN when there are none. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))] ?? NaN;
}
