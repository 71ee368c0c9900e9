/**
 * `searchPlan`: the cheapest configuration that meets latency/throughput targets at a rate.
 *
 *   1. set the sources' arrival rate; expand the search grid (`--vary` axes)
 *   2. normalize every point (invalid combinations are skipped) and cost it (weights × values)
 *   3. analytic model, where present and applicable: drop points it predicts miss an SLO by more
 *      than PRUNE_MARGIN (its error band), so the simulator spends no time on them
 *   4. simulate the rest in cost order, `jobs` at a time, until two configurations pass: the
 *      answer and the runner-up
 *
 * Phase: sweep. Every number returned says where it came from (simulated or analytic, model).
 */
import { normalizeScenario } from '../plan/normalize.js';
import { InputError } from '../schema/diagnostics.js';
import type { CostModel } from '../schema/model.js';
import type { Scenario } from '../schema/scenario.js';
import type { SourceMap } from '../schema/validate.js';
import { loadBackends } from './backends.js';
import { applyValues, buildAxes, expandGrid, type AxisValue } from './grid.js';
import { runPoints } from './pool.js';
import { metricsOf, type PointTask } from './run-point.js';
import { configCost, margin, withArrivalRate, type Slo } from './slo.js';
import { replicationSeeds } from './stats.js';
import { checkPoints } from './sweep.js';
import type { SweepAxis } from './sweep-doc.js';

/** The analytic model is trusted to ±25% here: only points beyond that are pruned. */
export const PRUNE_MARGIN = 0.25;

export interface PlanRequest {
  scenario: Scenario;
  file: string;
  map?: SourceMap;
  model: CostModel;
  modelFile?: string;
  traces?: Record<string, { timesUs: number[]; records: number[] }>;
  varies: { pointer: string; values: AxisValue[] }[];
  slos: Slo[];
  ratePerSec: number;
  weights: Record<string, number>;
  replications: number;
  jobs: number;
}

export interface Candidate {
  index: number;
  values: AxisValue[];
  cores: number;
  cost: number;
  source: 'simulated' | 'analytic';
  replications: number;
  metrics: Record<string, number>;
  checks: { slo: string; value: number; margin: number }[];
  meets: boolean;
}

export interface PlanAnswer {
  axes: SweepAxis[];
  ratePointers: string[];
  model: { name: string; profile: string; provenance: string };
  answer?: Candidate;
  runnerUp?: Candidate;
  considered: number;
  invalid: number;
  pruned: number;
  simulated: number;
  analyticAvailable: boolean;
}

function judge(slos: readonly Slo[], metrics: Record<string, number>) {
  const checks = slos.map((s) => ({ slo: s.text, value: metrics[s.metric], margin: margin(s, metrics[s.metric]) }));
  return { checks, meets: checks.every((c) => c.margin >= 0) };
}

export async function searchPlan(req: PlanRequest): Promise<PlanAnswer> {
  // 1. Rate and grid.
  const { scenario, pointers: ratePointers } = withArrivalRate(req.scenario, req.ratePerSec, req.file);
  const axes = buildAxes(scenario, req.varies, req.file, req.map);
  const grid = expandGrid(axes);
  const bad = checkPoints({ scenario, file: req.file, map: req.map }, axes, grid);
  if (bad.length) throw new InputError(bad);
  const backends = await loadBackends();
  // 2. Normalize and cost.
  const pointers = axes.map((a) => a.pointer);
  const labels = axes.map((a) => a.label);
  let invalid = 0;
  const points = grid.flatMap((values, index) => {
    const s = applyValues(scenario, pointers, values);
    try {
      const plan = normalizeScenario(s, { file: req.file, model: req.model, modelFile: req.modelFile, traces: req.traces });
      return [{ index, values, scenario: s, plan, cost: configCost(labels, values, plan.runtime.cores, req.weights) }];
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      invalid++; // e.g. `workers` on current_thread: not a configuration, not a failure
      return [];
    }
  });
  points.sort((a, b) => a.cost - b.cost || a.index - b.index);
  const model = points[0]?.plan.model ?? { name: req.model.name, profile: req.model.profile, provenance: 'unknown' };
  // 3. Prune with the analytic model.
  let pruned = 0;
  const survivors = points.filter((p) => {
    if (!backends.analyze) return true;
    try {
      const { checks } = judge(req.slos, metricsOf(backends.analyze(p.plan, req.model)));
      const drop = checks.some((c) => c.margin < -PRUNE_MARGIN);
      if (drop) pruned++;
      return !drop;
    } catch (e) {
      if (e instanceof InputError) return true; // not applicable here: let the simulator decide
      throw e;
    }
  });
  // 4. Simulate in cost order until two pass.
  const passing: Candidate[] = [];
  let simulated = 0;
  const batch = Math.max(1, req.jobs);
  const seeds = replicationSeeds(points[0]?.plan.seed ?? 1, req.replications);
  for (let i = 0; i < survivors.length && passing.length < 2; i += batch) {
    const slice = survivors.slice(i, i + batch);
    const tasks: PointTask[] = slice.map((p) => ({ index: p.index, values: p.values, scenario: p.scenario }));
    const done = await runPoints(tasks, { jobs: req.jobs, ctx: { file: req.file, model: req.model, modelFile: req.modelFile, engine: 'sim', seeds, traces: req.traces } });
    simulated += done.length;
    done.forEach((pt, k) => {
      const means: Record<string, number> = {};
      for (const [m, iv] of Object.entries(pt.summary.simulated ?? {})) means[m] = iv.mean;
      const verdict = judge(req.slos, means);
      const p = slice[k];
      if (verdict.meets) passing.push({ index: p.index, values: p.values, cores: p.plan.runtime.cores, cost: p.cost, source: 'simulated', replications: req.replications, metrics: means, ...verdict });
    });
  }
  return { axes, ratePointers, model, answer: passing[0], runnerUp: passing[1], considered: grid.length, invalid, pruned, simulated, analyticAvailable: backends.analyze !== undefined };
}
