/**
 * Integration: the `interval` op on real tokio (the probe's `tokio::time::interval`) and in the
 * simulator: 10 ticks of a 2 ms interval with 100 µs of work after each. Tick 9 is due 18 ms after
 * the interval's creation, so no run can be shorter; the simulated elapsed time and poll count
 * match the measured ones (a loaded machine may delay a tick past the next one's deadline, which
 * Burst then completes in the same poll: the measured polls may be fewer, never more). Needs
 * cargo (requirements.ts); skipped only on purpose, with DISPATCHSIM_TEST_SKIP=probe.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../../src/cli/main.js';
import { loadScenario } from '../../../src/cli/load.js';
import { simulate } from '../../../src/runtime/simulate.js';
import type { Result } from '../../../src/schema/result.js';
import { requirement } from '../../requirements.js';

const PROBE = requirement('probe');
const FILE = 'test/fixtures/interval/ticks.json';

test('interval: 10 ticks of 2 ms on real tokio and in the simulator', { skip: PROBE.skip, timeout: 300_000 }, async () => {
  PROBE.check();
  const out = join(mkdtempSync(join(tmpdir(), 'ds-interval-')), 'm.json');
  assert.equal(await main(['measure', FILE, '--repeat', '3', '--warmup', '0', '--out', out]), 0);
  const measured = (JSON.parse(readFileSync(out, 'utf8')) as Result).tasks.ticker;
  const { plan, model } = loadScenario(FILE);
  const simulated = simulate(plan, model).tasks.ticker;
  assert.ok(measured.completed && simulated.completed);
  assert.ok(measured.elapsedUs >= 18_000, `measured elapsed ${measured.elapsedUs} µs`);
  assert.ok(simulated.elapsedUs >= 18_000 && simulated.elapsedUs < 21_000, `simulated elapsed ${simulated.elapsedUs} µs`);
  assert.ok(
    Math.abs(simulated.elapsedUs - measured.elapsedUs) <= 0.15 * measured.elapsedUs,
    `simulated ${simulated.elapsedUs} µs vs measured ${measured.elapsedUs} µs`,
  );
  assert.equal(simulated.polls, 11, 'creation + 10 ticks');
  assert.ok(measured.polls <= 11 && measured.polls >= 6, `measured polls ${measured.polls}`);
});
