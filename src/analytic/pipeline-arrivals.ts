/**
 * The pipeline model, step 1 (pipeline-prepare.ts), the source's side: its arrival process as a
 * rate λ, a variability c_a² and a batch count, and the outside wake-up that picks a batch up
 * when the runtime parked between batches (warm or cold under the host's halt-polling, and
 * mixtures of two wake-up distributions).
 *
 * Phase: analyze. Formulas: docs/analytic.md.
 */
import type { Ctx } from './context.js';
import type { PlanCost, PlanSource } from '../plan/types.js';
import { cdfOf } from './percentiles.js';
import { costMoments } from './costs.js';
import { arrivalScv } from './queueing.js';
import { hostPolls } from '../plan/runtime-costs.js';

export interface Arrivals {
  /** Batches per ns, and the squared coefficient of variation of inter-arrival times. */
  lambda: number;
  ca2: number;
  batches: number;
  first: number;
  recordsPerBatch: number;
}

/** The source's arrival process as a rate, a variability and a batch count, or why not. */
export function arrivalsOf(src: PlanSource): Arrivals | string {
  const a = src.arrival;
  let lambda: number;
  let ca2: number;
  let batches: number;
  let first = 0;
  let recordsPerBatch = src.records;
  switch (a.kind) {
    case 'periodic':
      lambda = 1 / a.intervalNs;
      ca2 = 0;
      first = a.phaseNs;
      batches = src.batches >= 0 ? src.batches : Math.floor((src.durationNs - a.phaseNs) / a.intervalNs) + 1;
      if (src.batches >= 0 && src.durationNs >= 0)
        batches = Math.min(batches, Math.floor((src.durationNs - a.phaseNs) / a.intervalNs) + 1);
      break;
    case 'poisson':
      lambda = a.ratePerSec / 1e9;
      ca2 = 1;
      batches = src.batches >= 0 ? src.batches : Math.round(lambda * src.durationNs);
      if (src.batches >= 0 && src.durationNs >= 0) batches = Math.min(batches, Math.round(lambda * src.durationNs));
      first = 1 / lambda;
      break;
    case 'bursty': {
      const onFrac = a.onNs / (a.onNs + a.offNs);
      lambda = (a.ratePerSec / 1e9) * onFrac;
      ca2 = arrivalScv('bursty', a.onNs, a.offNs, a.ratePerSec);
      batches = src.batches >= 0 ? src.batches : Math.round(lambda * src.durationNs);
      first = 1e9 / a.ratePerSec;
      break;
    }
    case 'trace': {
      const n = a.timesNs.length;
      if (n < 2) return 'a trace with fewer than two arrivals';
      const span = a.timesNs[n - 1] - a.timesNs[0];
      lambda = (n - 1) / span;
      let m = 0;
      let m2 = 0;
      for (let i = 1; i < n; i++) {
        const d = a.timesNs[i] - a.timesNs[i - 1];
        m += d;
        m2 += d * d;
      }
      m /= n - 1;
      m2 /= n - 1;
      ca2 = m > 0 ? Math.max(0, m2 / (m * m) - 1) : 0;
      batches = src.batches >= 0 ? Math.min(src.batches, n) : n;
      first = a.timesNs[0];
      recordsPerBatch = a.records.reduce((x, y) => x + y, 0) / n;
      break;
    }
  }
  if (!(batches >= 1)) return 'the source delivers no batch';
  return { lambda, ca2, batches, first, recordsPerBatch };
}

/**
 * The outside wake-up of a runtime parked between batches (docs/semantics.md, *Warm wake-ups*):
 * parked less than halt_poll_window, it wakes in wake_latency_warm. Periodic arrivals park it
 * for the interval minus the batch's work (`busyNs`) and the wake-up; Poisson-like ones for an
 * exponential time (memoryless), so the two latencies mix with P(park < window).
 */
export function warmOrCold(c: Ctx['c'], periodic: boolean, lambda: number, busyNs: number): PlanCost {
  if (c.haltPollMax > 0) {
    // A single run is the typical run (runtime-costs.ts hostPolls): a host that does not poll
    // wakes every outside wake-up in wake_latency_nopoll.
    if (!hostPolls(c, false, 0 /* a single run: no draw */)) return c.wakeLatencyNoPoll ?? c.wakeLatency;
    // Adaptive (KVM) window, periodic arrivals only (the caller refuses the others): from a cold
    // start it grows while a park plus its cold wake-up stays under halt_poll_max, and once it
    // covers the park a wake-up is warm with probability halt_poll_warm_share (the expected
    // mixture; a cold one inside the window leaves it as it is); past that, each halt shrinks it
    // and all stay cold.
    const parked = 1 / lambda - busyNs - costMoments(c.wakeLatencyWarm).mean;
    if (parked + costMoments(c.wakeLatency).mean >= c.haltPollMax) return c.wakeLatency;
    return c.haltPollWarmShare >= 1 ? c.wakeLatencyWarm : mixCosts(c.wakeLatencyWarm, c.wakeLatency, c.haltPollWarmShare);
  }
  if (c.haltPollWindow <= 0) return c.wakeLatency;
  if (periodic) {
    const parked = 1 / lambda - busyNs - costMoments(c.wakeLatencyWarm).mean;
    return parked < c.haltPollWindow ? c.wakeLatencyWarm : c.wakeLatency;
  }
  return mixCosts(c.wakeLatencyWarm, c.wakeLatency, 1 - Math.exp(-lambda * c.haltPollWindow));
}

/**
 * The distribution drawing `a` with probability `pa`, else `b`, as quantiles. A point mass (a
 * constant, a jump in a quantile table) stays one: at each support point both the CDF's left
 * limit and its value are kept, so the quantile function is flat across the jump.
 */
export function mixCosts(a: PlanCost, b: PlanCost, pa: number): PlanCost {
  const ca = cdfOf(a);
  const cb = cdfOf(b);
  /** F(x) (`left` false) or F(x−) (`left` true) of a piecewise-linear CDF whose xs may repeat (jumps). */
  const at = (cdf: ReturnType<typeof cdfOf>, x: number, left: boolean): number => {
    const { xs, ps } = cdf;
    const n = xs.length;
    if (x < xs[0] || (left && x === xs[0])) return 0;
    if (x > xs[n - 1] || (!left && x === xs[n - 1])) return 1;
    if (left) {
      let k = 0;
      while (xs[k] < x) k++;
      // xs[k] is the first point at x: the left limit is the value reached there from below.
      return k === 0 ? 0 : ps[k - 1] + ((ps[k] - ps[k - 1]) * (x - xs[k - 1])) / (xs[k] - xs[k - 1] || 1);
    }
    let k = n - 1;
    while (xs[k] > x) k--;
    // xs[k] is the last point at or below x.
    return k === n - 1 || xs[k] === x ? ps[k] : ps[k] + ((ps[k + 1] - ps[k]) * (x - xs[k])) / (xs[k + 1] - xs[k]);
  };
  const xs = [...new Set([...ca.xs, ...cb.xs])].sort((x, y) => x - y);
  const p: number[] = [];
  const ns: number[] = [];
  for (const x of xs) {
    for (const left of [true, false]) {
      const f = pa * at(ca, x, left) + (1 - pa) * at(cb, x, left);
      if (p.length > 0 && f < p[p.length - 1]) continue;
      if (p.length > 0 && f === p[p.length - 1] && x === ns[ns.length - 1]) continue;
      p.push(f);
      ns.push(x);
    }
  }
  if (p.length < 2) return b;
  p[0] = 0;
  p[p.length - 1] = 1;
  return { dist: 'quantiles', p, ns };
}
