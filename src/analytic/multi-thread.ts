/**
 * multi_thread pieces of the analytic model (tokio-mechanics.md §2): how a batch's partition
 * messages spread over the workers.
 *
 * List scheduling over a wake chain: the worker that ran the coordinator keeps the last-routed
 * partition (LIFO slot) and runs it first; idle workers join one at a time, each woken by the
 * previous one when it leaves the searching state as the last searcher ("pass the baton", §2.3),
 * so helper k becomes available k wake latencies after the first; each available worker takes
 * the next queued message (greedy, earliest-available first). Steal-half moves several messages
 * at once in tokio; taking them one at a time gives the same makespan when messages are equal.
 *
 * Phase: analyze (hot path: no allocation after the first call).
 */
/** Where a schedule's record offsets go (a LatencyDist, or a collector of segments). */
export interface SegmentSink {
  addSegment(a: number, b: number, w: number): void;
}

interface JobLike {
  records: number;
  serviceNs: number;
  leadNs: number;
}

let avail = new Float64Array(16);

/**
 * Schedules the batch's jobs over `workers` workers and adds each job's record offsets to `d`
 * (relative to the coordinator's start). Worker 0 is free at `start0`; helpers arrive `gapNs`
 * apart once there is work to take (after `coordEndNs`; the first at `firstHelperNs` when given),
 * each paying `helperCostNs` (waking the next one) before its first job while a worker is still
 * parked (helper k < workers − 1: the last of the pool has no one to wake). `gapNs` = 0: helpers
 * are already running (spinners). Segment weights are divided by `weightDiv` (several residual
 * shifts of one batch). Returns the makespan.
 */
export function listSchedule(
  jobs: readonly JobLike[],
  workers: number,
  start0: number,
  gapNs: number,
  coordEndNs: number,
  recordNs: number,
  helperCostNs: number,
  d: SegmentSink,
  weightDiv = 1,
  firstHelperNs?: number,
): number {
  const W = Math.max(1, Math.min(workers, jobs.length));
  if (avail.length < W) avail = new Float64Array(W * 2);
  avail[0] = start0;
  let h = firstHelperNs ?? (gapNs === 0 ? start0 : gapNs >= coordEndNs ? gapNs : coordEndNs + gapNs);
  for (let k = 1; k < W; k++) {
    avail[k] = h + (k < workers - 1 ? helperCostNs : 0);
    if (gapNs > 0) h += gapNs;
  }
  const n = jobs.length;
  let end = 0;
  for (let i = 0; i < n; i++) {
    // Worker 0 runs the LIFO-slot message (the last routed) first; the rest in routing order.
    const j = jobs[i === 0 ? n - 1 : i - 1];
    let k = 0;
    if (i > 0) for (let q = 1; q < W; q++) if (avail[q] < avail[k]) k = q;
    const s = avail[k] + j.leadNs;
    d.addSegment(s + recordNs * 0.5, s + recordNs * (j.records + 0.5), j.records / weightDiv);
    avail[k] += j.serviceNs;
    if (avail[k] > end) end = avail[k];
  }
  return end;
}
