/**
 * Analytic evaluations per second of the pipeline template (target ≥ 1 M/s), printed as figures,
 * never asserted. Runnable alone (`node dist/bench/analytic.js`) or from `bench/run.ts`.
 *
 *   1. evaluate: a prepared pipeline plan (shape recognized, costs, offsets and tabulated CDFs
 *      computed once), re-evaluated at a different arrival rate each time: loads, overload check,
 *      queueing delay, mean, p50/p90/p99/p999/max, end time — every metric a sweep records
 *   2. analyze(): the same through the public entry point, building the whole Result document
 *   3. cold: recognize + prepare + evaluate for a plan never seen before (what a sweep over
 *      structural axes such as partitions pays per point, normalization excluded)
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Scenario } from '../src/schema/scenario.js';
import type { CostModel } from '../src/schema/model.js';
import { normalizeScenario } from '../src/plan/normalize.js';
import { analyze, prepareAnalysis } from '../src/analytic/analyze.js';
import { makeCtx } from '../src/analytic/context.js';
import { recognizeShape } from '../src/analytic/plan-shape.js';
import { evaluatePipelineCore } from '../src/analytic/pipeline.js';
import { preparePipeline } from '../src/analytic/pipeline-prepare.js';

export interface AnalyticBench {
  evaluatePerSec: number;
  analyzePerSec: number;
  coldPerSec: number;
}

function pipelineScenario(partitions: number): Scenario {
  return {
    name: 'bench/analytic-pipeline',
    runtime: { flavor: 'current_thread' },
    template: {
      kind: 'pipeline',
      partitions,
      source: { arrival: { kind: 'poisson', ratePerSec: 2000 }, batchRecords: 100, batches: 1000 },
      coordinator: { routeCost: 0.05 },
      partition: { wait: [{ kind: 'await_recv' }], recordCost: 2 },
    },
  };
}

function rate(fn: (i: number) => void, minMs: number): number {
  let n = 0;
  const t0 = performance.now();
  let t = t0;
  while (t - t0 < minMs) {
    for (let k = 0; k < 1000; k++) fn(n++);
    t = performance.now();
  }
  return n / ((t - t0) / 1000);
}

/** Runs the three measurements (about 3 × `ms` of wall time) and returns evaluations per second. */
export function benchAnalytic(model: CostModel, ms = 500): AnalyticBench {
  const plan = normalizeScenario(pipelineScenario(4), { model, noise: false });
  const prepared = prepareAnalysis(plan, model);
  if (prepared.kind !== 'pipeline') throw new Error('internal: the bench plan is not a pipeline');
  const pp = prepared.pp;
  const base = pp.lambda;
  let sink = 0;
  // Warm up the JIT on every path first.
  for (let i = 0; i < 20000; i++) {
    pp.lambda = base * (0.5 + (i % 64) / 128);
    sink += evaluatePipelineCore(pp).p99Ns;
  }
  const evaluatePerSec = rate((i) => {
    pp.lambda = base * (0.5 + (i % 64) / 128);
    sink += evaluatePipelineCore(pp).p99Ns;
  }, ms);
  pp.lambda = base;
  const analyzePerSec = rate(() => {
    sink += analyze(plan, model).latencyUs.p99;
  }, ms);
  const plans = [2, 4, 8, 16].map((p) => normalizeScenario(pipelineScenario(p), { model, noise: false }));
  const coldPerSec = rate((i) => {
    const pl = plans[i & 3];
    const shape = recognizeShape(pl);
    if (typeof shape === 'string' || shape.kind !== 'pipeline') throw new Error('internal: not a pipeline');
    const p = preparePipeline(makeCtx(pl, model), shape);
    if ('detail' in p) throw new Error('internal: not applicable');
    sink += evaluatePipelineCore(p).records;
  }, ms);
  if (sink === 42) console.log('');
  return { evaluatePerSec, analyzePerSec, coldPerSec };
}

export function printAnalyticBench(b: AnalyticBench): void {
  console.log(
    `analytic, pipeline template (4 partitions, Poisson): evaluate ${(b.evaluatePerSec / 1e6).toFixed(2)} M evals/s (target ≥ 1 M/s)`,
  );
  console.log(
    `  analyze() with the full Result document: ${(b.analyzePerSec / 1e3).toFixed(0)} k/s; cold (recognize + prepare + evaluate, new plan): ${(b.coldPerSec / 1e3).toFixed(0)} k/s`,
  );
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const model = JSON.parse(
    readFileSync(new URL('../../models/tokio-1.24-2vcpu-release.json', import.meta.url), 'utf8'),
  ) as CostModel;
  printAnalyticBench(benchAnalytic(model));
}
