/**
 * One sweep point: normalize the substituted scenario, run each replication on the simulator
 * and/or the analytic model once, keep the metrics, summarize them.
 *
 * Phase: sweep (runs inside a worker thread, or in-process). Input errors propagate as
 * InputError; the analytic model's "not applicable" (DS4001) is recorded on the point instead,
 * because a sweep may cross the edge of where the model applies.
 */
import { normalizeScenario } from '../plan/normalize.js';
import { diag, InputError } from '../schema/diagnostics.js';
import type { CostModel } from '../schema/model.js';
import type { Result } from '../schema/result.js';
import type { Scenario } from '../schema/scenario.js';
import type { Backends } from './backends.js';
import { METRICS, type Interval, type SweepDoc, type SweepPoint, type SweepRun } from './sweep-doc.js';
import { meanInterval } from './stats.js';

export interface PointTask {
  index: number;
  values: SweepPoint['values'];
  scenario: Scenario;
}

export interface PointContext {
  file: string;
  model: CostModel;
  modelFile?: string;
  engine: SweepDoc['engine'];
  seeds: number[];
  traces?: Record<string, { timesUs: number[]; records: number[] }>;
}

export function metricsOf(r: Result): Record<string, number> {
  const m: Record<(typeof METRICS)[number], number> = {
    recordsPerSec: r.throughput.recordsPerSec,
    p50Us: r.latencyUs.p50,
    p90Us: r.latencyUs.p90,
    p99Us: r.latencyUs.p99,
    p999Us: r.latencyUs.p999,
    maxUs: r.latencyUs.max,
    meanUs: r.latencyUs.mean,
    yieldsPerRecord: r.yieldsPerRecord,
    cpuUs: r.cpuUs.total,
    records: r.records,
  };
  return m;
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

export function runPoint(task: PointTask, ctx: PointContext, backends: Backends): SweepPoint {
  const plan = normalizeScenario(task.scenario, { file: ctx.file, model: ctx.model, modelFile: ctx.modelFile, traces: ctx.traces });
  const runs: SweepRun[] = [];
  let notApplicable: string | undefined;
  if (ctx.engine !== 'analytic') {
    if (!backends.simulate) throw new Error('internal: the simulator module is missing from this build');
    ctx.seeds.forEach((seed, replication) => {
      runs.push({ source: 'simulated', replication, seed, metrics: metricsOf(backends.simulate!({ ...plan, seed }, ctx.model, { seed })) });
    });
  }
  if (ctx.engine !== 'sim') {
    try {
      if (!backends.analyze) throw new InputError([diag('DS4001', ctx.file, '', { detail: 'the analytic model is not part of this build' })], 4);
      runs.push({ source: 'analytic', replication: 0, seed: plan.seed, metrics: metricsOf(backends.analyze(plan, ctx.model)) });
    } catch (e) {
      if (!(e instanceof InputError) || !e.diagnostics.some((d) => d.code === 'DS4001')) throw e;
      notApplicable = e.diagnostics.map((d) => d.message).join('; ');
    }
  }
  const point: SweepPoint = { index: task.index, values: task.values, runs, summary: {} };
  const sim = summarize(runs, 'simulated');
  const ana = summarize(runs, 'analytic');
  if (sim) point.summary.simulated = sim;
  if (ana) point.summary.analytic = ana;
  if (notApplicable !== undefined) point.notApplicable = notApplicable;
  return point;
}
