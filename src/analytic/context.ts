/**
 * What every analyzer reads: the plan, the runtime costs, the moments of every plan cost, and
 * small helpers to add up work and its breakdown by category.
 *
 * Phase: analyze (set-up, once per plan and model).
 */
import type { Plan } from '../plan/types.js';
import type { CostModel } from '../schema/model.js';
import { analyticCosts, constMoments, costMoments, type AnalyticCosts, type Moments } from './costs.js';
import type { CostRef } from './plan-shape.js';
import { RECORD_CATEGORY } from '../plan/result-parts.js';

export interface Ctx {
  plan: Plan;
  model: CostModel;
  /**
   * The runtime costs as the plan's tokio version pays them: on current_thread `remoteCheck` is a
   * look at an **empty** remote queue (free from 1.29, which checks an atomic length first), and
   * `driverUnparkIo` the block_on waker's unpark on the runtime thread (gone from 1.50).
   */
  c: AnalyticCosts;
  /** Taking a task from a non-empty remote/inject queue: the lock, in every version (`remote_check`). */
  remotePopNs: number;
  /**
   * current_thread: the driver.unpark() of a timer registered when the driver promised no earlier
   * wake-up (tokio's `reregister`, every version): `timer_unpark_io` with the I/O driver (the
   * model's `driver_unpark_io` when it lacks it, as the simulator charges), else 0.
   */
  timerUnparkNs: number;
  /**
   * Moments of every plan cost, then two of the model's per-record bookkeeping costs, which the
   * simulator charges at the `record_start` and `record_end` ops: `costs[plan.costs.length]` is
   * record_start, the next record_end (refs to them come from `recordRefs`).
   */
  costs: Moments[];
}

export function makeCtx(plan: Plan, model: CostModel): Ctx {
  const c = analyticCosts(model, plan.runtime.driver);
  const remotePopNs = c.remoteCheck;
  const timerUnparkNs = c.timerUnparkIo;
  const sem = plan.runtime.semantics;
  if (plan.runtime.flavor === 'current_thread') {
    if (sem.remoteFastPath) c.remoteCheck = 0;
    if (sem.blockOnWakeNoSelfUnpark) c.driverUnparkIo = 0;
  }
  const costs = plan.costs.map((e) => costMoments(e.cost));
  costs.push(constMoments(c.recordStart), constMoments(c.recordEnd));
  return { plan, model, c, remotePopNs, timerUnparkNs, costs };
}

/**
 * A record's work as the simulator charges it: `record_start` when its loop stamps it (the stamp
 * is taken first, so the record's own latency includes it), its compute ops, then `record_end`
 * (charged after the record's latency ends: it delays the records after it; counted here in the
 * record's own work, an over-estimate of one record_end per record latency, documented in
 * docs/analytic.md). Nothing is added for a model without bookkeeping costs.
 */
export function recordRefs(ctx: Ctx, refs: readonly CostRef[], stamped: boolean): CostRef[] {
  const n = ctx.plan.costs.length;
  const out: CostRef[] = [];
  if (stamped && ctx.c.recordStart > 0) out.push({ cost: n, n: 1 });
  out.push(...refs);
  if (ctx.c.recordEnd > 0) out.push({ cost: n + 1, n: 1 });
  return out;
}

/**
 * The harness's own cost of a compute instruction (compute_op), which the simulator charges after
 * every compute whose drawn duration is above 0: here for every ref to a plan cost with a positive
 * mean (bookkeeping refs from `recordRefs` are not compute instructions).
 */
function computeOpNs(ctx: Ctx, r: CostRef): number {
  return ctx.c.computeOp > 0 && r.cost < ctx.plan.costs.length && ctx.costs[r.cost].mean > 0 ? ctx.c.computeOp : 0;
}

/** Mean ns of a list of costs. */
export function workNs(ctx: Ctx, refs: readonly CostRef[]): number {
  let s = 0;
  for (const r of refs) s += ctx.costs[r.cost].mean * r.n + computeOpNs(ctx, r);
  return s;
}

/** Second moment of the sum of a list of independent costs. */
export function workM2(ctx: Ctx, refs: readonly CostRef[]): number {
  let mean = 0;
  let v = 0;
  for (const r of refs) {
    const m = ctx.costs[r.cost];
    mean += m.mean * r.n + computeOpNs(ctx, r);
    // n copies drawn once and multiplied (the simulator samples a compute op once, × n).
    v += Math.max(0, m.m2 - m.mean * m.mean) * r.n * r.n;
  }
  return v + mean * mean;
}

/** Adds `times` executions of the costs to the breakdown by their categories. */
export function addWork(ctx: Ctx, bd: Record<string, number>, refs: readonly CostRef[], times: number): void {
  for (const r of refs) {
    const own = r.cost < ctx.plan.costs.length;
    const cat = own ? ctx.plan.costs[r.cost].category : RECORD_CATEGORY;
    bd[cat] = (bd[cat] ?? 0) + ctx.costs[r.cost].mean * r.n * times;
    const op = computeOpNs(ctx, r);
    if (op > 0) bd[RECORD_CATEGORY] = (bd[RECORD_CATEGORY] ?? 0) + op * times;
  }
}

export function add(bd: Record<string, number>, key: string, ns: number): void {
  bd[key] = (bd[key] ?? 0) + ns;
}
