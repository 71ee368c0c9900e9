/**
 * The pipeline model, step 1 (pipeline-prepare.ts), the notify chain of multi_thread await
 * pipelines on ≥ 2 workers: the batch's notifies drawn as the simulator draws them (the woken
 * searcher's notify, and the LIFO displacement's when the helper it woke re-parks first), as a
 * mixture of components with their own schedules and delay distributions (IdleMixture), with
 * the notify and the woken worker's wake-up as one draw where both are quantile tables.
 *
 * Phase: analyze. Formulas: docs/analytic.md, "The notify chain".
 */
import {
  cdfMean,
  cdfMeanBetween,
  cdfOf,
  cdfQuantile,
  convolveAt,
  FastLatency,
  IdleMixture,
  LatencyDist,
  plF,
  type PiecewiseCdf,
} from './percentiles.js';
import { listSchedule } from './multi-thread.js';
import type { PreparedPipeline } from './pipeline-prepare.js';
import { WAKE_POINTS } from './pipeline-offsets.js';

/**
 * multi_thread await pipelines whose coordinator (or only stage) runs on a worker, ≥ 2 workers:
 * the record offsets and the idle latency component with the batch's notifies drawn, as the
 * simulator draws them (src/runtime/multi-thread.ts, notifyParked; docs/analytic.md, "The notify
 * chain"). The worker A woken for the batch leaves the searching state as the last searcher and
 * notifies a parked worker B before it polls the coordinator: one draw u₁ of the notify cost
 * (unpark_halted when B's vCPU has halted), on the path of every record. B, woken at that
 * instant, arrives after its wake-up g (worker_wake_latency); if that is before the coordinator's
 * LIFO displacement (its second send, ≈ the end of its poll: g < u₁ + C) B finds nothing and
 * parks again, nobody is searching at the displacement, and A notifies again: a second draw u₂
 * inside the coordinator's poll, on the path of everything A runs after it, and B comes back one
 * more wake-up g₂ after the displacement. Otherwise B arrives g − u₁ after the coordinator's
 * start and takes the displaced message. Over the wake quantiles of g (and g₂) this is a mixture
 * of components (no re-park: u₁ | u₁ ≤ g − C; re-park: (u₁ | u₁ > g − C) + u₂), each with its
 * own schedule; their delays keep their distributions (IdleMixture), their schedules use the
 * delays' conditional means. Utilisation and the breakdown take the mean count of notifies.
 */
