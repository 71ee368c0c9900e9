/**
 * The analytic model against the simulator: every scenario under `scenarios/` (recursively, so
 * new folders are picked up), plus pipeline cases built here. Where the model answers it must
 * agree within the band of its approximation (src/analytic/bands.ts, docs/analytic.md) and name
 * the same bottleneck the simulator's own utilizations show; where it refuses it must refuse
 * with a DS40xx code and exit code 4, never crash.
 *
 * Platform noise is pinned off (`noise: false`): the analytic model has no noise process, so the
 * agreement is checked on the idealised machine.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { loadScenario } from '../../../src/cli/load.js';
import { simulate } from '../../../src/runtime/simulate.js';
import { analyze } from '../../../src/analytic/analyze.js';
import { bandFor, LATENCY_FLOOR_NS } from '../../../src/analytic/bands.js';
import { normalizeScenario } from '../../../src/plan/normalize.js';
import { InputError, EXIT } from '../../../src/schema/diagnostics.js';
import { validateDocument } from '../../../src/schema/validate.js';
import type { Plan } from '../../../src/plan/types.js';
import type { CostModel } from '../../../src/schema/model.js';
import type { Result } from '../../../src/schema/result.js';
import type { Scenario } from '../../../src/schema/scenario.js';
import { ROOT, listJson, model as loadModel } from '../../helpers.js';

/**
 * The simulator's bottleneck, from its Result alone: `timer` when some task spends most of its
 * life asleep; for pipelines the largest utilization among the coordinator, the busiest partition
 * (minus the polls it burnt spinning), the shared writer lock, and the cores (all of that work
 * over min(workers, cores) threads; one on current_thread), all of those within 10 % of the largest
 * joined by '|' (a near tie); otherwise `channel` when sends and receives are most of the CPU, else
 * `runtime`.
 */
export function simBottleneck(r: Result, plan: Plan, m: CostModel): string {
  for (const t of Object.values(r.tasks)) if (t.elapsedUs > 0 && t.waitUs.sleep / t.elapsedUs >= 0.5) return 'timer';
  const coord = plan.tasks.findIndex((t) => t.code.some((i) => i.op === 'route'));
  if (plan.sources.length > 0) {
    const end = r.simulatedUs;
    const spinUs = (m.parameters.poll_self.value + m.parameters.yield_extra.value + m.parameters.try_recv_unbounded.value) / 1000;
    let total = 0;
    let part = 0;
    let coordU = 0;
    plan.tasks.forEach((def, i) => {
      const t = r.tasks[def.name];
      const busy = Math.max(0, t.busyUs - t.yields * spinUs);
      total += busy;
      if (i === coord) coordU = busy / end;
      else part = Math.max(part, busy / end);
    });
    const threads = plan.runtime.flavor === 'current_thread' ? 1 : Math.min(plan.runtime.workers, plan.runtime.cores);
    const loads: Array<[string, number]> = [
      ['cores', total / (end * threads)],
      ['coordinator', coord >= 0 ? coordU : 0],
      ['partition', part],
      ['lock', (r.breakdownUs.writer ?? 0) / end],
    ];
    loads.sort((a, b) => b[1] - a[1]);
    // A near tie (the top loads within 10 % of each other, e.g. a pipeline at 0.3 % utilisation
    // whose coordinator and cores differ by a few ns a record) names each tied resource.
    return loads
      .filter(([, u]) => u >= 0.9 * loads[0][1])
      .map(([name]) => name)
      .join('|');
  }
  const chan = (r.breakdownUs.send ?? 0) + (r.breakdownUs.recv ?? 0);
  return chan >= 0.5 * r.cpuUs.total ? 'channel' : 'runtime';
}

interface Case {
  name: string;
  plan: Plan;
  model: CostModel;
}

function within(what: string, got: number, want: number, rel: number, absFloor = 0): void {
  const err = Math.abs(got - want);
  assert.ok(
    err <= rel * Math.abs(want) + absFloor,
    `${what}: analytic ${got}, simulated ${want}, |Δ| ${err.toFixed(3)} > ${(rel * 100).toFixed(1)}%${absFloor ? ` + ${absFloor}` : ''}`,
  );
}

