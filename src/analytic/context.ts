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
  c: AnalyticCosts;
  costs: Moments[];
}

export function makeCtx(plan: Plan, model: CostModel): Ctx {
  return { plan, model, c: analyticCosts(model, plan.runtime.driver), costs: plan.costs.map((e) => costMoments(e.cost)) };
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
