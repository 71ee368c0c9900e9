/**
 * The probe's steal_wake / steal_hold shape and packing models, shared by worker-packing.test.ts
 * and packing-hold.test.ts (docs/semantics.md, multi_thread "vCPU packing").
 */
import type { Scenario } from '../../../src/schema/scenario.js';
import type { CostModel } from '../../../src/schema/model.js';
import { model } from '../../helpers.js';

/**
 * steal_wake's shape (probe/src/wake.rs): every 1 ms, A sends 3 records to B1 and 1 to B2, then
 * computes 300 µs; B1 computes `b1CostUs` a record (steal_hold's busy-spin when > 0).
 */
export function stealWakeScenario(name: string, b1CostUs: number): Scenario {
  const receiver = (ch: string, cost: number) => ({
    start: 'child' as const,
    program: [
      {
        op: 'while_open' as const,
        channel: ch,
        wait: [{ kind: 'await_recv' as const }],
        body: [
          {
            op: 'for_each_record' as const,
            body: cost > 0 ? [{ op: 'compute' as const, cost }, { op: 'record_end' as const }] : [{ op: 'record_end' as const }],
          },
        ],
      },
    ],
  });
  return {
    name,
    seed: 5,
    runtime: { flavor: 'multi_thread', workers: 2, tokio: '1.24', driver: 'timer', timerPhaseUs: 0 },
    machine: { cores: 2, noise: false },
    channels: { b1: { kind: 'unbounded' }, b2: { kind: 'unbounded' } },
    tasks: {
      main: {
        start: 'block_on',
        program: [
          { op: 'spawn', task: 'recv1' },
          { op: 'spawn', task: 'recv2' },
          { op: 'spawn', task: 'sender' },
          { op: 'join', task: 'sender' },
          { op: 'close', channel: 'b1' },
          { op: 'close', channel: 'b2' },
          { op: 'join', task: 'recv1' },
          { op: 'join', task: 'recv2' },
        ],
      },
      sender: {
        start: 'child',
        program: [
          {
            op: 'repeat',
            n: 40,
            body: [
              { op: 'interval', periodUs: 1000 },
              { op: 'record_start' },
              { op: 'send', channel: 'b1', records: 3 },
              { op: 'send', channel: 'b2', records: 1 },
              { op: 'compute', cost: 300 },
            ],
          },
        ],
      },
      recv1: receiver('b1', b1CostUs),
      recv2: receiver('b2', 0),
    },
  };
}

/**
 * The bundled 1.24 model with worker packing: share `preempt` of the wake-ups by a busy worker
 * packed (a constant 4 µs switch), and a constant hold when `holdNs` is given.
 */
export function packingModel(preempt: number, holdNs?: number): CostModel {
  const m = model();
  const p: CostModel['parameters'] = {
    ...m.parameters,
    worker_wake_preempt: { value: preempt, unit: 'ratio', provenance: 'assumed', source: 'test' },
    worker_wake_preempt_latency: { value: 4000, unit: 'ns', provenance: 'assumed', source: 'test' },
  };
  if (holdNs !== undefined) p.worker_wake_preempt_hold = { value: holdNs, unit: 'ns', provenance: 'assumed', source: 'test' };
  return { ...m, parameters: p };
}
