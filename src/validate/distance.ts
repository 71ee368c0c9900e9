/**
 * The distance between two latency distributions held as streaming-histogram buckets
 * (`Result.latencyBuckets`: [low edge ns, count]). The simulator and the probe use the same
 * buckets, so the two distributions are compared on one grid, each bucket's records at its low
 * edge (the histogram's resolution, a few %, bounds what that costs).
 *
 * Phase: validate. Pure.
 */

/** `Result.latencyBuckets`: [low edge in ns, count], any order. */
export type Buckets = readonly (readonly [number, number])[];

export interface Distance {
  /** Wasserstein-1 (earth mover's) distance: ∫ |F_a(x) − F_b(x)| dx, in µs. */
  distanceUs: number;
  meanAUs: number;
  meanBUs: number;
}

/**
 * The Wasserstein-1 distance between `a` and `b`: the mean distance a record of one distribution
 * must move to turn it into the other. For two distributions that differ by a shift it is the
 * shift; it is at least the difference of the means. Undefined when either side is empty.
 */
export function wasserstein(a: Buckets, b: Buckets): Distance | undefined {
  const total = (x: Buckets) => x.reduce((s, [, n]) => s + n, 0);
  const ta = total(a);
  const tb = total(b);
  if (ta <= 0 || tb <= 0) return undefined;
  const mean = (x: Buckets, t: number) => x.reduce((s, [ns, n]) => s + ns * n, 0) / t / 1000;
  const sa = [...a].sort((x, y) => x[0] - y[0]);
  const sb = [...b].sort((x, y) => x[0] - y[0]);
  let i = 0;
  let j = 0;
  let ca = 0;
  let cb = 0;
  let area = 0; // ns × fraction
  while (i < sa.length || j < sb.length) {
    const edge = Math.min(i < sa.length ? sa[i][0] : Infinity, j < sb.length ? sb[j][0] : Infinity);
    while (i < sa.length && sa[i][0] === edge) ca += sa[i++][1];
    while (j < sb.length && sb[j][0] === edge) cb += sb[j++][1];
    const next = Math.min(i < sa.length ? sa[i][0] : Infinity, j < sb.length ? sb[j][0] : Infinity);
    if (next === Infinity) break; // both CDFs are 1 from here on
    area += Math.abs(ca / ta - cb / tb) * (next - edge);
  }
  return { distanceUs: area / 1000, meanAUs: mean(a, ta), meanBUs: mean(b, tb) };
}
