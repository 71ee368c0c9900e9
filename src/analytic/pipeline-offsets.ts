/**
 * The pipeline model, step 1 (pipeline-prepare.ts), the batch's schedule: each job's record
 * offsets inside a batch and the batch's makespan (rate-independent, so done once per plan),
 * over the residual waits of sleep-polling stages or the quantiles of the worker-to-worker
 * wake-up of a multi_thread fork. Pipelines whose notifies are drawn use the notify chain
 * (pipeline-notify-chain.ts) instead.
 *
 * Phase: analyze. Formulas: docs/analytic.md.
 */
import type { PlanCost } from '../plan/types.js';
import { cdfOf, cdfQuantile, FastLatency } from './percentiles.js';
import { listSchedule } from './multi-thread.js';
import type { PreparedPipeline } from './pipeline-prepare.js';

/** Quantile points of the worker-to-worker wake-up the analytic fork averages over. */
export const WAKE_POINTS = 8;

/** The wake-up latency at WAKE_POINTS equally likely quantiles ((k + ½)/K), ns. */
export function wakeGaps(c: PlanCost): Float64Array {
  const cdf = cdfOf(c);
  return Float64Array.from({ length: WAKE_POINTS }, (_, k) => cdfQuantile(cdf, (k + 0.5) / WAKE_POINTS));
}

/** Rate-independent, so done once here: each job's record offsets inside a batch and the batch's makespan (pipeline.ts, step 2). */
export function prepareOffsets(pp: PreparedPipeline): void {
  const { ctx, jobs } = pp;
  const c = ctx.c;
  const d = pp.dist;
  const P = pp.shape.stages.length;
  d.reset();
  let offEnd = 0;
  let spanMean = 0;
  let spanM2 = 0;
  const coordEnd = pp.coordNs;
  // Sleep-polling stages see a message only at their next timer expiry: the batch's records are
  // shifted by that residual (a few discrete values, see sleepShifts).
  // Multi_thread forks: one schedule per quantile of the helper's wake-up, equally weighted.
  const nShift = pp.wait === 'sleep' ? sleepShifts(pp) : pp.mt && pp.wait !== 'yield' ? WAKE_POINTS : 1;
  for (let k = 0; k < nShift; k++) {
    const shift = pp.wait === 'sleep' ? shiftBuf[k] : 0;
    let end = 0;
    if (!pp.mt) {
      let t = coordEnd + c.remoteCheck + shift;
      if (pp.wait === 'yield') t += c.driverPoll + c.remoteCheck; // partitions are deferred: released by the driver poll
      for (const j of jobs) {
        const s = t + j.leadNs;
        d.addSegment(s + pp.recordNs * 0.5, s + pp.recordNs * (j.records + 0.5), j.records / nShift);
        t += j.serviceNs;
      }
      if (pp.wait === 'yield') t += (P - jobs.length) * pp.idlePollNs; // spinners without a message poll once more
      end = t;
    } else {
      // The first worker runs the coordinator; helpers arrive one wake latency apart (the
      // "last searcher wakes another" chain), or at once when they spin.
      const gap = pp.wait === 'yield' ? 0 : pp.workerWakeGaps[k] + c.steal;
      const start0 = coordEnd + (pp.wait === 'yield' ? pp.idlePollNs / 2 : 0) + shift;
      end = listSchedule(jobs, pp.threads, start0, gap, coordEnd, pp.recordNs, pp.wait === 'yield' ? 0 : pp.unparkNs, d, nShift);
      spanMean += end / nShift;
      spanM2 += (end * end) / nShift;
    }
    offEnd += end / nShift;
  }
  pp.offEndNs = offEnd;
  if (pp.mt && pp.wait !== 'yield') {
    pp.forkSpanMean = spanMean;
    pp.forkSpanM2 = spanM2;
  }
  d.setIdle(1, 0);
  const [lo, hi] = d.segmentRange();
  pp.fast = new FastLatency(d, lo, hi, d.wakeMax());
}

const shiftBuf = new Float64Array(16);

/**
 * Residual waits of a batch for a sleep(d)-polling stage, into `shiftBuf`; returns how many
 * (equally likely). The stages' timers phase-lock to the 1 ms grid with period
 * Π = ⌈(d + timer registration)/1 ms⌉ ms (the park overshoot of expiries on an idle runtime is
 * the distribution's random part, see evaluatePipeline). Arrivals on the grid (periodic, interval and phase whole ms) land at the
 * instant the stages poll, after them in the run queue: they wait Π, Π − T, …; arrivals at any
 * other phase wait a residual uniform on (0, Π].
 */
function sleepShifts(pp: PreparedPipeline): number {
  const res = pp.ctx.plan.runtime.timerResolutionNs;
  const period = res * Math.ceil((pp.sleepNs + pp.ctx.c.timerRegister) / res);
  const a = pp.ctx.plan.sources[pp.shape.source].arrival;
  const aligned = a.kind === 'periodic' && a.intervalNs % res === 0 && a.phaseNs % res === 0;
  if (aligned) {
    const step = Math.min(a.intervalNs, res);
    const n = Math.max(1, Math.min(shiftBuf.length, Math.round(period / step)));
    for (let k = 0; k < n; k++) shiftBuf[k] = period - k * step;
    return n;
  }
  const n = 8;
  for (let k = 0; k < n; k++) shiftBuf[k] = ((k + 0.5) / n) * period;
  return n;
}
