/**
 * Probabilistic warm wake-ups (halt_poll_warm_share, halt_poll_run_share, wake_latency_nopoll;
 * with halt_poll_max and wake_latency_warm). The probe's steady-gap xwake runs show a wake-up
 * inside KVM's adaptive window warm in 92–97 % of cases, not always, and whole probe runs in which
 * the host did not poll at all (every wake-up ~28 µs: neither warm nor cold). The simulator draws
 * warm/cold per wake-up inside the window from the run's latency stream, and a run of a run set
 * draws whether its host polls. Noise off: the wake-up's effect alone.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { loadScenario } from '../../../src/cli/load.js';
import { simulate } from '../../../src/runtime/simulate.js';
import { normalizeScenario } from '../../../src/plan/normalize.js';
import { analyze } from '../../../src/analytic/analyze.js';
import { checkModel } from '../../../src/model/load.js';
import { simulateRuns } from '../../../src/sweep/simulate-runs.js';
import { formatRuns } from '../../../src/cli/summary.js';
import type { Plan } from '../../../src/plan/types.js';
import type { CostModel, Parameter } from '../../../src/schema/model.js';
import type { Scenario } from '../../../src/schema/scenario.js';
import { ROOT, model } from '../../helpers.js';

const constNs = (ns: number): Parameter => ({ value: ns, unit: 'ns', provenance: 'assumed', source: 'test' });
const ratio = (v: number): Parameter => ({ value: v, unit: 'ratio', provenance: 'assumed', source: 'test' });
const withParams = (m: CostModel, params: Record<string, Parameter>): CostModel => ({
  ...m,
  parameters: { ...m.parameters, ...params },
});
const load = (name: string): Scenario =>
  loadScenario(join(ROOT, `scenarios/validation/${name}.json`), undefined, undefined, false).scenario;
const planOf = (s: Scenario, m: CostModel): Plan => normalizeScenario(s, { model: m, noise: false });
const run = (s: Scenario, m: CostModel) => simulate(planOf(s, m), m);

const COLD = withParams(model(), { wake_latency: constNs(40_000), worker_wake_latency: constNs(40_000) });
const ADAPTIVE = withParams(COLD, { wake_latency_warm: constNs(5_000), halt_poll_max: constNs(200_000) });
const share = (p: number) => withParams(ADAPTIVE, { halt_poll_warm_share: ratio(p) });

/** One record per batch, no work, every 100 µs: each record's latency is its batch's wake-up. */
function lone(): Scenario {
  const t = structuredClone(load('ct-await-1p')) as Scenario & {
    template: {
      source: { arrival: { intervalUs: number }; batchRecords: number; batches: number };
      partition: { recordCost: number };
    };
  };
  t.template.source.arrival.intervalUs = 100;
  t.template.source.batchRecords = 1;
  t.template.source.batches = 3000;
  t.template.partition.recordCost = 0;
  return t;
}

test('a wake-up inside the adaptive window is warm with probability halt_poll_warm_share', () => {
  const s = lone();
  const warm = run(s, ADAPTIVE).latencyUs.mean;
  const cold = run(s, COLD).latencyUs.mean;
  assert.ok(cold - warm > 30, `all warm ${warm} µs, all cold ${cold} µs`);
  // Parked ~95 µs: inside the grown window every time, so the mean sits at the share's mixture.
  for (const p of [0.3, 0.7, 0.92]) {
    const m = run(s, share(p)).latencyUs.mean;
    const drawn = (cold - m) / (cold - warm);
    assert.ok(Math.abs(drawn - p) < 0.04, `share ${p}: ${drawn.toFixed(3)} of the wake-ups warm (mean ${m} µs)`);
  }
  // Share 1: the draw is skipped, so the run is the same bytes as a model without the parameter.
  const strip = (r: ReturnType<typeof simulate>) => JSON.stringify({ ...r, engine: null, model: null });
  assert.equal(strip(run(s, share(1))), strip(run(s, ADAPTIVE)));
});

test('parks longer than the window stay cold whatever the share', () => {
  const s = structuredClone(lone()) as Scenario & { template: { source: { arrival: { intervalUs: number } } } };
  s.template.source.arrival.intervalUs = 400;
  assert.equal(run(s, share(0.7)).latencyUs.mean, run(s, COLD).latencyUs.mean);
});

test('halt_poll_run_share: a run of a run set polls with that probability; a single run is the typical run', () => {
  const s = lone();
  const m = withParams(share(0.95), { halt_poll_run_share: ratio(0.5), wake_latency_nopoll: constNs(25_000) });
  const base = planOf(s, m);
  const means: number[] = [];
  for (let seed = 1; seed <= 40; seed++) {
    const pl: Plan = { ...base, seed, runtime: { ...base.runtime, runLevel: { speedZ: 0, wakeZ: 0 } } };
    means.push(simulate(pl, m).latencyUs.mean);
  }
  // No-poll runs: every wake-up 25 µs; polling runs: ~95 % at 5 µs.
  const noPoll = means.filter((x) => x > 20).length;
  assert.ok(
    means.every((x) => x > 20 || x < 10),
    `two regimes expected: ${means.map((x) => x.toFixed(1)).join(' ')}`,
  );
  assert.ok(noPoll >= 10 && noPoll <= 30, `${noPoll} of 40 runs without polling (20 expected)`);
  // The same seed, the same regime and bytes.
  const pl: Plan = { ...base, seed: 7, runtime: { ...base.runtime, runLevel: { speedZ: 0, wakeZ: 0 } } };
  assert.equal(JSON.stringify(simulate(pl, m).latencyUs), JSON.stringify(simulate(pl, m).latencyUs));
  // A single run (no run-level draws): polls when the share is ≥ 0.5, else every wake-up no-poll.
  const single = (p: number) => {
    const mm = withParams(m, { halt_poll_run_share: ratio(p) });
    return simulate(planOf(s, mm), mm).latencyUs.mean;
  };
  assert.ok(single(0.6) < 10, String(single(0.6)));
  assert.ok(Math.abs(single(0.4) - 25 - (run(s, COLD).latencyUs.mean - 40)) < 1, String(single(0.4)));
});