/** Runs both back-ends and checks agreement; returns the analytic Result (or undefined when refused). */
export function checkAgreement(c: Case): Result | undefined {
  let a: Result;
  try {
    a = analyze(c.plan, c.model);
  } catch (e) {
    assert.ok(e instanceof InputError, `${c.name}: analyze threw a non-input error: ${(e as Error).stack}`);
    assert.equal(e.exitCode, EXIT.notApplicable, `${c.name}: refusal must exit 4`);
    // One diagnostic with a DS40xx code: what sweeps (refusalOf in src/sweep/run-point.ts) record as not applicable.
    assert.ok(
      e.diagnostics.length === 1 && /^DS40\d\d$/.test(e.diagnostics[0].code),
      `${c.name}: refusal codes ${e.diagnostics.map((d) => d.code)}`,
    );
    return undefined;
  }
  assert.deepEqual(validateDocument('result', a, c.name), [], `${c.name}: analytic Result must be schema-valid`);
  assert.equal(a.source, 'analytic');
  assert.equal(a.engine.events, 0);
  const band = bandFor(a.approximation ?? '');
  assert.ok(band, `${c.name}: approximation '${a.approximation}' has no documented band`);
  const s = simulate(c.plan, c.model);
  const src = c.plan.sources[0];
  const noise = src && src.arrival.kind !== 'periodic' ? 3 / Math.sqrt(Math.max(1, s.records / Math.max(1, src.records))) : 0;
  const tag = `${c.name} [${a.approximation}]`;
  within(`${tag} simulated time`, a.simulatedUs, s.simulatedUs, band!.throughput + noise);
  if (s.records > 0) {
    within(`${tag} throughput`, a.throughput.recordsPerSec, s.throughput.recordsPerSec, band!.throughput + noise);
    const floor = LATENCY_FLOOR_NS / 1000;
    within(`${tag} latency mean`, a.latencyUs.mean, s.latencyUs.mean, band!.mean, floor);
    within(`${tag} latency p50`, a.latencyUs.p50, s.latencyUs.p50, band!.p50 + 0.01, floor);
    within(`${tag} latency p99`, a.latencyUs.p99, s.latencyUs.p99, band!.p99 + 0.01, floor);
    if (Number.isFinite(band!.yieldsPerRecord))
      within(`${tag} yields/record`, a.yieldsPerRecord, s.yieldsPerRecord, band!.yieldsPerRecord, 0.01);
  }
  for (const [name, t] of Object.entries(s.tasks))
    within(`${tag} elapsed of ${name}`, a.tasks[name].elapsedUs, t.elapsedUs, band!.elapsed + noise, 1);
  const simBn = simBottleneck(s, c.plan, c.model);
  assert.ok(simBn.split('|').includes(a.bottleneck ?? ''), `${tag}: bottleneck: analytic ${a.bottleneck}, simulated ${simBn}`);
  return a;
}

for (const rel of listJson('scenarios')) {
  test(`analytic vs simulated: ${rel}`, () => {
    const { plan, model } = loadScenario(join(ROOT, rel), undefined, undefined, false);
    checkAgreement({ name: rel, plan, model });
  });
}

// tokio 1.53 with its bundled model (validate --tokio 1.53 --model models/tokio-1.53-2vcpu-release.json):
// the validation scenarios under 1.53's scheduler and 1.53.1's calibration, whose unpark_halted
// and wake-ups differ from 1.24.2's.
for (const rel of listJson('scenarios/validation')) {
  test(`analytic vs simulated, tokio 1.53 and its bundled model: ${rel}`, () => {
    const { plan, model } = loadScenario(
      join(ROOT, rel),
      join(ROOT, 'models/tokio-1.53-2vcpu-release.json'),
      undefined,
      false,
      '1.53',
    );
    checkAgreement({ name: `${rel} (1.53)`, plan, model });
  });
}

