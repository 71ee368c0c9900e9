/**
 * The metrics a sweep keeps from each run's Result, in this order (µs unless the name says otherwise).
 *
 * Phase: sweep. Its own module, free of the document schema (sweep-doc.ts), so that sweep worker
 * threads, which need only this list, do not load TypeBox at start-up.
 */
export const METRICS = [
  'recordsPerSec',
  'p50Us',
  'p90Us',
  'p99Us',
  'p999Us',
  'maxUs',
  'meanUs',
  'yieldsPerRecord',
  'cpuUs',
  'records',
  'coresBusy',
  'coresUseful',
  'coresWaiting',
  'coresScheduler',
] as const;
export type MetricName = (typeof METRICS)[number];

/** Levels at which each point's latency distribution is kept (`detail.latencyQuantilesUs`): a compact CDF. */
export const LATENCY_QUANTILES = [0.01, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99, 0.995, 0.999, 1] as const;

/** Spans kept in the traced point's `trace` (the report's timeline draws up to 1,000). */
export const TRACE_SPANS = 600;
