/**
 * Integration: tokio 1.24's coop budget on Mutex::lock, counted on real tokio and in the
 * simulator. 1,000 uncontended lock/unlock pairs in one task: every lock (batch_semaphore
 * Acquire::poll) takes a unit of the 128 a poll gets, so the task is polled 8 times — on both
 * flavors, measured by the probe (its per-task poll counter) and simulated. Needs cargo
 * (requirements.ts); skipped only on purpose, with DISPATCHSIM_TEST_SKIP=probe.
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

for (const file of ['test/fixtures/coop/lock-1000.json', 'test/fixtures/coop/lock-1000-mt.json'])
  test(
    `${file}: 1,000 lock/unlock pairs take 8 polls on real tokio and in the simulator`,
    { skip: PROBE.skip, timeout: 300_000 },
    async () => {
      PROBE.check();
      const out = join(mkdtempSync(join(tmpdir(), 'ds-coop-')), 'm.json');
      const code = await main(['measure', file, '--repeat', '2', '--warmup', '0', '--out', out]);
      assert.equal(code, 0);
      const measured = JSON.parse(readFileSync(out, 'utf8')) as Result;
      // The measured Result carries each task's median over the repeats.
      assert.equal(measured.tasks.locker.polls, 8, 'measured polls (median of 2 runs)');
      const { plan, model } = loadScenario(file);
      assert.equal(simulate(plan, model).tasks.locker.polls, 8, 'simulated polls');
    },
  );