// A model with source_exit_latency (the bundled ones predate it): the source thread's exit wakes
// the last batch on its vCPU, one batch in the run, and the analytic model mixes it in.
test('analytic vs simulated: validation/mt-w0-await-2p with a 150 µs source_exit_latency', () => {
  const { plan, model } = loadScenario(join(ROOT, 'scenarios/validation/mt-w0-await-2p.json'), undefined, undefined, false);
  const m: CostModel = {
    ...model,
    parameters: {
      ...model.parameters,
      source_exit_latency: { value: 150_000, unit: 'ns', provenance: 'assumed', source: 'test: the quiet traces’ last batch' },
    },
  };
  const withExit = normalizeScenario(
    loadScenario(join(ROOT, 'scenarios/validation/mt-w0-await-2p.json'), undefined, undefined, false).scenario,
    { model: m },
  );
  const a = checkAgreement({ name: 'mt-w0-await-2p + source_exit_latency', plan: withExit, model: m });
  const before = analyze(plan, model);
  assert.ok(a && a.latencyUs.p99 > before.latencyUs.p99 + 10, `p99 ${before.latencyUs.p99} -> ${a?.latencyUs.p99} µs`);
});

// ---- pipelines built here (the capacity-planning shape), kept small so the simulator is quick --

function pipeline(
  name: string,
  over: Partial<{
    flavor: 'current_thread' | 'multi_thread';
    workers: number;
    wait: object[];
    P: number;
    arrival: object;
    rec: number;
    batches: number;
    routing: string;
    start: string;
  }>,
): Scenario {
  const o = {
    flavor: 'current_thread' as const,
    workers: 2,
    wait: [{ kind: 'await_recv' }],
    P: 4,
    arrival: { kind: 'periodic', intervalUs: 1000 },
    rec: 2,
    batches: 300,
    routing: 'round_robin',
    start: 'spawn',
    ...over,
  };
  const s = {
    name: `analytic/${name}`,
    runtime: o.flavor === 'multi_thread' ? { flavor: o.flavor, workers: o.workers } : { flavor: o.flavor },
    ...(o.flavor === 'multi_thread' ? { machine: { cores: o.workers } } : {}),
    template: {
      kind: 'pipeline',
      partitions: o.P,
      source: { arrival: o.arrival, batchRecords: 100, batches: o.batches },
      coordinator: { start: o.start, routeCost: 0.05, routing: o.routing },
      partition: { wait: o.wait, recordCost: o.rec },
    },
  };
  return s as unknown as Scenario;
}

const PIPELINES: Scenario[] = [
  pipeline('ct-await-periodic', {}),
  pipeline('ct-await-periodic-block-on', { start: 'block_on' }),
  pipeline('ct-await-poisson', { arrival: { kind: 'poisson', ratePerSec: 2000 }, batches: 1500 }),
  pipeline('ct-yield-periodic', { wait: [{ kind: 'yield_spin' }], batches: 200 }),
  pipeline('ct-sleep-periodic', { wait: [{ kind: 'sleep', us: 1000 }] }),
  pipeline('ct-await-all-to-one', { routing: 'all_to_one', rec: 5 }),
  pipeline('mt2-await-periodic', { flavor: 'multi_thread' }),
  pipeline('mt4-await-heavy', { flavor: 'multi_thread', workers: 4, rec: 30, batches: 200 }),
  pipeline('mt2-await-poisson', { flavor: 'multi_thread', arrival: { kind: 'poisson', ratePerSec: 2000 }, batches: 1500 }),
  pipeline('mt2-yield', { flavor: 'multi_thread', wait: [{ kind: 'yield_spin' }], batches: 150 }),
  pipeline('mt4-await-all-to-one', { flavor: 'multi_thread', workers: 4, routing: 'all_to_one', rec: 3 }),
];

for (const s of PIPELINES) {
  test(`analytic vs simulated: pipeline ${s.name}`, () => {
    const m = loadModel();
    checkAgreement({ name: s.name, plan: normalizeScenario(s, { model: m, noise: false }), model: m });
  });
}

// ---- a coordinator written as a task (no source): it sleeps or yields, then sends ---------------