test('multi_thread wake-ups drawn under the current_thread calibration say so (DS3031)', () => {
  const s = load('mt1-await-2p');
  const has = (m: CostModel) => run(s, m).warnings.some((w) => w.code === 'DS3031');
  assert.ok(has(share(0.9)), 'DS3031 on multi_thread with a drawn share');
  assert.ok(!has(ADAPTIVE), 'no draw, nothing new to say');
  assert.ok(!run(load('ct-await-1p'), share(0.9)).warnings.some((w) => w.code === 'DS3031'), 'current_thread is calibrated');
});

test('deterministic: the draws change the run, the same seed gives the same bytes, fast-forward agrees with stepping', () => {
  const m = withParams(share(0.8), { halt_poll_run_share: ratio(0.7), wake_latency_nopoll: constNs(25_000) });
  const strip = (r: ReturnType<typeof simulate>) => JSON.stringify({ ...r, engine: null, model: null });
  for (const name of ['ct-await-1p', 'mt-await-2p', 'ct-sleep-2p', 'ct-yield-4p']) {
    const pl = planOf(load(name), m);
    const a = simulate(pl, m);
    assert.equal(strip(a), strip(simulate(pl, m)), `${name}: same bytes twice`);
    assert.equal(strip(a), strip(simulate(pl, m, { fastForward: false })), `${name}: fast-forward = stepping`);
    if (name === 'ct-await-1p')
      assert.notEqual(strip(a), strip(simulate(planOf(load(name), ADAPTIVE), ADAPTIVE)), 'the share was drawn');
  }
  // Another seed, other draws (a run set's runs differ).
  const pl = planOf(load('ct-await-1p'), m);
  assert.notEqual(strip(simulate(pl, m)), strip(simulate({ ...pl, seed: pl.seed + 1 }, m)));
});

test('analytic: the expected mixture of warm and cold inside the window', () => {
  const s = load('ct-await-1p');
  const p50 = (m: CostModel) => analyze(planOf(s, m), m).latencyUs.mean;
  const warm = p50(ADAPTIVE);
  const cold = p50(COLD);
  const mid = p50(share(0.6));
  const f = (cold - mid) / (cold - warm);
  assert.ok(Math.abs(f - 0.6) < 0.05, `analytic mean at ${f.toFixed(3)} of the way from cold to warm`);
  const sim = run(s, share(0.6)).latencyUs.mean;
  assert.ok(Math.abs(sim - mid) / sim < 0.1, `analytic ${mid} vs simulated ${sim} µs`);
});

test('a share outside [0, 1] is refused by the model check (DS1107)', () => {
  const bad = checkModel(withParams(ADAPTIVE, { halt_poll_warm_share: ratio(1.4) }), 'm.json');
  assert.ok(
    bad.some((d) => d.code === 'DS1107' && d.severity === 'error' && d.pointer === '/parameters/halt_poll_warm_share/value'),
    JSON.stringify(bad),
  );
  assert.ok(!checkModel(share(0.9), 'm.json').some((d) => d.code === 'DS1107'));
});

test('a run set shows which runs drew a host that polls (runs.runLevel.hostPolls), as the runs behaved', async () => {
  const s = lone();
  const m = withParams(share(0.95), { halt_poll_run_share: ratio(0.5), wake_latency_nopoll: constNs(25_000) });
  const r = await simulateRuns(planOf(s, m), m, { runs: 12, jobs: 1 });
  const polls = r.runs?.runLevel?.hostPolls;
  assert.ok(polls && polls.length === 12, JSON.stringify(r.runs?.runLevel));
  assert.ok(polls.some((x) => x) && polls.some((x) => !x), `both states in 12 runs at 0.5: ${polls.join(' ')}`);
  // Each run's mean latency says which state it drew: ~25 µs without polling, ~6 µs with.
  const means = r.runs?.metrics.meanUs?.values ?? [];
  assert.equal(means.length, 12);
  means.forEach((x, i) => assert.ok(polls[i] ? x < 10 : x > 20, `run ${i}: mean ${x} µs, polls ${polls[i]}`));
  // The summary says what varied.
  const k = polls.filter((x) => x).length;
  assert.ok(formatRuns(r)[0].includes(`whether the VM host halt-polls (${k} of 12 runs do`), formatRuns(r)[0]);
  // Without the parameter: no such field.
  const none = await simulateRuns(planOf(s, share(0.95)), share(0.95), { runs: 3, jobs: 1 });
  assert.equal(none.runs?.runLevel?.hostPolls, undefined);
});
