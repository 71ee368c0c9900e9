/**
 * `dispatchsim new`: every combination of its options gives a scenario that passes the schema and
 * the semantic checks and simulates to the end (valid by construction), and the CLI writes it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CHANNEL_KINDS,
  WAIT_STRATEGIES,
  scaffoldPipeline,
  scaffoldSequential,
  type ScaffoldOptions,
} from '../../../src/plan/scaffold.js';
import { validateDocument } from '../../../src/schema/validate.js';
import { normalizeScenario } from '../../../src/plan/normalize.js';
import { simulate } from '../../../src/runtime/simulate.js';
import type { Scenario } from '../../../src/schema/scenario.js';
import { model, runMain } from '../../helpers.js';

const base = (flavor: ScaffoldOptions['flavor'], arrival: ScaffoldOptions['arrival']): ScaffoldOptions => ({
  name: 'x',
  flavor,
  cores: 2,
  ratePerSec: 50_000,
  workUs: 2,
  batchRecords: 50,
  durationMs: 2,
  arrival,
  seed: 1,
});

function assertRuns(s: Scenario, what: string): void {
  assert.deepEqual(validateDocument('scenario', s, what), [], what);
  const m = model();
  const plan = normalizeScenario(s, { file: what, model: m });
  const r = simulate(plan, m, { maxSimulatedNs: 50e6 });
  // Busy-spinning partitions that never yield may hold every worker and starve the coordinator
  // (tokio does the same); the Result then says so (DS3005), and `advise` warns before running.
  const monopolised = r.warnings.some((w) => w.code === 'DS3005');
  assert.ok(!r.truncated || monopolised, `${what}: truncated ${r.truncated?.reason}`);
  assert.ok(r.records > 0 || monopolised, `${what}: no records`);
}

test('every pipeline combination is a valid scenario that simulates to the end', () => {
  for (const flavor of ['multi_thread', 'current_thread'] as const)
    for (const arrival of ['poisson', 'periodic'] as const)
      for (const wait of WAIT_STRATEGIES)
        for (const channel of [undefined, ...CHANNEL_KINDS]) {
          if (wait === 'await' && channel === 'lockfree') continue; // refused by the CLI: no waker
          const s = scaffoldPipeline({
            ...base(flavor, arrival),
            partitions: 2,
            wait,
            sleepUs: 1000,
            ...(channel ? { channel } : {}),
          });
          assertRuns(s, `${flavor}/${arrival}/${wait}/${channel ?? 'default'}`);
        }
});

test('every sequential combination is a valid scenario that simulates to the end', () => {
  for (const flavor of ['multi_thread', 'current_thread'] as const)
    for (const arrival of ['poisson', 'periodic'] as const)
      assertRuns(scaffoldSequential(base(flavor, arrival)), `${flavor}/${arrival}`);
});

test('the rate, work and batch size become the arrival and costs the user meant', () => {
  const s = scaffoldPipeline({
    ...base('multi_thread', 'poisson'),
    ratePerSec: 200_000,
    batchRecords: 100,
    workUs: 5,
    partitions: 4,
    wait: 'yield',
    sleepUs: 1000,
  });
  assert.equal(s.template?.kind, 'pipeline');
  if (s.template?.kind !== 'pipeline') return;
  assert.deepEqual(s.template.source.arrival, { kind: 'poisson', ratePerSec: 2000 });
  assert.equal(s.template.partition.recordCost, 5);
  assert.deepEqual(s.template.partition.wait, [{ kind: 'yield_spin' }]);
  assert.deepEqual(s.runtime, { flavor: 'multi_thread', workers: 2, driver: 'timer_io' });
  assert.match(s.description ?? '', /yield_now\(\)/);
});

test('dispatchsim new writes a scenario that check accepts; bad options are usage errors', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ds-new-'));
  const out = join(dir, 'my.json');
  const w = await runMain([
    'new',
    'pipeline',
    '--partitions',
    '4',
    '--wait',
    'yield',
    '--cores',
    '4',
    '--rate',
    '200k/s',
    '--work',
    '5us',
    '--out',
    out,
  ]);
  assert.equal(w.code, 0, w.out);
  const s = JSON.parse(readFileSync(out, 'utf8')) as Scenario;
  assert.equal(s.name, 'my');
  assert.equal((await runMain(['check', out])).code, 0);
  assert.equal((await runMain(['new', 'pipeline', '--wait', 'await', '--channel', 'lockfree'])).code, 2);
  assert.equal((await runMain(['new', 'pipeline', '--partitions', '0'])).code, 2);
  const bad = await runMain(['new', 'sequential', '--work', '5']);
  assert.equal(bad.code, 3);
  assert.match(bad.out, /DS1706/);
});
