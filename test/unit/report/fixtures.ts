/**
 * Hand-made documents for report tests: a small Result, a two-axis sweep, a validation document
 * and a Chrome trace. Numbers are plausible, not simulated, so these tests do not depend on the
 * simulator.
 */
import type { Result } from '../../../src/schema/result.js';
import type { SweepDoc } from '../../../src/schema/sweep-doc.js';
import type { ValidationDoc } from '../../../src/schema/validation-doc.js';
import { type ChromeTrace } from '../../../src/schema/chrome-trace.js';
import { toChromeTrace } from '../../../src/schema/trace-events.js';

export function fixtureResult(name = 'pipeline-4p', source: Result['source'] = 'simulated', scale = 1): Result {
  const worker = (i: number) => ({
    name: `worker-${i}`,
    busyUs: 800 * scale,
    spinUs: 50,
    idleUs: 150,
    descheduledUs: 0,
    polls: 1000,
    driverPolls: 10,
    steals: 3,
    parks: 4,
    unparks: 4,
    noopWakes: 0,
    lifoHits: 100,
    injectPops: 20,
  });
  return {
    source,
    scenario: { name, hash: 'sha256:0123456789abcdef' },
    model: { name: 'test-model', profile: 'release', provenance: 'calibrated' },
    runtime: { flavor: 'multi_thread', workers: 2, cores: 2, driver: 'timer' },
    seed: 1,
    records: 10000,
    recordsInFlight: 0,
    simulatedUs: 50000,
    throughput: { recordsPerSec: 200000 / scale },
    latencyUs: {
      p50: 40 * scale,
      p90: 90 * scale,
      p99: 180 * scale,
      p999: 260 * scale,
      max: 400 * scale,
      mean: 55 * scale,
      count: 10000,
    },
    latencyBuckets: [
      [10000 * scale, 1000],
      [20000 * scale, 3000],
      [40000 * scale, 3000],
      [80000 * scale, 2000],
      [160000 * scale, 900],
      [320000 * scale, 100],
    ],
    yieldsPerRecord: 0.5,
    tasks: { coordinator: { elapsedUs: 50000, busyUs: 9000, polls: 500, yields: 0, waitUs: { recv: 100 }, completed: true } },
    workers: [worker(0), worker(1)],
    breakdownUs: { compute: 30000 * scale, poll: 4000, yield: 2500, send: 1200, recv: 900 },
    cpuUs: { useful: 30000, waiting: 5000, scheduler: 8000, total: 43000 },
    outputs: {},
    warnings: [],
    engine: { events: 100000, eventsPerSec: 1e7, wallMs: 10 },
  };
}

const QUANTILES = [0.1, 0.5, 0.9, 0.99, 1];

export function fixtureSweep(name = 'pipeline-4p'): SweepDoc {
  const partitions = [1, 2, 4, 8];
  const workers = [1, 2, 4];
  const points: SweepDoc['points'] = [];
  const iv = (mean: number) => ({ mean, lo: mean * 0.95, hi: mean * 1.05, n: 3 });
  for (const p of partitions)
    for (const w of workers) {
      const tput = 50000 * Math.min(p, w) * (1 - 0.03 * p);
      const p99 = (1e6 / tput) * 40;
      points.push({
        index: points.length,
        values: [p, w],
        runs: [0, 1, 2].map((r) => ({
          source: 'simulated' as const,
          replication: r,
          seed: r + 1,
          metrics: { recordsPerSec: tput * (1 + 0.01 * r), p99Us: p99 },
        })),
        summary: {
          simulated: { recordsPerSec: iv(tput), p99Us: iv(p99), p50Us: iv(p99 / 3), records: iv(10000) },
          analytic: { recordsPerSec: { mean: tput * 1.05, lo: tput * 1.05, hi: tput * 1.05, n: 1 } },
        },
        detail: {
          breakdownUs: { compute: 20000, poll: 1000 * p, yield: 500 * w },
          latencyQuantilesUs: QUANTILES.map((q) => p99 * (0.1 + q)),
        },
        ...(p === 4 && w === 2 ? { trace: fixtureTrace() } : {}),
      });
    }
  return {
    kind: 'dispatchsim-sweep',
    version: 1,
    scenario: { name, hash: 'sha256:0123456789abcdef' },
    model: { name: 'test-model', profile: 'release', provenance: 'calibrated' },
    runtime: { flavor: 'multi_thread' },
    engine: 'both',
    baseSeed: 1,
    replications: 3,
    metrics: ['recordsPerSec', 'p99Us', 'p50Us', 'records'],
    quantiles: [...QUANTILES],
    tracedPoint: points.findIndex((p) => p.trace),
    grid: [
      { pointer: '/template/partitions', label: 'partitions', values: partitions },
      { pointer: '/runtime/workers', label: 'workers', values: workers },
    ],
    totalPoints: points.length,
    points,
  };
}

export function fixtureValidation(name = 'pipeline-4p'): ValidationDoc {
  return [
    {
      scenario: name,
      metric: 'recordsPerSec',
      predicted: 98000,
      measured: 101000,
      errorPct: -2.97,
      predictedSource: 'simulated',
      model: 'test-model',
      params: { '/runtime/workers': 2 },
      sourceApart: true,
      runQueueWaitPct: 0.4,
    },
    {
      scenario: `${name}-b`,
      metric: 'recordsPerSec',
      predicted: 180000,
      measured: 160000,
      errorPct: 12.5,
      predictedSource: 'analytic',
      params: { '/template/partitions': 4 },
      sourceApart: false,
      runQueueWaitPct: 31,
    },
    { scenario: name, metric: 'p99Us', predicted: 180, measured: 170, errorPct: 5.9, predictedSource: 'simulated' },
  ];
}

export function fixtureTrace(): ChromeTrace {
  const recs = [];
  for (let i = 0; i < 40; i++)
    recs.push({
      worker: i % 2,
      task: i % 3 === 0 ? 'coordinator' : `partition-${i % 4}`,
      startNs: i * 5000,
      endNs: i * 5000 + 3500,
      kind: 'poll',
    });
  return toChromeTrace(recs);
}
