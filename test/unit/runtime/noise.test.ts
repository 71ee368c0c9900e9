/**
 * Platform noise (scenario machine.noise): OS/hypervisor pauses of a running thread, a Poisson
 * process in running time with the model's noise_rate and noise_pause distribution.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Scenario } from '../../../src/schema/scenario.js';
import { run } from '../../helpers.js';

function busyPipeline(noise: boolean): Scenario {
  return {
    name: `noise-${noise}`,
    runtime: { flavor: 'current_thread' },
    machine: { cores: 1, noise },
    template: {
      kind: 'pipeline',
      partitions: 2,
      source: { arrival: { kind: 'periodic', intervalUs: 200 }, batchRecords: 20, batches: 2000 },
      partition: { wait: [{ kind: 'await_recv' }], recordCost: 4 },
    },
  };
}

test('noise adds pauses at about noise_rate per second of running time, and fattens the tail', () => {
  const quiet = run(busyPipeline(false)).result;
  const noisy = run(busyPipeline(true)).result;
  const w = noisy.workers[0];
  const pauses = w.noisePauses ?? 0;
  // 1,300 pauses per running second (the model's noise_rate): expected ≈ 1300 × busy seconds.
  const expected = 1300 * (w.busyUs / 1e6);
  assert.ok(pauses > 0.5 * expected && pauses < 1.5 * expected, `pauses ${pauses}, expected ≈ ${expected.toFixed(0)}`);
  assert.ok(w.descheduledUs > 0);
  assert.equal(quiet.workers[0].noisePauses, undefined);
  assert.ok(noisy.latencyUs.max > quiet.latencyUs.max + 20, `max ${noisy.latencyUs.max} vs ${quiet.latencyUs.max}`);
  assert.equal(noisy.records, quiet.records);
});

test('noise is seeded: same seed, same pauses', () => {
  const a = run(busyPipeline(true)).result;
  const b = run(busyPipeline(true)).result;
  assert.equal(JSON.stringify({ ...a, engine: null }), JSON.stringify({ ...b, engine: null }));
});
