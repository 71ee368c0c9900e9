/**
 * Queueing self-tests: M/M/1, M/D/1, M/G/1 and M/M/c against their exact mean waiting time Wq
 * and sojourn time W, on the ideal (zero-overhead) cost model.
 *
 * Phase: selftest. Customers are one-record batches from a Poisson source; a server takes them
 * from an unbounded mpsc channel in FIFO order and spends the service time in one `compute`.
 * Latency runs from arrival (the source's push) to `record_end` after service, so the Result's
 * mean latency is the sojourn W; the wait is W minus the service time the run actually drew
 * (`breakdownUs.service / records`), a control variate that removes the service-time noise.
 *
 * M/M/c needs one FIFO queue shared by c servers. A tokio mpsc channel has one receiver (normalize
 * rejects a second, DS1224), so the servers share a lock-free MPMC queue (crossbeam SegQueue) and
 * busy-poll it, one server per multi_thread worker: every spinner sees a push, the first to pop
 * takes the customer, and a server that finishes takes the next one in FIFO order. With zero
 * polling cost that is exactly c servers on one FIFO queue.
 */
import type { Cost, Op, Scenario, TaskDef } from '../schema/scenario.js';
import type { Result } from '../schema/result.js';
import { idealModel } from './ideal-model.js';
import { md1, mg1, mm1, mmc, uniformSecondMoment, type QueueMeans } from './queueing-formulas.js';
import type { Check, CheckMetric, SelftestSize } from './check.js';

/** Mean service time (µs) and utilization of every queueing check. */
export const SERVICE_MEAN_US = 10;
export const RHO = 0.7;

function serveOps(service: Cost): Op[] {
  return [{ op: 'for_each_record', body: [{ op: 'compute', cost: service, label: 'service' }, { op: 'record_end' }] }];
}

function poissonSource(lambdaPerUs: number, customers: number) {
  return {
    channel: 'queue',
    arrival: { kind: 'poisson' as const, ratePerSec: lambdaPerUs * 1e6 },
    records: 1,
    batches: customers,
  };
}

function singleServer(name: string, service: Cost, lambdaPerUs: number, customers: number): Scenario {
  return {
    name: `selftest/${name}`,
    description: `${name}: Poisson arrivals, one server on current_thread, zero runtime costs`,
    runtime: { flavor: 'current_thread', tokio: '1.24', driver: 'none' },
    channels: { queue: { kind: 'unbounded' } },
    tasks: { server: { start: 'spawn', program: [{ op: 'while_open', channel: 'queue', body: serveOps(service) }] } },
    sources: { arrivals: poissonSource(lambdaPerUs, customers) },
  };
}

function sharedQueue(name: string, servers: number, service: Cost, lambdaPerUs: number, customers: number): Scenario {
  const tasks: Record<string, TaskDef> = {};
  for (let i = 0; i < servers; i++) {
    tasks[`server${i}`] = {
      start: 'spawn',
      program: [{ op: 'while_open', channel: 'queue', wait: [{ kind: 'spin' }], body: serveOps(service) }],
    };
  }
  return {
    name: `selftest/${name}`,
    description: `${name}: Poisson arrivals, ${servers} servers busy-polling one lock-free FIFO, zero runtime costs`,
    runtime: { flavor: 'multi_thread', tokio: '1.24', workers: servers, driver: 'none' },
    channels: { queue: { kind: 'lockfree' } },
    tasks,
    sources: { arrivals: poissonSource(lambdaPerUs, customers) },
  };
}

const sojourn = (r: Result) => r.latencyUs.mean;
const wait = (r: Result) => r.latencyUs.mean - (r.records > 0 ? (r.breakdownUs.service ?? 0) / r.records : 0);

function queueMetrics(label: string, exact: QueueMeans): CheckMetric[] {
  return [
    { name: `${label} wait Wq`, unit: 'µs', expected: exact.wqUs, measure: wait },
    { name: `${label} sojourn W`, unit: 'µs', expected: exact.wUs, measure: sojourn },
  ];
}

function queueCheck(id: string, label: string, scenario: Scenario, exact: QueueMeans, customers: number, basis: string): Check {
  return {
    id,
    kind: 'stochastic',
    scenario,
    model: idealModel(),
    records: customers,
    metrics: queueMetrics(label, exact),
    basis,
  };
}

export function queueChecks(size: SelftestSize): Check[] {
  const n = size.customers;
  const s = SERVICE_MEAN_US;
  const lambda = RHO / s;
  const checks: Check[] = [];
  checks.push(
    queueCheck(
      'mm1',
      'M/M/1',
      singleServer('mm1', { dist: 'exponential', meanUs: s }, lambda, n),
      mm1(lambda, s),
      n,
      `ρ = ${RHO}, E[S] = ${s} µs; W = 1/(μ − λ)`,
    ),
  );
  checks.push(
    queueCheck(
      'md1',
      'M/D/1',
      singleServer('md1', { dist: 'const', us: s }, lambda, n),
      md1(lambda, s),
      n,
      `ρ = ${RHO}, S = ${s} µs; Wq = ρ/(2μ(1 − ρ))`,
    ),
  );
  const lo = s / 2;
  const hi = (3 * s) / 2;
  checks.push(
    queueCheck(
      'mg1',
      'M/G/1 (uniform)',
      singleServer('mg1', { dist: 'uniform', minUs: lo, maxUs: hi }, lambda, n),
      mg1(lambda, s, uniformSecondMoment(lo, hi)),
      n,
      `ρ = ${RHO}, S ~ U(${lo}, ${hi}) µs; Pollaczek–Khinchine Wq = λE[S²]/(2(1 − ρ))`,
    ),
  );
  const c = 2;
  const lambdaC = (RHO * c) / s;
  checks.push(
    queueCheck(
      'mmc',
      `M/M/${c}`,
      sharedQueue(`mm${c}`, c, { dist: 'exponential', meanUs: s }, lambdaC, n),
      mmc(c, lambdaC, s),
      n,
      `ρ = ${RHO}, c = ${c}, E[S] = ${s} µs; Erlang C: Wq = C(c, λ/μ)/(cμ − λ); servers busy-poll one lock-free queue on multi_thread`,
    ),
  );
  return checks;
}