export function prepareNotifyChain(pp: PreparedPipeline): void {
  const { ctx, jobs } = pp;
  const c = ctx.c;
  const K = WAKE_POINTS;
  const U = cdfOf(pp.unparkCost);
  const uLo = U.xs[0] - 1;
  const uHi = U.xs[U.xs.length - 1];
  const uMean = cdfMean(U);
  const coordEnd = pp.coordNs;
  // The coordinator's message that notifies: the second (the first takes the LIFO slot), or the first without it.
  const displaces = ctx.plan.runtime.lifoSlot ? jobs.length >= 2 : jobs.length >= 1;
  const segA: number[] = [];
  const segB: number[] = [];
  const segW: number[] = [];
  // Schedules of one component that put a job's records at the same times (the helper came too
  // late to matter) share one segment.
  let compFrom = 0;
  const sink = {
    addSegment(a: number, b: number, w: number): void {
      for (let i = compFrom; i < segA.length; i++)
        if (segA[i] === a && segB[i] === b) {
          segW[i] += w;
          return;
        }
      segA.push(a);
      segB.push(b);
      segW.push(w);
    },
  };
  // Per wake stratum k (quantiles k/K … (k+1)/K of g): whether B re-parks is decided at J
  // sub-points g_j of the stratum (g_j < u₁ + C), so its probability follows g's table, not only
  // the stratum's midpoint; the stratum's schedules take the midpoint (the chain's later gaps) and
  // the g of each branch's mean.
  const J = 8;
  const G = cdfOf(c.workerWakeLatency);
  const taus = new Float64Array(J);
  // One steal_wake draw (docs/semantics.md, "One draw for the notify and the wake-up"): where both
  // are quantile tables the simulator takes the notify u at quantile q and the woken worker's wake-up
  // g at 1 − q, so u₁ given g in sub-point j's quantile band [p₀, p₁] lies in U's band [1 − p₁, 1 − p₀]
  // (aq, bq); drawn independently, U's whole range ([0, 1]).
  const coupled = pp.unparkCost.dist === 'quantiles' && c.workerWakeLatency.dist === 'quantiles';
  const aq = new Float64Array(J);
  const bq = new Float64Array(J).fill(1);
  const comps: Array<{
    w: number;
    taus: Float64Array;
    aq: Float64Array;
    bq: Float64Array;
    reparks: boolean;
    xMean: number;
    from: number;
    to: number;
  }> = [];
  /** E[u | U's quantile band [a, b]]: the notify of a wake-up drawn in the complementary band. */
  const bandMean = (a: number, b: number): number => {
    const m = cdfMeanBetween(U, cdfQuantile(U, a), cdfQuantile(U, b));
    return Number.isFinite(m) ? m : cdfQuantile(U, (a + b) / 2);
  };
  let offEnd = 0;
  let spanMean = 0;
  let spanM2 = 0;
  let pCond = 0;
  // The first helper at `firstHelper` (after the coordinator's start), the later ones a wake-up `gap` apart.
  const schedule = (w: number, gap: number, firstHelper: number): void => {
    const end = listSchedule(jobs, pp.threads, coordEnd, gap, coordEnd, pp.recordNs, pp.unparkNs, sink, 1 / w, firstHelper);
    offEnd += w * end;
    spanMean += w * end;
    spanM2 += w * end * end;
  };
  for (let k = 0; k < K; k++) {
    const g = pp.workerWakeGaps[k] + c.steal;
    let stay = 0; // Σ_j P(u₁ ≤ τ_j): B arrives after the displacement
    let stayU = 0; // Σ_j E[u₁; u₁ ≤ τ_j]
    let stayG = 0; // Σ_j g_j·P(u₁ ≤ τ_j)
    let back = 0; // Σ_j P(u₁ > τ_j): B re-parks
    let backU = 0;
    for (let j = 0; j < J; j++) {
      const gj = cdfQuantile(G, (k + (j + 0.5) / J) / K) + c.steal;
      const tau = displaces ? gj - coordEnd : Infinity;
      taus[j] = tau;
      if (!coupled) {
        const f = plF(U, tau);
        stay += f;
        stayG += f * gj;
        if (f > 0) stayU += f * (Number.isFinite(tau) ? cdfMeanBetween(U, uLo, tau) : uMean);
        if (f < 1) {
          back += 1 - f;
          backU += (1 - f) * cdfMeanBetween(U, Math.max(uLo, tau), uHi);
        }
        continue;
      }
      const a = 1 - (k + (j + 1) / J) / K;
      const b = 1 - (k + j / J) / K;
      aq[j] = a;
      bq[j] = b;
      const ft = plF(U, tau);
      const f = Math.min(1, Math.max(0, (ft - a) / (b - a)));
      stay += f;
      stayG += f * gj;
      if (f > 0) stayU += f * bandMean(a, Math.min(b, ft));
      if (f < 1) {
        back += 1 - f;
        backU += (1 - f) * bandMean(Math.max(a, ft), b);
      }
    }
    if (stay > 0) {
      // B arrives after the displacement: g after the notify, u₁ before the coordinator's start.
      const w = stay / J / K;
      const xMean = stayU / stay;
      const from = (compFrom = segA.length);
      schedule(w, g, Math.max(0, stayG / stay - xMean));
      comps.push({ w, taus: taus.slice(), aq: aq.slice(), bq: bq.slice(), reparks: false, xMean, from, to: segA.length });
    }
    if (back > 0) {
      // B re-parked: notified again at the displacement, back one wake-up later; A lost u₂ there.
      const w = back / J / K;
      pCond += w;
      const xMean = backU / back + uMean;
      const from = (compFrom = segA.length);
      for (let k2 = 0; k2 < K; k2++) {
        const g2 = pp.workerWakeGaps[k2] + c.steal;
        // Coupled, B's second wake-up in stratum k2 comes with the notify of the complementary band.
        const u2 = coupled ? bandMean(1 - (k2 + 1) / K, 1 - k2 / K) : uMean;
        schedule(w / K, g2, Math.max(0, coordEnd + g2 - u2));
      }
      comps.push({ w, taus: taus.slice(), aq: aq.slice(), bq: bq.slice(), reparks: true, xMean, from, to: segA.length });
    }
  }
  const d = new LatencyDist(pp.wakeCdf, Math.max(1, segA.length));
  for (let i = 0; i < segA.length; i++) d.addSegment(segA[i], segB[i], segW[i]);
  pp.dist = d;
  let maxB = 0;
  for (const b of segB) if (b > maxB) maxB = b;
  const mix = new IdleMixture((pCond > 0 ? 2 : 1) * Math.max(0, uHi) + maxB + 1);
  // u₂'s CDF and its integral on the mixture's grid (looked up once per sub-point and grid point).
  const u2 = mix.grid((v) => plF(U, v));
  const GU = u2.G;
  const FU2 = u2.F;
  // Drawn independently, a sub-point's band is U's whole range (aq 0, bq 1: the arrays as filled
  // above). A re-park over a U with a point mass sums the sub-points' convolutions instead: a
  // piecewise-linear CDF cannot hold the jump (coupled draws keep the band's one CDF).
  const jumps = !coupled && hasPointMass(U);
  for (const q of comps) {
    // The stratum's branch: u₁ ≤ τ_j (stays) or u₁ > τ_j then + u₂ (re-parks), over its sub-points.
    const t = q.taus;
    if (q.reparks && jumps) {
      const ft = Array.from(t, (x) => plF(U, x));
      const mass = ft.reduce((x, f) => x + 1 - f, 0);
      const fx = (v: number) => {
        let s = 0;
        for (let j = 0; j < J; j++) if (ft[j] < 1) s += convolveAt(v, U, FU2, GU, t[j]);
        return s / mass;
      };
      mix.add(q.w, fx, q.xMean, segA, segB, segW, q.from, q.to);
      continue;
    }
    mix.add(q.w, bandBranch(U, t, q.aq, q.bq, q.reparks, FU2, GU), q.xMean, segA, segB, segW, q.from, q.to);
  }
  pp.offEndNs = offEnd;
  pp.forkSpanMean = spanMean;
  pp.forkSpanM2 = spanM2;
  const extra = uMean * pCond;
  pp.setupShiftNs += extra;
  // The displacement's notify is drawn inside the coordinator's poll (when there is one).
  if (pp.shape.coordinator) {
    pp.coordNotifyNs = extra;
    pp.batchCpuNs += extra;
  }
  pp.idleShiftNs = c.remoteCheck;
  pp.notifiesPerBatch += pCond;
  d.setIdle(1, 0);
  const [lo, hi] = d.segmentRange();
  pp.fast = new FastLatency(d, lo, hi, d.wakeMax(), mix.finish(pp.wakeCdf));
}

