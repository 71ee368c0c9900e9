/**
 * A run's level is a draw of the posterior predictive, not of the point estimate (runtime-costs.ts
 * runLevelFactors): run_*_sd is a standard deviation seen in a few probe runs (its `samples`), so a
 * new run's log level is Student-t with samples − 1 degrees of freedom and scale sd·√(1 + 1/n);
 * episode_rate is k episodes in T seconds, so a run's rate is a draw of Gamma(k + ½) / T.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { loadScenario } from '../../../src/cli/load.js';
import { normalizeScenario } from '../../../src/plan/normalize.js';
import { planOfRun, runVariants } from '../../../src/plan/run-set.js';
import { runLevelFactors, runtimeCosts, scaleRuntimeCosts } from '../../../src/plan/runtime-costs.js';
import { studentTCdf } from '../../../src/engine/student-t.js';
import { simulateRuns } from '../../../src/sweep/simulate-runs.js';
import { episodesBefore } from '../../../src/runtime/costs.js';
import { validateDocument } from '../../../src/schema/validate.js';
import type { CostModel, Parameter } from '../../../src/schema/model.js';
import { model, ROOT } from '../../helpers.js';

const ratio = (value: number, samples?: number): Parameter => ({
  value,
  unit: 'ratio',
  provenance: 'assumed',
  source: 'test',
  ...(samples !== undefined ? { samples } : {}),
});
const withParams = (m: CostModel, p: Record<string, Parameter>): CostModel => ({ ...m, parameters: { ...m.parameters, ...p } });
const scenario = loadScenario(join(ROOT, 'scenarios/validation/ct-await-1p.json'), undefined, undefined, false).scenario;

/** The share of `xs` whose |x| exceeds `c`. */
const beyond = (xs: number[], c: number) => xs.filter((x) => Math.abs(x) > c).length / xs.length;

test('a dispersion seen in 3 runs spreads run levels as a Student t (2 degrees of freedom), not as a normal', () => {
  const sd = 0.2;
  const m = withParams(model(), { run_wake_sd: ratio(sd, 3), run_speed_sd: ratio(sd) });
  const plan = normalizeScenario(scenario, { model: m, noise: false });
  const N = 4000;
  const wake: number[] = [];
  const speed: number[] = [];
  for (const v of runVariants(plan, N)) {
    const f = runLevelFactors(planOfRun(plan, v), m);
    wake.push(Math.log(f.wake) / sd);
    speed.push(Math.log(f.speed) / sd);
    // The point sd where the model does not say how many runs it rests on: exp(sd · z) as before.
    assert.ok(Math.abs(f.speed - Math.exp(sd * v.speedZ)) < 1e-12);
  }
  // t with ν = 2 scaled by √(1 + 1/3): P(|T| > c) = 2·(1 − F_2(c / 1.1547)).
  const scale = Math.sqrt(1 + 1 / 3);
  for (const c of [1.645, 3, 6]) {
    const expected = 2 * (1 - studentTCdf(c / scale, 2));
    const got = beyond(wake, c);
    assert.ok(Math.abs(got - expected) < 0.02 + 0.1 * expected, `P(|level| > ${c} sd): ${got} vs t ${expected.toFixed(4)}`);
  }
  // The normal's tails are far thinner: beyond 3 sd 0.27 %, the predictive ~10 %.
  assert.ok(beyond(speed, 3) < 0.01, `point sd: ${beyond(speed, 3)}`);
  assert.ok(beyond(wake, 3) > 0.05, `predictive: ${beyond(wake, 3)}`);
});

