/**
 * Host-contention episodes (episode_rate, episode_duration, episode_wake_latency): stretches of
 * tens of ms in which every wake-up of a parked runtime thread takes ms (the probe's xwake
 * samples show them as runs of consecutive slow wake-ups, calibrate/episodes.ts). Each run draws
 * its own episodes (Poisson over simulated time, its 'episode' stream), so a run set shows some
 * runs with and some without: the p99 splits into regimes as real runs' do.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { loadScenario } from '../../../src/cli/load.js';
import { simulate } from '../../../src/runtime/simulate.js';
import { normalizeScenario } from '../../../src/plan/normalize.js';
import { simulateRuns } from '../../../src/sweep/simulate-runs.js';
import { episodesBefore } from '../../../src/runtime/costs.js';
import { runtimeCosts } from '../../../src/plan/runtime-costs.js';
import { formatSummary } from '../../../src/cli/summary.js';
import type { CostModel, Parameter } from '../../../src/schema/model.js';
import type { Scenario } from '../../../src/schema/scenario.js';
import { ROOT, model } from '../../helpers.js';

const constNs = (ns: number): Parameter => ({ value: ns, unit: 'ns', provenance: 'assumed', source: 'test' });
const perSec = (v: number): Parameter => ({ value: v, unit: 'per_sec', provenance: 'assumed', source: 'test' });
const withParams = (m: CostModel, params: Record<string, Parameter>): CostModel => ({
  ...m,
  parameters: { ...m.parameters, ...params },
});
const load = (name: string): Scenario =>
  loadScenario(join(ROOT, `scenarios/validation/${name}.json`), undefined, undefined, false).scenario;

const BASE = withParams(model(), { wake_latency: constNs(40_000), worker_wake_latency: constNs(40_000) });
/** Episodes of 30 ms, 1.5 per second, every wake-up inside one 2 ms. */
const EPISODES = withParams(BASE, {
  episode_rate: perSec(1.5),
  episode_duration: constNs(30_000_000),
  episode_wake_latency: constNs(2_000_000),
});
const strip = (r: ReturnType<typeof simulate>) => JSON.stringify({ ...r, engine: null, model: null });

test('a run set of an await scenario with episodes splits its p99 into regimes (DS3020); without the parameters it does not', async () => {
  const s = load('ct-await-2p-blockon');
  const with_ = await simulateRuns(normalizeScenario(s, { model: EPISODES, noise: true }), EPISODES, { runs: 16, jobs: 1 });
  const p99 = with_.runs?.metrics.p99Us?.values ?? [];
  assert.equal(p99.length, 16);
  const slow = p99.filter((x) => x > 1000).length;
  assert.ok(slow >= 2 && slow <= 14, `runs with a ms p99: ${slow} of 16 (${p99.map((x) => x.toFixed(0)).join(' ')})`);
  assert.ok(
    with_.warnings.some((w) => w.code === 'DS3020'),
    `DS3020 expected: ${with_.warnings.map((w) => w.code).join(' ')}`,
  );
  assert.equal(with_.runs?.regimes?.metric !== undefined, true);
  const without = await simulateRuns(normalizeScenario(s, { model: BASE, noise: true }), BASE, { runs: 16, jobs: 1 });
  const p99b = without.runs?.metrics.p99Us?.values ?? [];
  assert.ok(
    p99b.every((x) => x < 1000),
    p99b.join(' '),
  );
  assert.ok(!without.warnings.some((w) => w.code === 'DS3020'));
});

test('episodes need all three parameters and platform effects on; otherwise the same bytes as without', () => {
  const s = load('ct-await-1p');
  const run = (m: CostModel, noise: boolean) => simulate(normalizeScenario(s, { model: m, noise }), m);
  assert.equal(strip(run(EPISODES, false)), strip(run(BASE, false)), '--no-noise: no episodes');
  const two = withParams(BASE, { episode_rate: perSec(1.5), episode_duration: constNs(30_000_000) });
  assert.equal(strip(run(two, true)), strip(run(BASE, true)), 'episode_wake_latency missing: no episodes');
  const zero = withParams(EPISODES, { episode_rate: perSec(0) });
  assert.equal(strip(run(zero, true)), strip(run(BASE, true)), 'rate 0: no episodes');
});

