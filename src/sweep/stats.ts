/**
 * Replication statistics: mean and 95% Student-t confidence interval, and replication seeds.
 *
 * Phase: sweep. Sums run in replication order, so the same runs give the same bits.
 */
import { studentTCritical } from '../engine/student-t.js';
import type { Interval } from '../schema/sweep-doc.js';

const t975Cache = new Map<number, number>();

/** t(0.975, df): the two-sided 95% critical value (engine/student-t.ts), cached per df; NaN for df ≤ 0. */
export function t975(df: number): number {
  if (!(df >= 1)) return NaN;
  let t = t975Cache.get(df);
  if (t === undefined) {
    t = studentTCritical(0.95, df);
    t975Cache.set(df, t);
  }
  return t;
}

/** Mean and 95% CI of `xs`; with one sample the interval is the point itself (`n` says so). */
export function meanInterval(xs: readonly number[]): Interval {
  const n = xs.length;
  if (n === 0) throw new Error('internal: meanInterval of no samples');
  let sum = 0;
  for (const x of xs) sum += x;
  const mean = sum / n;
  if (n === 1) return { mean, lo: mean, hi: mean, n };
  let ss = 0;
  for (const x of xs) ss += (x - mean) * (x - mean);
  const half = t975(n - 1) * Math.sqrt(ss / (n - 1) / n);
  return { mean, lo: mean - half, hi: mean + half, n };
}

export { replicationSeeds } from '../plan/run-set.js';

/**
 * Latency (µs) at each level of `levels` from a Result's `[lowNs, count]` histogram buckets:
 * linear inside a bucket, between its low edge and the next bucket's (the last bucket ends at
 * `maxNs`, the run's exact maximum). No records: all zeros.
 */
export function quantilesFromBuckets(
  buckets: readonly (readonly [number, number])[],
  levels: readonly number[],
  maxNs: number,
): number[] {
  const sorted = [...buckets].filter((b) => b[1] > 0).sort((a, b) => a[0] - b[0]);
  const total = sorted.reduce((n, b) => n + b[1], 0);
  if (total === 0) return levels.map(() => 0);
  return levels.map((q) => {
    const target = q * total;
    let before = 0;
    for (let i = 0; i < sorted.length; i++) {
      const [low, n] = sorted[i];
      if (before + n >= target || i === sorted.length - 1) {
        const high = i + 1 < sorted.length ? sorted[i + 1][0] : Math.max(low, maxNs);
        const f = Math.min(1, Math.max(0, (target - before) / n));
        return Math.round(low + f * (high - low)) / 1000;
      }
      before += n;
    }
    return maxNs / 1000;
  });
}