function coordinatorTask(
  name: string,
  o: {
    body: object[];
    tail?: object[];
    recordStart?: boolean;
    records?: number;
    items?: number;
    tokio?: string;
    driver?: string;
    n?: number;
  },
): Scenario {
  const rec = [...(o.recordStart ? [{ op: 'record_start' }] : []), { op: 'compute', cost: 1 }, { op: 'record_end' }];
  const send = { op: 'send', channel: 'p0', items: o.items ?? 1, records: o.records ?? 10 };
  return {
    name: `analytic/coordinator-task-${name}`,
    runtime: { flavor: 'current_thread', tokio: o.tokio ?? '1.53', driver: o.driver ?? 'timer' },
    channels: { p0: { kind: 'unbounded' } },
    tasks: {
      coordinator: {
        start: 'block_on',
        program: [
          { op: 'spawn', task: 'partition' },
          { op: 'repeat', n: o.n ?? 100, body: o.body.map((b) => (b === SEND ? send : b)) },
          ...(o.tail ?? []),
          { op: 'close', channel: 'p0' },
          { op: 'join', task: 'partition' },
        ],
      },
      partition: { start: 'child', program: [{ op: 'while_open', channel: 'p0', body: [{ op: 'for_each_record', body: rec }] }] },
    },
  } as unknown as Scenario;
}
const SEND = { send: true };
const sleep = (us: number) => ({ op: 'sleep', us });
const yields = (n: number) => (n === 1 ? { op: 'yield' } : { op: 'repeat', n, body: [{ op: 'yield' }] });

const COORDINATOR_TASKS: Scenario[] = [
  coordinatorTask('sleep-send', { body: [sleep(1000), SEND] }),
  coordinatorTask('send-sleep', { body: [SEND, sleep(1000)] }),
  coordinatorTask('sleep-send-1.24-io', { body: [sleep(700), SEND], tokio: '1.24', driver: 'timer_io' }),
  coordinatorTask('send-sleep-tail', { body: [SEND, sleep(500)], tail: [sleep(20000)] }),
  coordinatorTask('sleep-send-record-start', { body: [sleep(1000), SEND], recordStart: true }),
  coordinatorTask('yield-send', { body: [yields(1), SEND] }),
  coordinatorTask('send-yield', { body: [SEND, yields(1)] }),
  coordinatorTask('yield3-send-1.24-io', { body: [yields(3), SEND], tokio: '1.24', driver: 'timer_io' }),
  coordinatorTask('send-yield2-single-records', { body: [SEND, yields(2)], records: 1, n: 500 }),
  coordinatorTask('yield-send-two-items-record-start', { body: [yields(1), SEND], items: 2, recordStart: true, tokio: '1.47' }),
  coordinatorTask('burst-record-start', { body: [SEND], recordStart: true }),
];

for (const s of COORDINATOR_TASKS) {
  test(`analytic vs simulated: coordinator as a task ${s.name}`, () => {
    const m = loadModel();
    const a = checkAgreement({ name: s.name, plan: normalizeScenario(s, { model: m, noise: false }), model: m });
    assert.ok(a, `${s.name}: the closed form answers it`);
  });
}

test('overload is refused with the throughput bound, not a number (DS4004)', () => {
  const m = loadModel();
  const plan = normalizeScenario(pipeline('overload', { rec: 2, arrival: { kind: 'periodic', intervalUs: 150 } }), {
    model: m,
    noise: false,
  });
  assert.throws(
    () => analyze(plan, m),
    (e: unknown) =>
      e instanceof InputError &&
      e.exitCode === EXIT.notApplicable &&
      e.diagnostics[0].code === 'DS4004' &&
      /bounded at \d+ records\/s/.test(e.diagnostics[0].message),
  );
});

test('a spinning back-off and multi_thread sleep polling are refused as shapes without a closed form (DS4003)', () => {
  const m = loadModel();
  for (const s of [
    pipeline('backoff', {
      wait: [
        { kind: 'spin', us: 100 },
        { kind: 'yield_spin', times: 1 },
        { kind: 'sleep', us: 10 },
      ],
    }),
    pipeline('mt-sleep', { flavor: 'multi_thread', wait: [{ kind: 'sleep', us: 1000 }] }),
  ]) {
    const plan = normalizeScenario(s, { model: m, noise: false });
    assert.throws(
      () => analyze(plan, m),
      (e: unknown) => e instanceof InputError && e.diagnostics[0].code === 'DS4003',
    );
  }
});

test('the analytic model is deterministic and does not mutate the plan', () => {
  const m = loadModel();
  const plan = normalizeScenario(pipeline('det', { arrival: { kind: 'poisson', ratePerSec: 2000 } }), { model: m, noise: false });
  const before = JSON.stringify(plan);
  const a = JSON.stringify(analyze(plan, m));
  const b = JSON.stringify(analyze(structuredClone(plan), m));
  assert.equal(a, b);
  assert.equal(JSON.stringify(plan), before);
});