/**
 * The CDF of a component's delay over the sub-points j: u₁ uniform in U's quantile band
 * [a_j, b_j] (one draw with the helper's wake-up; drawn independently the band is [0, 1]) and in
 * the branch (stays: u₁ ≤ τ_j; re-parks: u₁ > τ_j, then + u₂ ~ U, independent). Stays:
 * Σ_j (clamp(min(F(v), F(τ_j)), a_j, b_j) − a_j) / Σ_j P_j; re-parks: u₁'s clipped mixture
 * (clippedMixture) convolved with u₂.
 */
function bandBranch(
  U: PiecewiseCdf,
  t: Float64Array,
  aq: Float64Array,
  bq: Float64Array,
  reparks: boolean,
  FU2: (v: number) => number,
  GU: (v: number) => number,
): (v: number) => number {
  const J = t.length;
  const ft = Array.from(t, (x) => plF(U, x));
  const lo = ft.map((f, j) => (reparks ? Math.min(bq[j], Math.max(aq[j], f)) : aq[j]));
  const hi = ft.map((f, j) => (reparks ? bq[j] : Math.max(aq[j], Math.min(bq[j], f))));
  const wd = Array.from(aq, (a, j) => bq[j] - a);
  let mass = 0;
  for (let j = 0; j < J; j++) mass += (hi[j] - lo[j]) / wd[j];
  if (!reparks)
    return (v: number) => {
      const fv = plF(U, v);
      let s = 0;
      for (let j = 0; j < J; j++) s += (Math.min(hi[j], Math.max(lo[j], fv)) - lo[j]) / wd[j];
      return s / mass;
    };
  const first = clippedMixture(U, lo, hi, wd, mass);
  return (v: number) => convolveAt(v, first, FU2, GU);
}

/**
 * The draw u₁ of a re-park component as one piecewise-linear CDF, so that adding u₂ is one
 * convolution: over the sub-points j, u₁'s F-value uniform on [lo_j, hi_j] with weight
 * (hi_j − lo_j)/wd_j, i.e. Σ_j (clamp(F(x), lo_j, hi_j) − lo_j)/wd_j / mass, linear between U's
 * knots and the band edges' quantiles. Drawn independently (lo_j = F(τ_j), hi_j = wd_j = 1) that
 * is Σ_j (F(x) − F(τ_j))⁺ / mass: u₁ | u₁ > τ_j mixed over j.
 */
function clippedMixture(U: PiecewiseCdf, lo: number[], hi: number[], wd: number[], mass: number): PiecewiseCdf {
  const J = lo.length;
  const knots = [...U.xs];
  for (let j = 0; j < J; j++) knots.push(cdfQuantile(U, lo[j]), cdfQuantile(U, hi[j]));
  knots.sort((a, b) => a - b);
  const ns: number[] = [];
  const p: number[] = [];
  for (const x of knots) {
    if (ns.length > 0 && !(x > ns[ns.length - 1])) continue;
    const f = plF(U, x);
    let m = 0;
    for (let j = 0; j < J; j++) m += (Math.min(hi[j], Math.max(lo[j], f)) - lo[j]) / wd[j];
    ns.push(x);
    p.push(Math.min(1, Math.max(p.length ? p[p.length - 1] : 0, m / mass)));
  }
  p[0] = 0;
  p[p.length - 1] = 1;
  return cdfOf({ dist: 'quantiles', p, ns });
}

/** Whether U's CDF jumps (an atom at its lowest value, or a repeated knot). */
function hasPointMass(U: PiecewiseCdf): boolean {
  const { xs, ps } = U;
  if (ps[0] > 0) return true;
  for (let i = 1; i < xs.length; i++) if (!(xs[i] > xs[i - 1])) return true;
  return false;
}
