/**
 * Fast-forward over idle spinning (src/runtime/fast-forward.ts) is exact: the same scenario run
 * stepping every poll and fast-forwarding gives the same Result bytes (engine block aside), and
 * on the spin-heavy ones it does jump (so this test can tell a fast-forward that never fires),
 * on current_thread and on multi_thread with one or several workers.
 *
 * Platform noise is pinned off (`noise: false`) in most of them, the idealised machine's engine;
 * the last ones turn it on (a jump must end before the next noise pause).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { loadScenario } from '../../../src/cli/load.js';
import { simulate } from '../../../src/runtime/simulate.js';
import type { Cost, Op, Scenario, WaitStep } from '../../../src/schema/scenario.js';
import { ROOT, model } from '../../helpers.js';
import { normalizeScenario } from '../../../src/plan/normalize.js';
import { StateWalk } from '../../../src/runtime/fast-forward.js';

const strip = (r: ReturnType<typeof simulate>) => JSON.stringify({ ...r, engine: null });

function bothWays(file: string) {
  const { plan, model: m } = loadScenario(join(ROOT, file), undefined, undefined, false);
  return { stepped: simulate(plan, m, { fastForward: false }), fast: simulate(plan, m) };
}

for (const file of [
  'scenarios/validation/ct-yield-4p.json',
  'scenarios/velostream/passthrough-baseline.json',
  'scenarios/velostream/yield-50-per-record.json',
  'scenarios/validation/ct-backoff-8p.json',
  'scenarios/validation/ct-lockfree-spin-2p.json',
  'scenarios/velostream/context-switching.json',
]) {
  test(`fast-forward gives the same bytes as stepping: ${file}`, () => {
    const { stepped, fast } = bothWays(file);
    assert.equal(strip(fast), strip(stepped));
    assert.equal(stepped.engine.fastForward, undefined);
  });
}

test('fast-forward jumps over the idle gaps of a yield-spin pipeline and counts what it skipped', () => {
  const { stepped, fast } = bothWays('scenarios/validation/ct-yield-4p.json');
  const ff = fast.engine.fastForward;
  assert.ok(ff && ff.jumps >= 100, `jumps ${ff?.jumps}`);
  assert.ok(ff.skippedUs > 0.5 * fast.simulatedUs, `skipped ${ff.skippedUs} of ${fast.simulatedUs} µs`);
  // The skipped polls are accounted: events, polls, yields and driver polls equal stepping's.
  assert.equal(fast.engine.events, stepped.engine.events);
  assert.equal(fast.workers[0].driverPolls, stepped.workers[0].driverPolls);
  assert.equal(fast.yieldsPerRecord, stepped.yieldsPerRecord);
});

test('jittered record costs: draws happen only while records are processed; the result is still identical', () => {
  const s: Scenario = {
    name: 'jitter',
    runtime: { flavor: 'current_thread' },
    template: {
      kind: 'pipeline',
      partitions: 3,
      source: { arrival: { kind: 'periodic', intervalUs: 500 }, batchRecords: 10, batches: 20 },
      channel: { kind: 'lockfree' },
      partition: { wait: [{ kind: 'yield_spin' }], recordCost: { dist: 'uniform', minUs: 1, maxUs: 3 } },
    },
  };
  const m = model();
  const plan = normalizeScenario(s, { model: m, noise: false });
  const fast = simulate(plan, m);
  const stepped = simulate(plan, m, { fastForward: false });
  assert.equal(strip(fast), strip(stepped));
});

test('multi_thread with a single worker fast-forwards too, to the same bytes', () => {
  const { scenario, model: m } = loadScenario(
    join(ROOT, 'scenarios/architectures/v2-yield-4p-2c.json'),
    undefined,
    undefined,
    false,
  );
  const one = structuredClone(scenario);
  one.runtime = { ...one.runtime, workers: 1 };
  one.machine = { ...one.machine, cores: 1 };
  const plan = normalizeScenario(one, { model: m, noise: false });
  const fast = simulate(plan, m);
  const stepped = simulate(plan, m, { fastForward: false });
  assert.equal(strip(fast), strip(stepped));
  assert.ok((fast.engine.fastForward?.jumps ?? 0) >= 100, `jumps ${fast.engine.fastForward?.jumps}`);
});

for (const file of [
  'scenarios/architectures/v2-yield-2p-2c.json',
  'scenarios/architectures/v2-yield-8p-8c.json',
  'scenarios/validation/mt-yield-2p.json',
]) {
  test(`several workers: their joint state cycles, the engine jumps, the bytes are stepping's: ${file}`, () => {
    const { stepped, fast } = bothWays(file);
    assert.equal(strip(fast), strip(stepped));
    const ff = fast.engine.fastForward;
    assert.ok(ff && ff.jumps >= 100, `jumps ${ff?.jumps}`);
    assert.ok(ff.skippedUs > 0.2 * fast.simulatedUs, `skipped ${ff.skippedUs} of ${fast.simulatedUs} µs`);
    assert.equal(fast.engine.events, stepped.engine.events);
  });
}

test('several workers on fewer cores (time slices), and three or four workers that steal: same bytes', () => {
  const { scenario, model: m } = loadScenario(
    join(ROOT, 'scenarios/architectures/v2-yield-8p-2c.json'),
    undefined,
    undefined,
    false,
  );
  let jumps = 0;
  for (const [workers, cores] of [
    [2, 1],
    [3, 4],
    [4, 2],
  ]) {
    const s = structuredClone(scenario);
    s.runtime = { ...s.runtime, workers };
    s.machine = { ...s.machine, cores };
    if (s.template?.kind === 'pipeline') s.template.source = { ...s.template.source, batches: 60 };
    const plan = normalizeScenario(s, { model: m, noise: false });
    const fast = simulate(plan, m);
    assert.equal(strip(fast), strip(simulate(plan, m, { fastForward: false })), `${workers} workers on ${cores} cores`);
    jumps += fast.engine.fastForward?.jumps ?? 0;
  }
  assert.ok(jumps > 0, 'no jump in any of the three');
});

// Where a proven cycle has no room before the next outside event the search must stop until that
// event instead of proving the same cycle again and again: 8 partitions yield-spinning on 8 workers
// have a joint period of ~0.2 ms, longer than the gaps between platform-noise pauses (~0.1 ms
// across 8 threads), so nearly every cycle found had no room. Before, the detector walked the
// whole state ~100 times per simulated ms there (each walk ~750 entries, a comparison per check);
// now ~40. Counted, not timed: state walks per simulated ms.
test("a multi_thread yield spin whose cycles never fit between noise pauses stops searching until the pause; stepping's bytes", () => {
  const { scenario, model: m } = loadScenario(
    join(ROOT, 'scenarios/architectures/v2-yield-8p-8c.json'),
    undefined,
    undefined,
    true,
  );
  const s = structuredClone(scenario);
  if (s.template?.kind === 'pipeline') s.template.source = { ...s.template.source, batches: 40 };
  const plan = normalizeScenario(s, { model: m, noise: true });
  let walks = 0;
  const record = StateWalk.prototype.beginRecord;
  StateWalk.prototype.beginRecord = function (this: StateWalk, tNs: number) {
    walks++;
    record.call(this, tNs);
  };
  let fast;
  try {
    fast = simulate(plan, m);
  } finally {
    StateWalk.prototype.beginRecord = record;
  }
  const perMs = walks / (fast.simulatedUs / 1000);
  assert.ok(perMs < 60, `${walks} state walks in ${fast.simulatedUs} µs: ${perMs.toFixed(1)} per ms`);
  assert.ok(
    fast.workers.some((w) => (w.noisePauses ?? 0) > 0),
    'pauses were taken',
  );
  assert.equal(strip(fast), strip(simulate(plan, m, { fastForward: false })));
});

// Found by the property suite (test/property/simulate.test.ts), kept as regressions: a producer
// (`main`) and consumers that yield-spin on a lock-free queue, as the suite generates them.
function producerConsumers(o: {
  runtime: Scenario['runtime'];
  seed: number;
  start: 'spawn' | 'block_on';
  consumers: number;
  batches: number;
  batchBody: Op[];
  wait: WaitStep[];
  recordCost: Cost;
}): Scenario {
  const names = Array.from({ length: o.consumers }, (_, i) => `consumer${i}`);
  const tasks: Scenario['tasks'] = {
    main: {
      start: o.start,
      program: [
        ...names.map((task): Op => ({ op: 'spawn', task })),
        { op: 'repeat', n: o.batches, body: o.batchBody },
        { op: 'close', channel: 'c' },
        ...names.map((task): Op => ({ op: 'join', task })),
      ],
    },
  };
  for (const name of names)
    tasks[name] = {
      start: 'child',
      program: [
        {
          op: 'while_open',
          channel: 'c',
          wait: o.wait,
          body: [{ op: 'for_each_record', body: [{ op: 'compute', cost: o.recordCost }, { op: 'record_end' }] }],
        },
      ],
    };
  return {
    name: 'property-tasks',
    seed: o.seed,
    runtime: o.runtime,
    channels: { c: { kind: 'lockfree' } },
    tasks,
    limits: { maxEvents: 2_000_000, maxWallMs: 5000 },
  };
}

const REGRESSIONS: Array<[string, Scenario]> = [
  [
    'a stale event inside the skipped span must not re-queue a running worker behind an equal-time wake (3 workers)',
    producerConsumers({
      runtime: { flavor: 'multi_thread', workers: 3 },
      seed: 780,
      start: 'spawn',
      consumers: 2,
      batches: 3,
      batchBody: [
        { op: 'compute', cost: 'record_sql' },
        { op: 'yield' },
        { op: 'sleep', us: 1 },
        { op: 'send', channel: 'c', items: 1, records: 2 },
      ],
      wait: [{ kind: 'yield_spin', times: 13 }, { kind: 'spin', us: 35 }, { kind: 'yield_spin' }],
      recordCost: { dist: 'uniform', minUs: 0.5, maxUs: 10 },
    }),
  ],
  [
    'a run truncated by the event limit ends at the same event, jumped or stepped (1 worker + block_on)',
    producerConsumers({
      runtime: { flavor: 'multi_thread', workers: 1 },
      seed: 4,
      start: 'block_on',
      consumers: 3,
      batches: 19,
      batchBody: [
        { op: 'compute', cost: { dist: 'uniform', minUs: 0.5, maxUs: 11 } },
        { op: 'yield' },
        { op: 'sleep', us: 54 },
        { op: 'send', channel: 'c', items: 3, records: 5 },
      ],
      wait: [{ kind: 'yield_spin', times: 1 }, { kind: 'yield_spin' }],
      recordCost: 'record_sql',
    }),
  ],
];
for (const [what, scenario] of REGRESSIONS) {
  test(`fast-forward regression: ${what}`, () => {
    const m = model();
    const plan = normalizeScenario(scenario, { model: m, noise: false });
    const fast = simulate(plan, m);
    assert.ok((fast.engine.fastForward?.jumps ?? 0) > 0, 'it jumps');
    assert.equal(strip(fast), strip(simulate(plan, m, { fastForward: false })));
  });
}

// Platform noise on (the default with a model that has noise_rate): a pause draws random numbers,
// so no cycle spans one, and each jump ends before the next pause of any thread (ff-checkpoint.ts).
// The noise rate is raised so that pauses come every ~50 µs of running time: a jump that ran past
// one would show in the bytes.
for (const [file, rate] of [
  ['scenarios/validation/ct-yield-4p.json', 514],
  ['scenarios/validation/ct-yield-4p.json', 20_000],
  ['scenarios/validation/mt-yield-2p.json', 20_000],
  ['scenarios/architectures/v2-yield-8p-2c.json', 5_000],
] as const) {
  test(`fast-forward under platform noise (${rate} pauses/s): same bytes as stepping, and it jumps: ${file}`, () => {
    const { scenario, model: m0 } = loadScenario(join(ROOT, file), undefined, undefined, true);
    const m = {
      ...m0,
      parameters: {
        ...m0.parameters,
        noise_rate: { value: rate, unit: 'per_sec' as const, provenance: 'assumed' as const, source: 'test' },
      },
    };
    const s = structuredClone(scenario);
    if (s.template?.kind === 'pipeline') s.template.source = { ...s.template.source, batches: 40 };
    const plan = normalizeScenario(s, { model: m, noise: true });
    const fast = simulate(plan, m);
    const stepped = simulate(plan, m, { fastForward: false });
    assert.ok(
      fast.workers.some((w) => (w.noisePauses ?? 0) > 0),
      'pauses were taken',
    );
    assert.equal(strip(fast), strip(stepped));
    assert.ok((fast.engine.fastForward?.jumps ?? 0) > 0, `jumps ${fast.engine.fastForward?.jumps}`);
  });
}
