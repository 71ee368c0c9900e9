/**
 * One sweep point: normalize the substituted scenario, run each replication on the simulator
 * and/or the analytic model once, keep the metrics, summarize them.
 *
 * Phase: sweep (runs inside a worker thread, or in-process). Input errors propagate as
 * InputError; the analytic model's refusals (any DS40xx code: not applicable, unknown shape, no
 * closed form, overload) are recorded on the point instead, because a sweep may cross the edge of
 * where the model applies.
 */
import { normalizeScenario } from '../plan/normalize.js';
import { diag, InputError, type Diagnostic } from '../schema/diagnostics.js';
import type { CostModel } from '../schema/model.js';
import type { Result } from '../schema/result.js';
import type { Scenario } from '../schema/scenario.js';
import type { Backends } from './backends.js';
import { applyAxes } from './grid.js';
import { LATENCY_QUANTILES, METRICS, TRACE_SPANS } from '../schema/sweep-metrics.js';
import type { ChromeTrace } from '../schema/chrome-trace.js';
import { toChromeTrace, traceRowNames } from '../schema/trace-events.js';
import type { Plan } from '../plan/types.js';
import type { Interval, SweepAxis, SweepDoc, SweepPoint, SweepRun } from '../schema/sweep-doc.js';
import { meanInterval, quantilesFromBuckets } from './stats.js';
import { headlineOf, planOfRun, variantOf } from '../plan/run-set.js';

/** One point to run: its grid index and axis values (a few bytes to send to a worker thread). */
export interface PointTask {
  index: number;
  values: SweepPoint['values'];
}

/** What every point shares; sent to each worker thread once. */
export interface PointContext {
  /** The scenario the axes' values are substituted into. */
  scenario: Scenario;
  axes: Pick<SweepAxis, 'pointer' | 'also'>[];
  file: string;
  model: CostModel;
  modelFile?: string;
  engine: SweepDoc['engine'];
  seeds: number[];
  /** Platform noise, overriding the scenario's and the model's default (`--no-noise`). */
  noise?: boolean;
  /** The grid index whose point also carries a short Chrome trace (`trace`), if any. */
  tracedPoint?: number;
  traces?: Record<string, { timesUs: number[]; records: number[] }>;
}

/** A point's metrics: the run set's headline metrics (one definition, run-set.ts). */
export function metricsOf(r: Result): Record<string, number> {
  return headlineOf(r);
}

/** The analytic model's refusal codes: DS4001 (not applicable), DS4002 (shape), DS4003 (no closed form), DS4004 (overload). */
export const REFUSAL_CODE = /^DS40\d\d$/;

/** The diagnostics of an analytic refusal, or undefined when `e` is anything else (which must propagate). */
export function refusalOf(e: unknown): Diagnostic[] | undefined {
  if (!(e instanceof InputError) || e.diagnostics.length === 0) return undefined;
  return e.diagnostics.every((d) => REFUSAL_CODE.test(d.code)) ? e.diagnostics : undefined;
}

const round12 = (x: number): number => Number(x.toPrecision(12));

function summarize(runs: readonly SweepRun[], source: SweepRun['source']): Record<string, Interval> | undefined {
  const mine = runs.filter((r) => r.source === source);
  if (mine.length === 0) return undefined;
  const out: Record<string, Interval> = {};
  for (const k of METRICS) {
    const iv = meanInterval(mine.map((r) => r.metrics[k]));
    // 12 significant digits: drops float noise (19602.289999999997) from the file, keeps precision.
    out[k] = { mean: round12(iv.mean), lo: round12(iv.lo), hi: round12(iv.hi), n: iv.n };
  }
  return out;
}

/** Per-op breakdown and latency quantiles, each the mean over the simulated replications. */
function detailOf(results: readonly Result[]): NonNullable<SweepPoint['detail']> {
  const breakdownUs: Record<string, number> = {};
  for (const r of results)
    for (const [op, us] of Object.entries(r.breakdownUs)) breakdownUs[op] = (breakdownUs[op] ?? 0) + us / results.length;
  for (const op of Object.keys(breakdownUs)) breakdownUs[op] = round12(breakdownUs[op]);
  const quantiles = results.map((r) => quantilesFromBuckets(r.latencyBuckets, LATENCY_QUANTILES, r.latencyUs.max * 1000));
  const latencyQuantilesUs = LATENCY_QUANTILES.map((_, i) =>
    round12(quantiles.reduce((sum, q) => sum + q[i], 0) / quantiles.length),
  );
  return { breakdownUs, latencyQuantilesUs };
}

/**
 * The traced point's short window: a separate run of replication 0 with the poll trace on and the
 * simulation cut at TRACE_WINDOW_NS, so the point's own numbers never depend on tracing.
 */
function traceOf(plan: Plan, ctx: PointContext, backends: Backends): ChromeTrace {
  if (!backends.simulateTrace) throw new Error('internal: the simulator module is missing from this build');
  const seed = ctx.seeds[0];
  const { result, spans } = backends.simulateTrace(planOfRun(plan, variantOf(plan, 0, seed)), ctx.model, {
    seed,
    traceSpans: TRACE_SPANS,
    maxSimulatedNs: TRACE_WINDOW_NS,
  });
  return toChromeTrace(spans, traceRowNames(result, plan));
}

/** Simulated time of the traced run: the first spans fall well inside it (a few arrivals). */
const TRACE_WINDOW_NS = 5_000_000;

export function runPoint(task: PointTask, ctx: PointContext, backends: Backends): SweepPoint {
  const scenario = applyAxes(ctx.scenario, ctx.axes, task.values);
  const plan = normalizeScenario(scenario, {
    file: ctx.file,
    model: ctx.model,
    modelFile: ctx.modelFile,
    traces: ctx.traces,
    ...(ctx.noise !== undefined ? { noise: ctx.noise } : {}),
  });
  const runs: SweepRun[] = [];
  const simulated: Result[] = [];
  let notApplicable: string | undefined;
  if (ctx.engine !== 'analytic') {
    if (!backends.simulate) throw new Error('internal: the simulator module is missing from this build');
    ctx.seeds.forEach((seed, replication) => {
      // Replication k is run k of a run set: its seed, and its own timer phase unless pinned.
      const r = backends.simulate!(planOfRun(plan, variantOf(plan, replication, seed)), ctx.model, { seed });
      simulated.push(r);
      runs.push({ source: 'simulated', replication, seed, metrics: metricsOf(r) });
    });
  }
  if (ctx.engine !== 'sim') {
    try {
      if (!backends.analyze)
        throw new InputError([diag('DS4001', ctx.file, '', { detail: 'the analytic model is not part of this build' })], 4);
      runs.push({ source: 'analytic', replication: 0, seed: plan.seed, metrics: metricsOf(backends.analyze(plan, ctx.model)) });
    } catch (e) {
      const refusal = refusalOf(e);
      if (!refusal) throw e;
      notApplicable = refusal.map((d) => `${d.message} [${d.code}]`).join('; ');
    }
  }
  const point: SweepPoint = { index: task.index, values: task.values, runs, summary: {} };
  const sim = summarize(runs, 'simulated');
  const ana = summarize(runs, 'analytic');
  if (sim) point.summary.simulated = sim;
  if (ana) point.summary.analytic = ana;
  if (notApplicable !== undefined) point.notApplicable = notApplicable;
  if (simulated.length) point.detail = detailOf(simulated);
  if (simulated.length && task.index === ctx.tracedPoint) point.trace = traceOf(plan, ctx, backends);
  return point;
}
