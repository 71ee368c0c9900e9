/**
 * Streaming log-bucket histogram (HDR style) of non-negative integer nanosecond values.
 *
 * Phase: simulate (and measure: the probe uses the same bucket layout). Values below 256 are
 * exact; above, each power-of-two range is split into 128 linear sub-buckets, so any value is
 * reported within 1/256 (≈0.4 %) of its true value. Memory is fixed (6,016 float64 counters),
 * whatever the number of records; count, sum, min and max are exact.
 */
export const SUB_BUCKETS = 128;
export const HISTOGRAM_BUCKETS = 46 * SUB_BUCKETS + 128; // covers 0 … 2^53 ns

export function bucketIndex(v: number): number {
  if (v < 256) return v < 0 ? 0 : Math.floor(v);
  // PERF: integer ns below 2^32 (every latency under 4.3 s) take the bit-twiddling path; the
  // result is the same as the general one below (test/unit/engine, bench: records/s).
  if (v >>> 0 === v) {
    const shift = 24 - Math.clz32(v); // msb − 7
    return shift * SUB_BUCKETS + (v >>> shift);
  }
  return bucketIndexAny(v);
}

/** bucketIndex for any value ≥ 256 (fractional, or 2^32 ns and beyond). */
export function bucketIndexAny(v: number): number {
  const msb = Math.floor(Math.log2(v));
  // Math.log2 can be off by one at exact powers of two for large values; correct it.
  let shift = msb - 7;
  let scale = 2 ** shift;
  let sub = Math.floor(v / scale);
  if (sub >= 256) {
    shift++;
    scale *= 2;
    sub = Math.floor(v / scale);
  } else if (sub < 128) {
    shift--;
    scale /= 2;
    sub = Math.floor(v / scale);
  }
  return shift * SUB_BUCKETS + sub;
}

/** Lowest value that falls in bucket `i`, and the bucket's width. */
export function bucketLow(i: number): number {
  if (i < 256) return i;
  const shift = Math.floor(i / SUB_BUCKETS) - 1;
  const sub = (i % SUB_BUCKETS) + SUB_BUCKETS;
  return sub * 2 ** shift;
}
export function bucketWidth(i: number): number {
  if (i < 256) return 1;
  return 2 ** (Math.floor(i / SUB_BUCKETS) - 1);
}

export class Histogram {
  readonly counts = new Float64Array(HISTOGRAM_BUCKETS);
  count = 0;
  sum = 0;
  min = Infinity;
  max = 0;
  constructor() {
    // PERF (V8, issue 20): doubles from the start, so that the first non-integer recorded does not
    // change the class's field representation and throw away the optimised code that reads them.
    this.sum = 0.5;
    this.sum = 0;
    this.max = 0.5;
    this.max = 0;
  }

  record(v: number): void {
    this.counts[bucketIndex(v)]++;
    this.count++;
    this.sum += v;
    if (v < this.min) this.min = v;
    if (v > this.max) this.max = v;
  }

  merge(other: Histogram): void {
    for (let i = 0; i < HISTOGRAM_BUCKETS; i++) this.counts[i] += other.counts[i];
    this.count += other.count;
    this.sum += other.sum;
    if (other.min < this.min) this.min = other.min;
    if (other.max > this.max) this.max = other.max;
  }

  mean(): number {
    return this.count === 0 ? 0 : this.sum / this.count;
  }

  /** Value at quantile q ∈ [0, 1]: the midpoint of the bucket holding the ⌈q·count⌉-th value, clamped to [min, max]. */
  quantile(q: number): number {
    if (this.count === 0) return 0;
    const rank = Math.max(1, Math.ceil(q * this.count));
    let seen = 0;
    for (let i = 0; i < HISTOGRAM_BUCKETS; i++) {
      seen += this.counts[i];
      if (seen >= rank) {
        const mid = bucketLow(i) + (bucketWidth(i) - 1) / 2;
        return Math.min(this.max, Math.max(this.min, mid));
      }
    }
    return this.max;
  }

  /** Non-empty buckets as [lowNs, count] pairs (for reports and for comparing with the probe). */
  buckets(): Array<[number, number]> {
    const out: Array<[number, number]> = [];
    for (let i = 0; i < HISTOGRAM_BUCKETS; i++) if (this.counts[i] > 0) out.push([bucketLow(i), this.counts[i]]);
    return out;
  }
}

/** Welford's online mean/variance. */
export class RunningStats {
  n = 0;
  mean = 0;
  private m2 = 0;
  add(x: number): void {
    this.n++;
    const d = x - this.mean;
    this.mean += d / this.n;
    this.m2 += d * (x - this.mean);
  }
  variance(): number {
    return this.n > 1 ? this.m2 / (this.n - 1) : 0;
  }
}
