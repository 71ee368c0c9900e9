/**
 * What every analyzer reads: the plan, the runtime costs, the moments of every plan cost, and
 * small helpers to add up work and its breakdown by category.
 *
 * Phase: analyze (set-up, once per plan and model).
 */
import type { Plan } from '../plan/types.js';
import type { CostModel } from '../schema/model.js';
import { analyticCosts, costMoments, type AnalyticCosts, type Moments } from './costs.js';
import type { CostRef } from './plan-shape.js';

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
  costs: Moments[];
}

export function makeCtx(plan: Plan, model: CostModel): Ctx {
  const c = analyticCosts(model, plan.runtime.driver);
  const remotePopNs = c.remoteCheck;
  const sem = plan.runtime.semantics;
  if (plan.runtime.flavor === 'current_thread') {
    if (sem.remoteFastPath) c.remoteCheck = 0;
    if (sem.blockOnWakeNoSelfUnpark) c.driverUnparkIo = 0;
  }
  return { plan, model, c, remotePopNs, costs: plan.costs.map((e) => costMoments(e.cost)) };
}

/** Mean ns of a list of costs. */
export function workNs(ctx: Ctx, refs: readonly CostRef[]): number {
  let s = 0;
  for (const r of refs) s += ctx.costs[r.cost].mean * r.n;
  return s;
}

/** Second moment of the sum of a list of independent costs. */
export function workM2(ctx: Ctx, refs: readonly CostRef[]): number {
  let mean = 0;
  let v = 0;
  for (const r of refs) {
    const m = ctx.costs[r.cost];
    mean += m.mean * r.n;
    // n copies drawn once and multiplied (the simulator samples a compute op once, × n).
    v += Math.max(0, m.m2 - m.mean * m.mean) * r.n * r.n;
  }
  return v + mean * mean;
}

/** Adds `times` executions of the costs to the breakdown by their categories. */
export function addWork(ctx: Ctx, bd: Record<string, number>, refs: readonly CostRef[], times: number): void {
  for (const r of refs) {
    const cat = ctx.plan.costs[r.cost].category;
    bd[cat] = (bd[cat] ?? 0) + ctx.costs[r.cost].mean * r.n * times;
  }
}

export function add(bd: Record<string, number>, key: string, ns: number): void {
  bd[key] = (bd[key] ?? 0) + ns;
}
