/**
 * The advisor flags each pitfall on a scenario built to show it, and stays silent on the bundled
 * architectures that have none (await, sequential, shared engine, sleep(1 ms)). The host check
 * (DS2108) depends on the machine, so it is tested with a named CPU and left out elsewhere.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { advise, type AdviseInput } from '../../../src/plan/advise.js';
import { scaffoldPipeline, type PipelineOptions } from '../../../src/plan/scaffold.js';
import { normalizeScenario } from '../../../src/plan/normalize.js';
import { simulate } from '../../../src/runtime/simulate.js';
import { loadScenario } from '../../../src/cli/load.js';
import type { Scenario } from '../../../src/schema/scenario.js';
import type { CostModel } from '../../../src/schema/model.js';
import { ROOT, listJson, model, runMain } from '../../helpers.js';

function run(s: Scenario, m: CostModel = model()): AdviseInput {
  return { scenario: s, model: m, result: simulate(normalizeScenario(s, { model: m }), m) };
}
const codes = (i: AdviseInput) => advise(i).map((f) => f.code);
const pipeline = (o: Partial<PipelineOptions>): Scenario =>
  scaffoldPipeline({
    name: 'p',
    flavor: 'multi_thread',
    cores: 4,
    ratePerSec: 100_000,
    workUs: 2,
    batchRecords: 100,
    durationMs: 10,
    arrival: 'periodic',
    seed: 1,
    partitions: 2,
    wait: 'await',
    sleepUs: 1000,
    ...o,
  });
const blockOn = (
  program: Scenario['tasks'] extends infer T ? (T extends Record<string, { program: infer P }> ? P : never) : never,
): Scenario => ({
  name: 'b',
  runtime: { flavor: 'current_thread', driver: 'timer' },
  tasks: { main: { start: 'block_on', program } },
});

test('each pitfall is flagged on a scenario built to show it, with why and what to do', () => {
  const clean = pipeline({});
  assert.deepEqual(codes(run(clean)), [], 'the clean pipeline has no pitfall');
  assert.ok(codes(run(clean, model('velostream-seed'))).includes('DS2101'), 'debug-build model');
  assert.ok(codes(run(blockOn([{ op: 'compute', cost: 5 }]))).includes('DS2102'), 'test-style runtime');
  assert.ok(codes(run(pipeline({ wait: 'sleep', sleepUs: 100 }))).includes('DS2103'), 'sub-tick sleep');
  const yields = blockOn([
    {
      op: 'repeat',
      n: 100,
      body: [{ op: 'record_start' }, { op: 'repeat', n: 50, body: [{ op: 'yield' }] }, { op: 'record_end' }],
    },
  ]);
  assert.ok(codes(run(yields)).includes('DS2104'), 'yields per record');
  const harness = blockOn([
    { op: 'repeat', n: 10, body: [{ op: 'record_start' }, { op: 'compute', cost: 5 }, { op: 'record_end' }] },
    { op: 'sleep', us: 50_000 },
  ]);
  assert.ok(codes(run(harness)).includes('DS2105'), 'harness sleep dominating');
  assert.ok(codes(run(pipeline({ wait: 'spin', partitions: 1 }))).includes('DS2106'), 'spin wait');
  assert.ok(codes(run(pipeline({ wait: 'yield', partitions: 4 }))).includes('DS2107'), 'yield-spin burning cores');
  const published = { ...run(clean), hostCpu: 'Some Other CPU' };
  assert.deepEqual(codes(published), ['DS2108'], 'published model, another host');
  const host = model('host-release');
  const here = { scenario: clean, model: host, hostCpu: `${host.provenance.machine?.cpu} 7B13 64-Core Processor` };
  assert.deepEqual(codes(here), [], 'calibrated on this CPU');
  const r = run(clean).result!;
  const split = { ...run(clean), result: { ...r, warnings: [...r.warnings, { code: 'DS3020', message: 'runs 0–2 vs 3–4' }] } };
  assert.ok(codes(split).includes('DS2109'), 'regime split (simulate --runs hook)');
  assert.deepEqual(
    codes({ planWarnings: [{ code: 'DS1707', message: "margin 3% to 'p99<=250us'" }] }),
    ['DS2110'],
    'plan margin',
  );
  for (const f of advise({ ...run(pipeline({ wait: 'yield', partitions: 4 })), hostCpu: 'x' })) {
    assert.ok(f.why.length > 20 && !f.why.includes('\n'), f.code);
    assert.ok(f.action.length > 10 && !f.action.includes('\n'), f.code);
  }
});

test('silent on the bundled architectures that have no pitfall', () => {
  const none = listJson('scenarios/architectures').filter((f) => /v1-sequential|v2-await|v2-shared-engine|v2-sleep/.test(f));
  assert.ok(none.length >= 20);
  for (const f of none) {
    const { scenario, plan, model: m } = loadScenario(join(ROOT, f));
    assert.deepEqual(advise({ scenario, model: m, result: simulate(plan, m) }), [], f);
  }
});

test('dispatchsim advise prints findings, and simulate lists them under its summary', async () => {
  const a = await runMain(['advise', join(ROOT, 'scenarios/velostream/passthrough-baseline.json')]);
  assert.equal(a.code, 0, a.out);
  for (const c of ['DS2101', 'DS2102', 'DS2105']) assert.match(a.out, new RegExp(c));
  const s = await runMain(['simulate', join(ROOT, 'scenarios/velostream/yield-50-per-record.json')]);
  assert.match(s.out, /advice[^\n]*\n[\s\S]*DS2104/);
});
