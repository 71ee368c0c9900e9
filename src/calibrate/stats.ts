/**
 * Robust statistics for calibration: least-squares lines, quantiles, median/MAD, Tukey fences
 * and a seeded bootstrap.
 *
 * Phase: calibrate. Pure functions over plain arrays; nothing here reads files or prints.
 * Slope-type benchmarks are fitted over a ladder of iteration counts as criterion does, so fixed
 * per-sample overhead (timer reads, spawning the outer task) lands in the intercept and the slope
 * is the per-iteration cost; but with the Theil–Sen estimator rather than criterion's ordinary least
 * squares: on a shared VM one preempted sample of a few ms among sixty of ~1 ms moves an OLS slope
 * by tens of percent (docs/calibration.md, Statistics).
 */
import { type Prng } from '../engine/prng.js';

export interface Point {
  x: number;
  y: number;
}

export interface LineFit {
  slope: number;
  intercept: number;
  /** Coefficient of determination; 1 when every point lies on the line (or y is constant). */
  r2: number;
  n: number;
}

/** Ordinary least squares y = intercept + slope·x. Needs ≥ 2 points with distinct x. */
export function fitLine(points: readonly Point[]): LineFit {
  const n = points.length;
  if (n < 2) throw new Error(`internal: fitLine needs at least 2 points (got ${n})`);
  let sx = 0;
  let sy = 0;
  for (const p of points) {
    sx += p.x;
    sy += p.y;
  }
  const mx = sx / n;
  const my = sy / n;
  let sxx = 0;
  let sxy = 0;
  let syy = 0;
  for (const p of points) {
    const dx = p.x - mx;
    const dy = p.y - my;
    sxx += dx * dx;
    sxy += dx * dy;
    syy += dy * dy;
  }
  if (sxx === 0) throw new Error('internal: fitLine needs at least two distinct x values');
  const slope = sxy / sxx;
  const intercept = my - slope * mx;
  const r2 = syy === 0 ? 1 : (sxy * sxy) / (sxx * syy);
  return { slope, intercept, r2, n };
}

/**
 * Theil–Sen line (Sen 1968): the slope is the median of the slopes of all pairs of points with
 * distinct x, the intercept the median of y − slope·x. Its breakdown point is ~29 %: up to that
 * share of points can be anywhere without moving the slope far, where one far-out point moves an
 * OLS slope without bound. Needs ≥ 2 points with distinct x. `r2` is the OLS line's (a linearity
 * diagnostic, DS1306), the line itself is not.
 */
export function fitLineRobust(points: readonly Point[]): LineFit {
  const n = points.length;
  const ols = fitLine(points);
  let m = 0;
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) if (points[i].x !== points[j].x) m++;
  const slopes = new Float64Array(m);
  let k = 0;
  for (let i = 0; i < n; i++) {
    const a = points[i];
    for (let j = i + 1; j < n; j++) {
      const b = points[j];
      if (a.x !== b.x) slopes[k++] = (b.y - a.y) / (b.x - a.x);
    }
  }
  slopes.sort();
  const slope = quantileSorted(slopes, 0.5);
  const rest = new Float64Array(n);
  for (let i = 0; i < n; i++) rest[i] = points[i].y - slope * points[i].x;
  rest.sort();
  return { slope, intercept: quantileSorted(rest, 0.5), r2: ols.r2, n };
}

/** Whether a set of points can be fitted (≥ 2 points, ≥ 2 distinct x). */
export function canFitLine(points: readonly Point[]): boolean {
  return points.length >= 2 && points.some((p) => p.x !== points[0].x);
}

/** Sorted copy (ascending, numeric: a typed-array sort avoids the default string order). */
export function sorted(values: readonly number[]): number[] {
  return Array.from(Float64Array.from(values).sort());
}

/**
 * Quantile of an ascending-sorted array, linear interpolation between order statistics
 * (Hyndman & Fan type 7, the default of R and numpy).
 */
