/**
 * `plan` on the reference study's architecture scenarios: the rate is rescaled on the periodic
 * source, cores and workers move together on a tied axis, and the answer is the cheapest
 * configuration that passes — checked against a brute-force sweep of the same grid.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { normalizeScenario } from '../../../src/plan/normalize.js';
import type { CostModel } from '../../../src/schema/model.js';
import type { Scenario } from '../../../src/schema/scenario.js';
import { parseVary } from '../../../src/sweep/grid.js';
import { searchPlan } from '../../../src/sweep/plan-search.js';
import { configCost, parseSlo, withArrivalRate } from '../../../src/sweep/slo.js';
import { runSweep } from '../../../src/sweep/sweep.js';
import { readJson, ROOT, runMain } from '../../helpers.js';

const FILE = 'scenarios/architectures/v2-await-8p-2c.json';
const model = readJson<CostModel>('models/tokio-1.24-2vcpu-release.json');

/** The architecture scenario, shortened to 40 batches so the test stays quick. */
function shortScenario(): Scenario {
  const s = readJson<Scenario>(FILE);
  if (s.template?.kind !== 'pipeline') throw new Error(`${FILE} is not a pipeline`);
  s.template.source.batches = 40;
  return s;
}

test('--rate rescales a periodic batch source so that records/s equals the rate', () => {
  const s = shortScenario();
  const { scenario, pointers } = withArrivalRate(s, 130000, FILE);
  assert.deepEqual(pointers, ['/template/source/arrival']);
  const t = scenario.template?.kind === 'pipeline' ? scenario.template.source : undefined;
  assert.ok(t && t.arrival.kind === 'periodic');
  assert.ok(Math.abs((t.batchRecords * 1e6) / t.arrival.intervalUs - 130000) < 1e-6, `interval ${t.arrival.intervalUs} µs`);
});

test('plan on an architecture scenario: the cheapest passing configuration, confirmed by a brute-force sweep', async () => {
  const scenario = shortScenario();
  const varies = [parseVary('/machine/cores+/runtime/workers=1..4'), parseVary('/template/partitions=1,2,4')];
  const slos = [parseSlo('p99<=150us')];
  const a = await searchPlan({
    scenario,
    file: FILE,
    model,
    varies,
    slos,
    ratePerSec: 130000,
    weights: {},
    replications: 1,
    jobs: 2,
  });
  // Brute force: simulate every configuration at the same rate and seeds, order by cost, keep the first two that pass.
  const rated = withArrivalRate(scenario, 130000, FILE).scenario;
  const doc = await runSweep({ scenario: rated, file: FILE, model, varies, engine: 'sim', replications: 1, jobs: 2 });
  const ranked = doc.points
    .map((p) => {
      const m = p.summary.simulated!;
      const cores = normalizeScenario({ ...rated, machine: { cores: p.values[0] as number } }, { model }).runtime.cores;
      return {
        values: p.values,
        index: p.index,
        cost: configCost(doc.grid, p.values, cores, {}),
        p99: m.p99Us.mean,
        rate: m.recordsPerSec.mean,
      };
    })
    .sort((x, y) => x.cost - y.cost || x.index - y.index);
  const passing = ranked.filter((r) => r.p99 <= 150);
  assert.ok(
    passing.length >= 2 && passing[0] !== ranked[0],
    'the grid must hold failing cheap configurations and two passing ones',
  );
  assert.deepEqual(a.answer?.values, passing[0].values);
  assert.deepEqual(a.runnerUp?.values, passing[1].values);
  assert.equal(a.answer?.cores, a.answer?.workers, 'cores and workers are tied');
  assert.equal(a.answer?.metrics.p99Us, passing[0].p99);
  // 40 batches: records over first-arrival-to-last-completion runs ~2% above the rate.
  assert.ok(Math.abs(a.answer!.metrics.recordsPerSec / 130000 - 1) < 0.05, `throughput ${a.answer!.metrics.recordsPerSec}`);
  assert.ok(a.answer!.checks[0].margin >= 0 && a.runnerUp!.cost >= a.answer!.cost);
  // It simulates in cost order and stops at the runner-up (batches of `jobs` = 2 may run one more).
  const upTo = ranked.findIndex((r) => r.index === passing[1].index) + 1;
  assert.ok(a.simulated <= upTo + 1, `simulated ${a.simulated}, runner-up is number ${upTo}`);
});

test('dispatchsim plan prints the answer and runner-up with margins, sources, model, profile and flavor', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dispatchsim-plan-'));
  try {
    const s = shortScenario();
    s.model = join(ROOT, 'models/tokio-1.24-2vcpu-release.json');
    const file = join(dir, 'v2-await.json');
    writeFileSync(file, JSON.stringify(s));
    const argv = [
      'plan',
      file,
      '--slo',
      'p99<=1ms',
      '--rate',
      '130k/s',
      '--vary',
      '/machine/cores+/runtime/workers=1..2',
      '--vary',
      '/template/partitions=1,2',
    ];
    const r = await runMain([...argv, '--replications', '1', '--jobs', '1']);
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /^offered load 130k records\/s \(set at \/template\/source\/arrival\)/);
    assert.match(r.out, /\nanswer: +cores 1 · partitions 1 · 1 core\(s\), multi_thread with 1 worker\(s\)/);
    assert.match(r.out, /\nrunner-up: cores 1 · partitions 2 /);
    assert.match(r.out, /p99<=1ms: p99 latency [\d.]+ µs \(margin [\d.]+%\) · throughput 1[23]\d(\.\d)?k records\/s/);
    assert.match(r.out, /cores busy [\d.]+ of 1 \(useful [\d.]+ · waiting [\d.]+ · scheduler [\d.]+\)/);
    assert.match(
      r.out,
      /from: simulated \(mean of 1 run\(s\)\), model tokio-1\.24-2vcpu-release \(release build, published\), flavor multi_thread/,
    );
    assert.match(r.out, /analytic: predicted p99 latency [\d.]+ µs \(±\d+%\) · approx: multi_thread/);
    const none = await runMain([
      'plan',
      file,
      '--slo',
      'p99<=1us',
      '--rate',
      '130k/s',
      '--vary',
      '/template/partitions=1',
      '--replications',
      '1',
      '--jobs',
      '1',
    ]);
    assert.equal(none.code, 6, none.out);
    assert.match(none.out, /answer: +none/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
