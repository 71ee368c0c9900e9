/**
 * source_hold (docs/semantics.md, "Sources sharing the runtime's vCPUs"): a source thread without
 * a CPU of its own wakes for every delivery on a vCPU the runtime uses. With every vCPU busy (two
 * partitions with a backlog on 2 workers, 2 cores) each wake-up takes source_hold from a running
 * thread; with a vCPU idle (one partition: one worker busy, the other parked) it takes nothing.
 * The probe's par_record mode=tick measures it (calibrate/source-hold.test.ts).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Scenario } from '../../../src/schema/scenario.js';
import type { CostModel } from '../../../src/schema/model.js';
import { normalizeScenario } from '../../../src/plan/normalize.js';
import { analyze } from '../../../src/analytic/analyze.js';
import { assertWorkerBooks, assumedNs, model, run } from '../../helpers.js';

const BATCHES = 60;

/** A periodic source (100 µs) into a coordinator routing to `partitions` partitions of 2 µs records. */
function scenario(partitions: number, batchRecords: number): Scenario {
  return {
    name: `source-hold-${partitions}p`,
    seed: 1,
    runtime: { flavor: 'multi_thread', workers: 2, tokio: '1.24', driver: 'timer', timerPhaseUs: 0 },
    machine: { cores: 2, noise: false },
    template: {
      kind: 'pipeline',
      partitions,
      source: { arrival: { kind: 'periodic', intervalUs: 100 }, batchRecords, batches: BATCHES },
      partition: { wait: [{ kind: 'await_recv' }], recordCost: 2 },
    },
  } as Scenario;
}

const withHold = (ns: number | undefined): CostModel => {
  const m = model();
  const p: Record<string, unknown> = { ...m.parameters };
  delete p.source_hold;
  if (ns !== undefined) p.source_hold = assumedNs(ns);
  return { ...m, parameters: p as CostModel['parameters'] };
};

const desched = (r: ReturnType<typeof run>['result']) => r.workers.reduce((a, w) => a + w.descheduledUs, 0);
const holdWarning = (r: ReturnType<typeof run>['result']) =>
  r.warnings.some((w) => w.code === 'DS3030' && /source_hold/.test(w.message));

test('two busy workers lose source_hold per source wake-up; a lone busy worker beside an idle vCPU loses nothing', () => {
  const H = 20_000;
  // 160 records × 2 µs every 100 µs over 2 partitions: both workers stay busy (a backlog).
  const busy0 = run(scenario(2, 160), withHold(0)).result;
  const busyH = run(scenario(2, 160), withHold(H)).result;
  assertWorkerBooks(busyH);
  const added = desched(busyH) - desched(busy0);
  // Nearly every delivery finds both vCPUs busy: about BATCHES holds of H in all.
  assert.ok(added >= 0.8 * BATCHES * (H / 1000) && added <= 1.01 * BATCHES * (H / 1000), `descheduled +${added} µs`);
  assert.ok(
    busyH.simulatedUs > busy0.simulatedUs + (0.3 * BATCHES * (H / 1000)) / 2,
    `${busyH.simulatedUs} vs ${busy0.simulatedUs} µs`,
  );
  assert.ok(busyH.throughput.recordsPerSec < busy0.throughput.recordsPerSec);
  // 40 records × 2 µs every 100 µs into one partition: one worker busy 80 %, the other parked.
  const lone0 = run(scenario(1, 40), withHold(0)).result;
  const loneH = run(scenario(1, 40), withHold(H)).result;
  assert.equal(loneH.simulatedUs, lone0.simulatedUs);
  assert.deepEqual(loneH.latencyUs, lone0.latencyUs);
  assert.deepEqual(loneH.workers, lone0.workers);
});

test('a model without source_hold charges nothing and says so (DS3030) only where every vCPU was busy', () => {
  const busyAbsent = run(scenario(2, 160), withHold(undefined)).result;
  const busy0 = run(scenario(2, 160), withHold(0)).result;
  assert.ok(holdWarning(busyAbsent));
  assert.ok(!holdWarning(busy0));
  assert.equal(busyAbsent.simulatedUs, busy0.simulatedUs);
  assert.deepEqual(busyAbsent.latencyUs, busy0.latencyUs);
  assert.ok(!holdWarning(run(scenario(1, 40), withHold(undefined)).result));
});

test('the analytic model says it leaves source_hold out (DS4090), and only when the model has it', () => {
  const note = (m: CostModel) =>
    analyze(normalizeScenario(scenario(1, 40), { model: m }), m).warnings.filter(
      (w) => w.code === 'DS4090' && /source_hold/.test(w.message),
    );
  assert.equal(note(withHold(20_000)).length, 1);
  assert.equal(note(withHold(undefined)).length, 0);
});
