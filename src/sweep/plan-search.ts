/**
 * `searchPlan`: the cheapest configuration that meets latency/throughput targets at a rate.
 *
 *   1. set the sources' arrival rate; expand the search grid (`--vary` axes)
 *   2. normalize every point (invalid combinations are skipped) and cost it (weights × values)
 *   3. analytic model, where present: drop points it shows miss an SLO (prune.ts: a prediction
 *      whose band is within PRUNE_MARGIN that misses by more than that, or an overload refusal),
 *      so the simulator spends no time on them
 *   4. simulate the rest in cost order, `jobs` at a time, until two configurations pass and every
 *      configuration as cheap as the cheapest passing one has been simulated; the answer and the
 *      runner-up are the first two passing ones in `rankPassing`'s order: cost, then fewer cores
 *      busy (a string axis such as `wait=yield,await` adds nothing to the cost, yet yield-spin
 *      holds every core it is given), then grid order
 *
 * Phase: sweep. Every number returned says where it came from (simulated or analytic, model).
 */
import { bandFor } from '../analytic/bands.js';
import { normalizeScenario } from '../plan/normalize.js';
import { InputError } from '../schema/diagnostics.js';
import type { CostModel } from '../schema/model.js';
import type { Scenario } from '../schema/scenario.js';
import type { SourceMap } from '../schema/validate.js';
import type { Plan } from '../plan/types.js';
import { loadBackends, type AnalyzeFn } from './backends.js';
import { applyAxes, buildAxes, expandGrid, type AxisValue, type Vary } from './grid.js';
import { PointPool } from './pool.js';
import { prunesOnPrediction, prunesOnRefusal, type AnalyticVerdict } from './prune.js';
import { metricsOf, refusalOf } from './run-point.js';
import { configCost, margin, withArrivalRate, type Slo } from './slo.js';
import { replicationSeeds } from './stats.js';
import { checkPoints } from './sweep.js';
import type { SweepAxis } from '../schema/sweep-doc.js';

export { PRUNE_MARGIN } from './prune.js';

export interface PlanRequest {
  scenario: Scenario;
  file: string;
  map?: SourceMap;
  model: CostModel;
  modelFile?: string;
  traces?: Record<string, { timesUs: number[]; records: number[] }>;
  varies: Vary[];
  slos: Slo[];
  ratePerSec: number;
  weights: Record<string, number>;
  replications: number;
  /** Platform noise, overriding the scenario's and the model's default (`--no-noise`). */
  noise?: boolean;
  jobs: number;
  /** Called as configurations finish simulating: done so far, and the most there can be. */
  onProgress?: (done: number, total: number) => void;
}

export interface SloCheck {
  slo: string;
  value: number;
  margin: number;
}

export interface Candidate {
  index: number;
  values: AxisValue[];
  flavor: Plan['runtime']['flavor'];
  workers: number;
  cores: number;
  cost: number;
  /** The numbers the verdict rests on: always the simulator's (the analytic model only prunes). */
  source: 'simulated';
  replications: number;
  metrics: Record<string, number>;
  checks: SloCheck[];
  meets: boolean;
  /** What the analytic model said about the same configuration, when it is part of the build. */
  analytic?: AnalyticVerdict;
}

export interface PlanAnswer {
  axes: SweepAxis[];
  ratePointers: string[];
  model: { name: string; profile: string; provenance: string };
  answer?: Candidate;
  runnerUp?: Candidate;
  /** Every configuration simulated, in the order tried (cost order), passing or not. */
  tried: Candidate[];
  considered: number;
  invalid: number;
  pruned: number;
  /** Of `pruned`, the points the analytic model refused as overloaded (DS4004). */
  prunedOverloaded: number;
  simulated: number;
  analyticAvailable: boolean;
}

export function judge(slos: readonly Slo[], metrics: Record<string, number>): { checks: SloCheck[]; meets: boolean } {
  const checks = slos.map((s) => ({ slo: s.text, value: metrics[s.metric], margin: margin(s, metrics[s.metric]) }));
  return { checks, meets: checks.every((c) => c.margin >= 0) };
}

/**
 * Orders passing candidates best first, in place: lower cost; at equal cost, fewer cores busy
 * (`coresBusy`, mean over the runs; a candidate without the figure comes after those with it);
 * then grid order (`index`), so the order is total and stable.
 */
