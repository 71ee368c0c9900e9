/**
 * The CPU answer everywhere: "cores busy B of N (useful · waiting · scheduler)" in the Result,
 * the simulate/analyze/plan summaries and the sweep CSV, and analyze says its figure is approximate.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadScenario } from '../../src/cli/load.js';
import { simulate } from '../../src/runtime/simulate.js';
import { ROOT, runMain } from '../helpers.js';

const YIELD = join(ROOT, 'scenarios/architectures/v2-yield-2p-2c.json');

test('the Result says how many cores are busy, and its parts add up to cpuUs over the run', () => {
  const { plan, model } = loadScenario(YIELD);
  const r = simulate(plan, model);
  const c = r.coresBusy!;
  assert.ok(c, 'coresBusy present');
  assert.equal(c.of, 2);
  assert.ok(Math.abs(c.busy - r.cpuUs.total / r.simulatedUs) < 0.001, `${c.busy} vs ${r.cpuUs.total / r.simulatedUs}`);
  assert.ok(Math.abs(c.useful + c.waiting + c.scheduler - c.busy) < 0.003);
  // yield-spinning partitions keep both workers busy (README: CPU busy ≈ cores), but for the
  // platform-noise pauses the OS takes from them (descheduled, not busy: ~3 % of a spinner's time
  // since scheduler time draws them too)
  const off = r.workers.reduce((a, w) => a + w.descheduledUs, 0) / r.simulatedUs;
  assert.ok(c.busy + off > 1.9 && c.busy <= 2.001, `busy ${c.busy} + descheduled ${off}`);
  assert.match(c.basis, /^simulated/);
});

test('simulate, analyze and plan summaries print cores busy; analyze says it is approximate', async () => {
  const s = await runMain(['simulate', YIELD]);
  assert.match(s.out, /cores busy \d+\.\d\d of 2 \(useful \d+\.\d\d · waiting \d+\.\d\d · scheduler \d+\.\d\d\)/);
  const a = await runMain(['analyze', join(ROOT, 'scenarios/validation/ct-await-1p.json')]);
  assert.equal(a.code, 0, a.out);
  assert.match(a.out, /cores busy \d+\.\d\d of 1 .*approximate/);
  const p = await runMain([
    'plan',
    join(ROOT, 'scenarios/validation/ct-await-4p-poisson.json'),
    '--slo',
    'p99<=100ms',
    '--rate',
    '10k/s',
    '--vary',
    '/template/partitions=1,2',
    '--runs',
    '1',
    '--jobs',
    '1',
  ]);
  assert.match(p.out, /cores busy \d+\.\d\d of \d+ \(useful/, p.out);
});

test('the sweep CSV has cores busy and its split', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ds-cores-'));
  const r = await runMain([
    'sweep',
    YIELD,
    '--vary',
    '/template/partitions=1,2',
    '--jobs',
    '1',
    '--out',
    join(dir, 's.json'),
    '--csv',
    join(dir, 's.csv'),
  ]);
  assert.equal(r.code, 0, r.out);
  const [head, first] = readFileSync(join(dir, 's.csv'), 'utf8').split('\n');
  for (const col of ['coresBusy_mean', 'coresUseful_mean', 'coresWaiting_mean', 'coresScheduler_mean'])
    assert.ok(head.split(',').includes(col), col);
  const cells = first.split(',');
  assert.ok(Number(cells[head.split(',').indexOf('coresBusy_mean')]) > 0.5);
});
