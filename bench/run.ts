/**
 * `npm run bench`: simulator throughput and memory, printed as figures and ratios (never
 * asserted). Run alone: the machine is shared, so compare ratios within one run. Sections 1–3
 * measure the engine on the idealised machine (`noise: false`: the model's platform noise, on by
 * default, turns fast-forward off); section 4 keeps the noise, as a default `simulate` does.
 *
 *   1. yield-heavy current_thread: 8 tasks spinning on yield_now (≥ 10 M events) → events/s and
 *      wake-ups/s (task polls + driver polls: what every engine simulates; dispatchsim's internal
 *      events are ~3 per wake-up), and the same-run ceiling of a bare yield-round loop (bare-loop.ts)
 *   2. the same on multi_thread (2 workers) → events/s, wake-ups/s and the ratio to (1)
 *   3. memory: a periodic sequential pipeline at 10^5, 10^6, 10^7 records → peak RSS growth
 *   4. run sets: 8 runs of a noisy pipeline in one thread vs on worker threads → speed-up, against
 *      the ceiling of the same runs on plain threads in the same run
 */
import type { Scenario } from '../src/schema/scenario.js';
import type { CostModel } from '../src/schema/model.js';
import { normalizeScenario } from '../src/plan/normalize.js';
import { simulate } from '../src/runtime/simulate.js';
import { readFileSync } from 'node:fs';
import { benchRunSets } from './run-sets.js';
import { benchAnalytic, printAnalyticBench } from './analytic.js';
import { bareYieldRounds } from './bare-loop.js';

const model = JSON.parse(
  readFileSync(new URL('../../models/tokio-1.24-2vcpu-release.json', import.meta.url), 'utf8'),
) as CostModel;

function spinners(flavor: 'current_thread' | 'multi_thread', records: number): Scenario {
  return {
    name: `bench/yield-${flavor}`,
    runtime: flavor === 'multi_thread' ? { flavor, workers: 2 } : { flavor },
    machine: { cores: 2 },
    template: { kind: 'multi_yield', tasks: 8, records, yieldsPerRecord: 20 },
  };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

interface Speed {
  eps: number;
  events: number;
  /** Wake-ups (task polls + driver polls) per second. */
  wps: number;
  wakeups: number;
}

function speed(s: Scenario, reps: number): Speed {
  const plan = normalizeScenario(s, { model, noise: false });
  const eps: number[] = [];
  const wps: number[] = [];
  let events = 0;
  let wakeups = 0;
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    // Raw engine speed: every event stepped (fast-forward would count skipped events too).
    const r = simulate(plan, model, { fastForward: false });
    const ms = performance.now() - t0;
    events = r.engine.events;
    wakeups = r.workers.reduce((a, w) => a + w.polls + w.driverPolls, 0);
    eps.push(events / (ms / 1000));
    wps.push(wakeups / (ms / 1000));
  }
  return { eps: median(eps), events, wps: median(wps), wakeups };
}

function bareWakeupsPerSec(reps: number): number {
  const wps: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    const { wakeups } = bareYieldRounds(8, 20000, 20);
    wps.push(wakeups / ((performance.now() - t0) / 1000));
  }
  return median(wps);
}

const M = (x: number) => (x / 1e6).toFixed(2);
bareWakeupsPerSec(1); // warm-up
const ct = speed(spinners('current_thread', 20000), 3);
const bare = bareWakeupsPerSec(3);
console.log(
  `current_thread, 8 yield spinners × 20 yields × 20,000 records: ${(ct.events / 1e6).toFixed(1)} M events, median ` +
    `${M(ct.eps)} M events/s, ${M(ct.wps)} M wake-ups/s (polls + driver polls)`,
);
console.log(
  `ceiling: a bare yield-round loop (ring buffer + defer list, no metrics) in this run: ${M(bare)} M wake-ups/s; ` +
    `dispatchsim current_thread = ${(ct.wps / bare).toFixed(3)}× of it`,
);
const mt = speed(spinners('multi_thread', 20000), 3);
console.log(
  `multi_thread (2 workers), same load: ${(mt.events / 1e6).toFixed(1)} M events, median ${M(mt.eps)} M events/s, ` +
    `${M(mt.wps)} M wake-ups/s`,
);
console.log(
  `ratio current_thread / multi_thread: events/s ${(ct.eps / mt.eps).toFixed(2)}×, wake-ups/s ${(ct.wps / mt.wps).toFixed(2)}× (target ≤ 2×)`,
);