export function rankPassing(cs: Candidate[]): Candidate[] {
  const busy = (c: Candidate) => c.metrics.coresBusy ?? Infinity;
  return cs.sort((a, b) => a.cost - b.cost || busy(a) - busy(b) || a.index - b.index);
}

/** The analytic model's answer for one plan, and whether it prunes it (see prune.ts). */
export function analyticVerdict(analyze: AnalyzeFn, plan: Plan, model: CostModel, slos: readonly Slo[]): AnalyticVerdict {
  try {
    const r = analyze(plan, model);
    const metrics = metricsOf(r);
    const approximation = r.approximation ?? '';
    return { kind: 'predicted', approximation, metrics, prune: prunesOnPrediction(slos, metrics, bandFor(approximation)) };
  } catch (e) {
    const refusal = refusalOf(e);
    if (!refusal) throw e;
    return { kind: 'refused', code: refusal[0].code, message: refusal[0].message, prune: prunesOnRefusal(slos, refusal) };
  }
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
  let invalid = 0;
  const points = grid.flatMap((values, index) => {
    const s = applyAxes(scenario, axes, values);
    try {
      const plan = normalizeScenario(s, {
        file: req.file,
        model: req.model,
        modelFile: req.modelFile,
        traces: req.traces,
        ...(req.noise !== undefined ? { noise: req.noise } : {}),
      });
      return [{ index, values, plan, cost: configCost(axes, values, plan.runtime.cores, req.weights) }];
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
  let prunedOverloaded = 0;
  const judged = points.map((p) => ({
    ...p,
    analytic: backends.analyze && analyticVerdict(backends.analyze, p.plan, req.model, req.slos),
  }));
  const survivors = judged.filter((p) => {
    if (!p.analytic?.prune) return true;
    pruned++;
    if (p.analytic.kind === 'refused' && p.analytic.code === 'DS4004') prunedOverloaded++;
    return false;
  });
  // 4. Simulate in cost order until two pass, on one pool kept across batches.
  const passing: Candidate[] = [];
  const tried: Candidate[] = [];
  let simulated = 0;
  const seeds = replicationSeeds(points[0]?.plan.seed ?? 1, req.replications);
  const ctx = {
    scenario,
    axes,
    file: req.file,
    model: req.model,
    modelFile: req.modelFile,
    engine: 'sim' as const,
    seeds,
    ...(req.noise !== undefined ? { noise: req.noise } : {}),
    traces: req.traces,
  };
  const pool = survivors.length ? new PointPool(Math.min(req.jobs, survivors.length), ctx) : undefined;
  try {
    const batch = Math.max(1, req.jobs);
    // Stop once two pass and the next survivor costs more than the cheapest passing one (the
    // configurations tied with it are all simulated, so the tie-break sees them all).
    const more = (i: number) => passing.length < 2 || survivors[i].cost <= Math.min(...passing.map((c) => c.cost));
    for (let i = 0; pool && i < survivors.length && more(i); i += batch) {
      const slice = survivors.slice(i, i + batch);
      const done = await pool.run(slice.map((p) => ({ index: p.index, values: p.values })));
      simulated += done.length;
      req.onProgress?.(simulated, survivors.length);
      done.forEach((pt, k) => {
        const means: Record<string, number> = {};
        for (const [m, iv] of Object.entries(pt.summary.simulated ?? {})) means[m] = iv.mean;
        const verdict = judge(req.slos, means);
        const p = slice[k];
        const { flavor, workers, cores } = p.plan.runtime;
        const c: Candidate = {
          index: p.index,
          values: p.values,
          flavor,
          workers,
          cores,
          cost: p.cost,
          source: 'simulated',
          replications: req.replications,
          metrics: means,
          ...verdict,
        };
        if (p.analytic) c.analytic = p.analytic;
        tried.push(c);
        if (verdict.meets) passing.push(c);
      });
    }
  } finally {
    await pool?.close();
  }
  rankPassing(passing);
  return {
    axes,
    ratePointers,
    model,
    answer: passing[0],
    runnerUp: passing[1],
    tried,
    considered: grid.length,
    invalid,
    pruned,
    prunedOverloaded,
    simulated,
    analyticAvailable: backends.analyze !== undefined,
  };
}