export function quantileSorted(asc: ArrayLike<number>, q: number): number {
  const n = asc.length;
  if (n === 0) throw new Error('internal: quantile of an empty array');
  const h = (n - 1) * Math.min(1, Math.max(0, q));
  const lo = Math.floor(h);
  const hi = Math.min(n - 1, lo + 1);
  return asc[lo] + (h - lo) * (asc[hi] - asc[lo]);
}

export function quantile(values: readonly number[], q: number): number {
  return quantileSorted(sorted(values), q);
}

export function median(values: readonly number[]): number {
  return quantile(values, 0.5);
}

/** Median absolute deviation (unscaled: the median of |x − median|). */
export function mad(values: readonly number[]): number {
  const m = median(values);
  return median(values.map((v) => Math.abs(v - m)));
}

export interface OutlierCounts {
  /** Outside the inner fences Q1 − 1.5·IQR, Q3 + 1.5·IQR (includes the severe ones). */
  mild: number;
  /** Outside the outer fences Q1 − 3·IQR, Q3 + 3·IQR. */
  severe: number;
}

/** Tukey's upper far fence, Q3 + 3·IQR (values above it are "far out"). */
export function farFence(values: readonly number[]): number {
  const asc = sorted(values);
  const q1 = quantileSorted(asc, 0.25);
  const q3 = quantileSorted(asc, 0.75);
  return q3 + 3 * (q3 - q1);
}

/** Tukey's fences, as criterion reports them. */
export function tukeyOutliers(values: readonly number[]): OutlierCounts {
  if (values.length < 4) return { mild: 0, severe: 0 };
  const asc = sorted(values);
  const q1 = quantileSorted(asc, 0.25);
  const q3 = quantileSorted(asc, 0.75);
  const iqr = q3 - q1;
  let mild = 0;
  let severe = 0;
  for (const v of asc) {
    if (v < q1 - 3 * iqr || v > q3 + 3 * iqr) severe++;
    if (v < q1 - 1.5 * iqr || v > q3 + 1.5 * iqr) mild++;
  }
  return { mild, severe };
}

/**
 * Bootstrap replicates of a statistic: `resamples` times, draw `data.length` items with
 * replacement (seeded PRNG, so the same seed gives the same replicates) and apply `stat`.
 * Replicates where `stat` is undefined (e.g. a resample with a single distinct x) are redrawn
 * up to a bounded number of times, then skipped.
 */
export function bootstrap<T>(
  data: readonly T[],
  stat: (sample: T[]) => number | undefined,
  prng: Prng,
  resamples: number,
): number[] {
  const out: number[] = [];
  const sample: T[] = new Array<T>(data.length);
  let attempts = 0;
  while (out.length < resamples && attempts < resamples * 4) {
    attempts++;
    for (let i = 0; i < data.length; i++) sample[i] = data[prng.nextInt(data.length)];
    const v = stat(sample);
    if (v !== undefined && Number.isFinite(v)) out.push(v);
  }
  return out;
}

/** Percentile interval [q(α/2), q(1−α/2)] of bootstrap replicates (95% by default). */
export function percentileInterval(replicates: readonly number[], level = 0.95): [number, number] {
  const asc = sorted(replicates);
  const a = (1 - level) / 2;
  return [quantileSorted(asc, a), quantileSorted(asc, 1 - a)];
}

/** Quantiles at the probabilities `ps` (each in [0, 1]) of `values`. */
export function quantiles(values: readonly number[], ps: readonly number[]): number[] {
  const asc = sorted(values);
  return ps.map((p) => quantileSorted(asc, p));
}

/** Rounds to 0.1 for ns-sized values and 4 significant digits otherwise: stable, readable JSON. */
export function roundFigure(x: number): number {
  if (!Number.isFinite(x)) return x;
  if (Math.abs(x) >= 10) return Math.round(x * 10) / 10;
  return Number(x.toPrecision(4));
}
