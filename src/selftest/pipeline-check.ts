/**
 * A deterministic two-stage pipeline whose timeline is computed by hand: a periodic source →
 * coordinator (route 2 µs, forward) → worker (5 µs per record), on current_thread with no
 * driver, and a cost model of round constants (everything else zero).
 *
 * Phase: selftest. Per batch of R records planned at p, sent at t0 = p + wake (the source thread's
 * own sleep ends with an OS wake-up, wake_latency; docs/semantics.md, Sources), while the runtime
 * is parked:
 *
 *   t0 + wake                       the runtime thread runs (wake_latency)
 *      + driver                     the driver poll that ends the park
 *      + poll + recv                coordinator polled, takes the batch
 *      + route + send               routes it, forwards it (the send wakes the worker: local push)
 *      + register                   coordinator's next recv finds nothing, registers its waker
 *      + poll + recv                worker polled, takes the batch
 *      + k·record                   record k (1..R) ends here
 *
 * so mean latency = wake + driver + 2·poll + 2·recv + route + send + register + record·(R+1)/2,
 * except for the last batch: the source closes `input` with it, so the coordinator's next recv
 * sees the channel closed and ends without registering, and the worker starts `register` sooner.
 * The first batch is planned at 50 µs, after both tasks have registered their wakers at start.
 */
import type { Scenario } from '../schema/scenario.js';
import { idealModel } from './ideal-model.js';
import type { Check } from './check.js';

const COSTS_NS = { poll_self: 1000, driver_poll_none: 2000, recv_unbounded: 500, send_unbounded: 300, waker_register: 200 };
const WAKE_NS = 4000;
const ROUTE_US = 2;
const RECORD_US = 5;
const RECORDS = 4;
const BATCHES = 20;
const INTERVAL_US = 100;
const PHASE_US = 50;

function pipelineScenario(): Scenario {
  return {
    name: 'selftest/hand-pipeline',
    description: 'periodic source → coordinator → worker, constant costs: every instant computable by hand',
    runtime: { flavor: 'current_thread', tokio: '1.24', driver: 'none' },
    channels: { input: { kind: 'unbounded' }, work: { kind: 'unbounded' } },
    tasks: {
      coordinator: {
        start: 'spawn',
        program: [
          {
            op: 'while_open',
            channel: 'input',
            body: [
              { op: 'compute', cost: ROUTE_US, label: 'route' },
              { op: 'send', channel: 'work', items: 1, records: RECORDS },
            ],
          },
          { op: 'close', channel: 'work' },
        ],
      },
      worker: {
        start: 'spawn',
        program: [
          {
            op: 'while_open',
            channel: 'work',
            body: [{ op: 'for_each_record', body: [{ op: 'compute', cost: RECORD_US, label: 'process' }, { op: 'record_end' }] }],
          },
        ],
      },
    },
    sources: {
      reader: {
        channel: 'input',
        arrival: { kind: 'periodic', intervalUs: INTERVAL_US, phaseUs: PHASE_US },
        records: RECORDS,
        batches: BATCHES,
      },
    },
  };
}

export function pipelineCheck(): Check {
  const us = (ns: number) => ns / 1000;
  const poll = us(COSTS_NS.poll_self);
  const recv = us(COSTS_NS.recv_unbounded);
  const reg = us(COSTS_NS.waker_register);
  const firstRecordStart =
    us(WAKE_NS) + us(COSTS_NS.driver_poll_none) + 2 * poll + 2 * recv + ROUTE_US + us(COSTS_NS.send_unbounded) + reg;
  const lastEnd = firstRecordStart + RECORDS * RECORD_US;
  // Worker busy time: at start poll + register; per batch poll + recv + records + register,
  // except the last batch, whose final recv finds the channel closed (no register).
  const perBatch = poll + recv + RECORDS * RECORD_US + reg;
  const workerBusy = poll + reg + (BATCHES - 1) * perBatch + (perBatch - reg);
  const lastArrival = PHASE_US + (BATCHES - 1) * INTERVAL_US + us(WAKE_NS);
  return {
    id: 'pipeline',
    kind: 'deterministic',
    scenario: pipelineScenario(),
    model: idealModel('hand-constants', { ...COSTS_NS, wake_latency: WAKE_NS }),
    records: RECORDS * BATCHES,
    toleranceAbs: 0.0011,
    basis: 'timeline computed by hand from constant costs (src/selftest/pipeline-check.ts)',
    metrics: [
      {
        name: 'pipeline mean latency',
        unit: 'µs',
        expected: firstRecordStart + (RECORD_US * (RECORDS + 1)) / 2 - reg / BATCHES,
        measure: (r) => r.latencyUs.mean,
      },
      { name: 'pipeline max latency', unit: 'µs', expected: lastEnd, measure: (r) => r.latencyUs.max },
      { name: 'pipeline simulated time', unit: 'µs', expected: lastArrival + lastEnd - reg, measure: (r) => r.simulatedUs },
      { name: 'pipeline worker busy', unit: 'µs', expected: workerBusy, measure: (r) => r.tasks.worker.busyUs },
      { name: 'pipeline driver polls', unit: '', expected: BATCHES, measure: (r) => r.workers[0].driverPolls },
    ],
  };
}