test("a run's episode rate is a draw of the calibrated rate's posterior, and the run set counts each run's episodes at its own rate", async () => {
  const perSec = (value: number, samples: number): Parameter => ({
    value,
    unit: 'per_sec',
    provenance: 'assumed',
    source: 'test',
    samples,
  });
  const ns = (value: number): Parameter => ({ value, unit: 'ns', provenance: 'assumed', source: 'test' });
  const k = 5;
  const m = withParams(model(), {
    episode_rate: perSec(2, k),
    episode_duration: ns(3_000_000),
    episode_wake_latency: ns(800_000),
  });
  const plan = normalizeScenario(scenario, { model: m, noise: true });
  const g = runVariants(plan, 3000).map((v) => runLevelFactors(planOfRun(plan, v), m).episode);
  const mean = g.reduce((a, b) => a + b, 0) / g.length;
  const variance = g.reduce((a, b) => a + (b - mean) ** 2, 0) / (g.length - 1);
  // Gamma(k + ½) / k: mean (k + ½)/k = 1.1, variance (k + ½)/k² = 0.22.
  assert.ok(Math.abs(mean - 1.1) < 0.03, `mean factor ${mean}`);
  assert.ok(Math.abs(variance - 0.22) < 0.03, `variance ${variance}`);
  // Noise off (no episodes), or a plain simulate (not a run of a set): the calibrated rate.
  const quiet = normalizeScenario(scenario, { model: m, noise: false });
  assert.equal(runLevelFactors(planOfRun(quiet, runVariants(quiet, 2)[1]), m).episode, 1);
  assert.equal(runLevelFactors(plan, m).episode, 1);
  const set = await simulateRuns(plan, m, { runs: 8, jobs: 1 });
  const lv = set.runs!.runLevel!;
  assert.equal(lv.episodeRate, 2);
  assert.equal(lv.episodeRates!.length, 8);
  const ep = runtimeCosts(m, plan.runtime.driver).episode!;
  (set.runs!.seeds ?? []).forEach((seed, i) => {
    const rate = lv.episodeRates![i];
    assert.ok(Math.abs(rate - 2 * g[i]) < 1e-9, `run ${i}: rate ${rate} vs draw ${2 * g[i]}`);
    const span = Math.round((set.runs!.metrics.records.values[i] / set.runs!.metrics.recordsPerSec.values[i]) * 1e9);
    assert.ok(Math.abs(lv.episodes![i] - episodesBefore({ ...ep, rate }, seed, span)) <= 1, `run ${i}`);
  });
  assert.deepEqual(validateDocument('result', set, '<run set>'), []);
});

test("a run's wake level scales the switch to a thread woken on its waker's vCPU (block_on, worker packing), not its share", () => {
  const ns = (value: number): Parameter => ({ value, unit: 'ns', provenance: 'assumed', source: 'test' });
  const m = withParams(model(), {
    block_on_wake_preempt: ratio(0.9),
    block_on_wake_latency: ns(4_000),
    worker_wake_preempt: ratio(0.5),
    worker_wake_preempt_latency: ns(5_000),
  });
  const c = runtimeCosts(m, 'timer');
  const slow = scaleRuntimeCosts(c, 1, 2);
  assert.deepEqual(slow.boWake, { preempt: 0.9, latency: { dist: 'const', ns: 8_000 }, hold: null });
  assert.deepEqual(slow.workerWake, { preempt: 0.5, latency: { dist: 'const', ns: 10_000 }, hold: null });
  assert.deepEqual(scaleRuntimeCosts(c, 2, 1).boWake, c.boWake, 'the speed level leaves it alone');
  // worker_wake_preempt_hold is the guest scheduler's, not a wake-up: kept as it is.
  const held = runtimeCosts(withParams(m, { worker_wake_preempt_hold: ns(30_000) }), 'timer');
  assert.deepEqual(scaleRuntimeCosts(held, 1, 2).workerWake?.hold, { dist: 'const', ns: 30_000 });
});

test('a run set of a block_on multi_thread scenario whose runs draw wake levels runs through packed wake-ups', async () => {
  // The bundled model has block_on_wake_*: each run but run 0 scales its switch latency. A scaled
  // packing that lost its `hold` field crashed the first preempting wake-up (TypeError in
  // sampleCost), and with it every validate of these scenarios.
  const { plan, model: m } = loadScenario(join(ROOT, 'scenarios/validation/mt-await-4p-blockon.json'));
  const set = await simulateRuns(plan, m, { runs: 4, jobs: 1 });
  assert.equal(set.runs?.count, 4);
  assert.ok(set.records > 0 && set.throughput.recordsPerSec > 0);
});