function seq(records: number): Scenario {
  return {
    name: 'bench/memory',
    runtime: { flavor: 'current_thread' },
    template: {
      kind: 'sequential',
      source: { arrival: { kind: 'periodic', intervalUs: 100 }, batchRecords: 100, batches: records / 100 },
      recordCost: 0.5,
    },
  };
}
const base = process.memoryUsage().rss;
for (const n of [1e5, 1e6, 1e7]) {
  const plan = normalizeScenario(seq(n), { model, noise: false });
  const t0 = performance.now();
  const r = simulate(plan, model);
  const ms = performance.now() - t0;
  const rss = process.memoryUsage().rss;
  console.log(
    `memory: ${n.toExponential(0)} records → ${r.records} simulated in ${ms.toFixed(0)} ms, RSS ${(rss / 2 ** 20).toFixed(1)} MiB (+${((rss - base) / 2 ** 20).toFixed(1)} MiB over start)`,
  );
}
// Fast-forward: 10 simulated seconds of an 8-partition yield-spin pipeline at 1,000 batches/s.
function yieldPipeline10s(flavor: 'current_thread' | 'multi_thread'): Scenario {
  return {
    name: `bench/${flavor}-yield-8p-10s`,
    runtime: flavor === 'multi_thread' ? { flavor, workers: 2, driver: 'timer_io' } : { flavor, driver: 'timer_io' },
    machine: { cores: 2 },
    template: {
      kind: 'pipeline',
      partitions: 8,
      source: { arrival: { kind: 'periodic', intervalUs: 1000 }, batchRecords: 100, durationMs: 10_000 },
      coordinator: { routing: 'round_robin', routeCost: 0.05 },
      channel: { kind: 'lockfree' },
      partition: {
        wait: [{ kind: 'yield_spin' }],
        recordCost: 'record_sql',
        clonePerRecord: true,
        lockPerRecord: true,
        writer: { holdCost: 5 },
      },
    },
  };
}
for (const flavor of ['current_thread', 'multi_thread'] as const) {
  const plan = normalizeScenario(yieldPipeline10s(flavor), { model, noise: false });
  const wall = (fastForward: boolean) => {
    const t0 = performance.now();
    const r = simulate(plan, model, { fastForward });
    return { ms: performance.now() - t0, r };
  };
  // Three of each, interleaved, medians: a single run carries the JIT's warm-up and whatever
  // else the machine was doing (a first fast-forward run here has read 725 ms, the next 560).
  const fastMs: number[] = [];
  const stepMs: number[] = [];
  let fast = wall(true);
  for (let i = 0; i < 3; i++) {
    fast = wall(true);
    fastMs.push(fast.ms);
    stepMs.push(wall(false).ms);
  }
  const [f, st] = [median(fastMs), median(stepMs)];
  const ff = fast.r.engine.fastForward;
  console.log(
    `10 s of an 8-partition yield-spin pipeline, ${flavor}: fast-forward ${f.toFixed(0)} ms (${ff ? `${ff.jumps} jumps, ${(ff.skippedUs / 1e6).toFixed(2)} s skipped` : 'no cycle found'}), ` +
      `stepping ${st.toFixed(0)} ms, ratio ${(st / f).toFixed(2)}× (medians of 3, after one warm-up run) ` +
      (flavor === 'current_thread'
        ? '(target: under 1,000 ms)'
        : '(2 workers: the joint state cycles with a longer period, 46–194 µs, so less of each gap is skipped; no target)'),
  );
}

// Run sets (`simulate --runs 8`): one thread vs worker threads, and the ceiling (run-sets.ts).
await benchRunSets(model);

printAnalyticBench(benchAnalytic(model));
