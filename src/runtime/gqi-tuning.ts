/**
 * multi_thread's self-tuning global queue interval (tokio ≥ 1.29, #5720 / #6445;
 * `scheduler/multi_thread/stats.rs` and `worker.rs` `tune_global_queue_interval` at tokio-1.53.1):
 * each worker keeps an EWMA of its mean poll time over "batches" of scheduled-task processing (from
 * the worker finding work to it running out of local work, or to its maintenance), weighted by
 * the number of polls in the batch; at every `tick % interval == 0` the interval becomes
 * 200 µs / EWMA clamped to [2, 127], when that differs from the current one by more than 2.
 *
 * The EWMA is rounded to whole ns after each update (tokio keeps an f64 of a clock read in ns):
 * the interval it gives differs only where 200 µs / EWMA lies within a rounding of an integer.
 *
 * Phase: simulate. Plain functions over a worker's typed-array state, no allocation; the weight
 * (1 − 0.9^n) comes from a table built by repeated multiplication, so it is the same bits on
 * every machine (Math.pow is not specified to the last bit).
 */

/** TASK_POLL_TIME_EWMA_ALPHA. */
const ALPHA = 0.1;
/** TARGET_GLOBAL_QUEUE_INTERVAL: 200 µs in ns. */
const TARGET_NS = 200_000;
/** TARGET_TASKS_POLLED_PER_GLOBAL_QUEUE_INTERVAL: the EWMA's seed is TARGET_NS / 61. */
const TARGET_TASKS = 61;
/** MAX_TASKS_POLLED_PER_GLOBAL_QUEUE_INTERVAL. */
const MAX_INTERVAL = 127;
const MIN_INTERVAL = 2;

/** The EWMA a worker starts with (ns). */
export const EWMA_SEED_NS = Math.round(TARGET_NS / TARGET_TASKS);

const KEEP_MAX = 1024;
/** KEEP[n] = (1 − α)^n for n ≤ 1024 (beyond, 0.9^1024 ≈ 2e-47 is as good as 0). */
const KEEP = (() => {
  const t = new Float64Array(KEEP_MAX + 1);
  t[0] = 1;
  for (let n = 1; n <= KEEP_MAX; n++) t[n] = t[n - 1] * (1 - ALPHA);
  return t;
})();

/** `end_processing_scheduled_tasks`: the new EWMA after a batch of `polls` polls lasting `elapsedNs`. */
export function updatedEwma(ewmaNs: number, elapsedNs: number, polls: number): number {
  if (polls <= 0) return ewmaNs;
  const keep = KEEP[polls < KEEP_MAX ? polls : KEEP_MAX];
  // PERF: kept in whole ns (tokio keeps an f64): an idle spinning cycle then reaches the same EWMA
  // again exactly, so the fast-forward can prove the cycle (bench/run.ts, multi_thread pipeline).
  return Math.round((1 - keep) * (elapsedNs / polls) + keep * ewmaNs);
}

/** `tune_global_queue_interval`: the interval to use after a tuning point. */
export function tunedInterval(current: number, ewmaNs: number): number {
  let next = ewmaNs > 0 ? Math.floor(TARGET_NS / ewmaNs) : MAX_INTERVAL;
  if (next > MAX_INTERVAL) next = MAX_INTERVAL;
  if (next < MIN_INTERVAL) next = MIN_INTERVAL;
  return Math.abs(next - current) > 2 ? next : current;
}