test('deterministic per seed, and fast-forward equals stepping with episodes', () => {
  // Every wake-up latency constant, so that cycles with wake-ups in them can be skipped.
  const consts: Record<string, Parameter> = {};
  for (const n of ['worker_rewake_latency', 'wake_latency_warm', 'wake_latency_nopoll', 'block_on_wake_latency'])
    if (EPISODES.parameters[n]) consts[n] = constNs(20_000);
  const dense = withParams(EPISODES, { ...consts, episode_rate: perSec(20), episode_duration: constNs(5_000_000) });
  for (const name of ['ct-await-1p', 'mt-await-2p', 'ct-sleep-2p', 'ct-yield-4p', 'mt-yield-1p', 'mt-yield-2p', 'mt-spin-2p']) {
    const pl = normalizeScenario(load(name), { model: dense, noise: true });
    const a = simulate(pl, dense);
    assert.equal(strip(a), strip(simulate(pl, dense)), `${name}: same bytes twice`);
    assert.equal(strip(a), strip(simulate(pl, dense, { fastForward: false })), `${name}: fast-forward = stepping`);
  }
  const pl = normalizeScenario(load('ct-await-1p'), { model: dense, noise: true });
  assert.notEqual(
    strip(simulate(pl, dense)),
    strip(simulate(normalizeScenario(load('ct-await-1p'), { model: BASE, noise: true }), BASE)),
  );
});

test('a run set says how many episodes each run met, and the runs with a ms p99 are the runs that met one', async () => {
  const s = load('ct-await-2p-blockon');
  const plan = normalizeScenario(s, { model: EPISODES, noise: true });
  const r = await simulateRuns(plan, EPISODES, { runs: 16, jobs: 1 });
  const counts = r.runs?.runLevel?.episodes ?? [];
  assert.equal(counts.length, 16);
  assert.equal(r.runs?.runLevel?.episodeRate, 1.5);
  const p99 = r.runs?.metrics.p99Us?.values ?? [];
  for (let i = 0; i < 16; i++) if (p99[i] > 1000) assert.ok(counts[i] > 0, `run ${i}: p99 ${p99[i]} µs with no episode counted`);
  assert.ok(counts.some((c) => c === 0) && counts.some((c) => c > 0), counts.join(' '));
  // The count is the simulator's own schedule: a single run whose seed meets no episode in its
  // span is the same run, byte for byte, as without the parameters (its episode stream is its own).
  const ep = runtimeCosts(EPISODES, plan.runtime.driver).episode!;
  let checked = 0;
  for (const seed of r.runs?.seeds ?? []) {
    const one = (m: CostModel) => simulate(normalizeScenario({ ...s, seed }, { model: m, noise: true }), m);
    const a = one(EPISODES);
    if (episodesBefore(ep, seed, Math.round(a.simulatedUs * 1000)) > 0) continue;
    assert.equal(strip(a), strip(one(BASE)), `seed ${seed}: no episode counted, yet the run differs`);
    checked++;
  }
  assert.ok(checked > 0);
  const text = formatSummary(r, plan);
  assert.match(text, new RegExp(`host-contention episodes \\(${counts.filter((c) => c > 0).length} of 16 runs met one`));
  // Without the parameters, nothing is said.
  const b = await simulateRuns(normalizeScenario(s, { model: BASE, noise: true }), BASE, { runs: 4, jobs: 1 });
  assert.equal(b.runs?.runLevel?.episodes, undefined);
});

test('a running thread is held up by an episode too: a noise pause inside one lasts episode_wake_latency', () => {
  // ct-yield-4p's runtime thread never parks (its partitions yield-spin), so no wake-up of it can
  // fall in an episode: before running threads were paused, an episode left its latencies alone.
  const noisy = { noise_rate: perSec(2000), noise_pause: constNs(1_000) };
  const base = withParams(BASE, noisy);
  const eps = withParams(EPISODES, noisy);
  const s = load('ct-yield-4p');
  const ep = runtimeCosts(eps, 'timer').episode!;
  const met: number[] = [];
  const clear: number[] = [];
  for (let seed = 1; seed <= 40 && (met.length < 2 || clear.length < 1); seed++) {
    const plan = normalizeScenario({ ...s, seed }, { model: eps, noise: true });
    const a = simulate(plan, eps);
    const b = simulate(normalizeScenario({ ...s, seed }, { model: base, noise: true }), base);
    if (episodesBefore(ep, seed, Math.round(a.simulatedUs * 1000)) === 0) {
      assert.equal(strip(a), strip(b), `seed ${seed}: no episode, yet the run differs`);
      clear.push(seed);
      continue;
    }
    met.push(seed);
    // 1 µs pauses at 2000/s of running time: without the episode a record waits tens of µs at most.
    assert.ok(b.latencyUs.max < 1000, `seed ${seed} without episodes: max ${b.latencyUs.max} µs`);
    assert.ok(a.latencyUs.max >= 2000, `seed ${seed} met an episode: max ${a.latencyUs.max} µs, a 2 ms pause expected`);
    assert.equal(strip(a), strip(simulate(plan, eps, { fastForward: false })), `seed ${seed}: fast-forward = stepping`);
  }
  assert.ok(met.length >= 2 && clear.length >= 1, `seeds met ${met.join(' ')}, clear ${clear.join(' ')}`);
});
