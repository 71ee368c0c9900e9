/**
 * Two more properties of whole simulations (issue "Trustworthy under bad input and at scale"):
 * - simulated time never goes backwards: on every thread, polls follow one another in time and
 *   none ends before it starts;
 * - more cost never yields more throughput: a closed current_thread workload (a fixed amount of
 *   work, no arrival process) never finishes sooner when every per-op cost of the model doubles.
 * Left out on purpose, because tokio itself is not monotone there: several workers (list
 * scheduling has Graham's anomalies: a longer task can shorten the makespan), and timers — an
 * idle park sleeps (next tick − floor(now)), so work that pushes the park just past a tick
 * boundary wakes a whole ms *earlier* (found by this property: a producer sleeping 1 µs, doubled
 * costs, finished in 4336 µs instead of 4856).
 * On failure fast-check prints the seed and the shrunk scenario; rerun with FC_SEED=<seed>.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { CostModel } from '../../src/schema/model.js';
import type { Op, Scenario } from '../../src/schema/scenario.js';
import { normalizeScenario } from '../../src/plan/normalize.js';
import { simulate, simulateWithTrace } from '../../src/runtime/simulate.js';
import { model as loadModel } from '../helpers.js';

const SEED = Number(process.env.FC_SEED ?? 20261129);
const RUNS = Number(process.env.FC_RUNS ?? 300);
const LIMITS = { maxEvents: 1_000_000, maxWallMs: 5_000 };
const base = loadModel();

/** The model with every parameter's value (and distribution points) multiplied by k. */
function scaled(m: CostModel, k: number): CostModel {
  const out = structuredClone(m);
  for (const p of Object.values(out.parameters)) {
    if (p.unit === 'per_sec') continue; // a rate, not a cost
    p.value *= k;
    if (p.distribution) p.distribution.ns = p.distribution.ns.map((x) => x * k);
  }
  return out;
}

/** Closed workloads: a producer with `n` batches of work, consumers, yields, sleeps, a lock. */
const closedArb = fc
  .record({
    flavor: fc.constantFrom('current_thread' as const, 'multi_thread' as const),
    workers: fc.integer({ min: 1, max: 3 }),
    batches: fc.integer({ min: 1, max: 30 }),
    records: fc.integer({ min: 1, max: 5 }),
    produceUs: fc.integer({ min: 0, max: 30 }),
    recordUs: fc.integer({ min: 0, max: 30 }),
    yields: fc.integer({ min: 0, max: 3 }),
    sleepUs: fc.option(fc.integer({ min: 1, max: 400 }), { nil: undefined }),
    lock: fc.boolean(),
    kind: fc.constantFrom('unbounded' as const, 'bounded' as const),
  })
  .map((g): Scenario => {
    const produce: Op[] = [{ op: 'compute', cost: g.produceUs }];
    for (let i = 0; i < g.yields; i++) produce.push({ op: 'yield' });
    if (g.sleepUs !== undefined) produce.push({ op: 'sleep', us: g.sleepUs });
    produce.push({ op: 'send', channel: 'c', items: 1, records: g.records });
    const perRecord: Op[] = g.lock
      ? [{ op: 'lock', mutex: 'm' }, { op: 'compute', cost: g.recordUs }, { op: 'unlock', mutex: 'm' }, { op: 'record_end' }]
      : [{ op: 'compute', cost: g.recordUs }, { op: 'record_end' }];
    return {
      name: 'closed',
      runtime: g.flavor === 'multi_thread' ? { flavor: g.flavor, workers: g.workers } : { flavor: g.flavor },
      channels: { c: g.kind === 'bounded' ? { kind: 'bounded', capacity: 4 } : { kind: 'unbounded' } },
      mutexes: ['m'],
      tasks: {
        main: {
          start: 'block_on',
          program: [
            { op: 'spawn', task: 'consumer' },
            { op: 'repeat', n: g.batches, body: produce },
            { op: 'close', channel: 'c' },
            { op: 'join', task: 'consumer' },
          ],
        },
        consumer: {
          start: 'child',
          program: [{ op: 'while_open', channel: 'c', body: [{ op: 'for_each_record', body: perRecord }] }],
        },
      },
      limits: LIMITS,
    };
  });

test('simulated time never goes backwards: polls on a thread are ordered and non-negative', () => {
  fc.assert(
    fc.property(closedArb, (s) => {
      const plan = normalizeScenario(s, { model: base });
      const { result, spans } = simulateWithTrace(plan, base, { traceSpans: 100_000 });
      const last = new Map<number, number>();
      // The trace also holds sends and wakes (instants, recorded during the poll that makes them).
      for (const sp of spans.filter((x) => x.kind === 'poll')) {
        assert.ok(sp.endNs >= sp.startNs, `poll of ${sp.task} ends before it starts`);
        assert.ok(
          sp.startNs >= (last.get(sp.thread) ?? 0),
          `thread ${sp.thread}: a poll starts at ${sp.startNs} before the previous one ended at ${last.get(sp.thread)}`,
        );
        last.set(sp.thread, sp.endNs);
        assert.ok(sp.endNs <= result.simulatedUs * 1000 + 1, 'a poll ends after the run');
      }
    }),
    { seed: SEED, numRuns: RUNS },
  );
});

test('more cost never yields more throughput (closed current_thread workloads, every cost ×2)', () => {
  const doubled = scaled(base, 2);
  fc.assert(
    fc.property(
      closedArb.filter((s) => s.runtime.flavor === 'current_thread' && !JSON.stringify(s).includes('"sleep"')),
      (s) => {
        const a = simulate(normalizeScenario(s, { model: base }), base);
        const b = simulate(normalizeScenario(s, { model: doubled }), doubled);
        assert.equal(a.truncated, undefined);
        assert.equal(b.records, a.records);
        assert.ok(b.simulatedUs >= a.simulatedUs, `doubling every cost finished sooner: ${b.simulatedUs} < ${a.simulatedUs} µs`);
      },
    ),
    { seed: SEED, numRuns: RUNS },
  );
});
