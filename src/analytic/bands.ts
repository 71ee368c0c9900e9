/**
 * The stated accuracy of each approximation family against the simulator: relative bands per
 * metric, as `docs/analytic.md` documents them and the agreement test enforces them. A band is
 * keyed by the prefix of the Result's `approximation` string.
 *
 * Phase: analyze (data). Finite runs with random arrivals add sampling noise the model cannot
 * know; callers widen throughput bands by 3/√batches for Poisson/bursty/trace sources.
 */
export interface Band {
  /** Throughput and simulated time. */
  throughput: number;
  mean: number;
  p50: number;
  p99: number;
  yieldsPerRecord: number;
  /** Elapsed time of each task. */
  elapsed: number;
}

/** Absolute slack for latencies (ns): a remote check on a global-queue tick, histogram buckets. */
export const LATENCY_FLOOR_NS = 150;

export const BANDS: ReadonlyArray<{ prefix: string; band: Band }> = [
  { prefix: 'exact:', band: { throughput: 0.02, mean: 0.02, p50: 0.02, p99: 0.02, yieldsPerRecord: 0.02, elapsed: 0.02 } },
  { prefix: 'timer grid:', band: { throughput: 0.05, mean: 0.05, p50: 0.05, p99: 0.05, yieldsPerRecord: 0.02, elapsed: 0.05 } },
  {
    prefix: 'approx: timer polling',
    band: { throughput: 0.05, mean: 0.15, p50: 0.2, p99: 0.2, yieldsPerRecord: 0.15, elapsed: 0.05 },
  },
  // The cold share of a few hundred per-wake-up draws is a binomial sample: its tail moves by a
  // few per cent from run to run (docs/analytic.md §3.3).
  {
    prefix: 'approx: periodic arrivals, no queueing, warm/cold',
    band: { throughput: 0.02, mean: 0.05, p50: 0.05, p99: 0.1, yieldsPerRecord: 0.02, elapsed: 0.02 },
  },
  { prefix: 'approx: M/G/1', band: { throughput: 0.02, mean: 0.15, p50: 0.15, p99: 0.25, yieldsPerRecord: 0.15, elapsed: 0.05 } },
  {
    prefix: 'approx: multi_thread',
    band: { throughput: 0.02, mean: 0.3, p50: 0.3, p99: 0.3, yieldsPerRecord: 0.15, elapsed: 0.05 },
  },
  // multi_thread spinners: yields/record is not predicted (a spinner's cycle depends on steals and on
  // which worker holds the driver); the Result carries a warning saying so.
  { prefix: 'heuristic:', band: { throughput: 0.02, mean: 0.7, p50: 0.7, p99: 0.7, yieldsPerRecord: Infinity, elapsed: 0.05 } },
];

export function bandFor(approximation: string): Band | undefined {
  return BANDS.find((b) => approximation.startsWith(b.prefix))?.band;
}
