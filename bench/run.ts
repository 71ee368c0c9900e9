/**
 * `npm run bench`: simulator throughput and memory, printed as figures and ratios (never
 * asserted). Run alone: the machine is shared, so compare ratios within one run. Sections 1–3
 * measure the engine on the idealised machine (`noise: false`: the model's platform noise, on by
 * default, turns fast-forward off); section 4 keeps the noise, as a default `simulate` does.
 *
 *   1. yield-heavy current_thread: 8 tasks spinning on yield_now (≥ 10 M events) → events/s and
 *      wake-ups/s (task polls + driver polls: what every engine simulates; dispatchsim's internal
 *      events are ~3 per wake-up), against a bare yield-round loop (bare-loop.ts) run alternately
 *      with it (engine, bare, engine, bare, …: each ratio compares two runs made back to back),
 *      wall and CPU time of this process (on a shared machine the wall time also counts the waits
 *      for a core), medians of 5, after 3 warm-up runs of the engine (a process's first simulators
 *      run deoptimised code) and 1 of the bare loop
 *   2. the same on multi_thread (2 workers), in a process of its own (lone-flavor.ts, as a lone
 *      `simulate` runs it) and in this one after (1) → events/s, wake-ups/s and the ratio to (1), each
 *      flavor taken against its own bare-loop pairs so that a change of load between them cancels
 *   3. memory: a periodic sequential pipeline at 10^5, 10^6, 10^7 records → peak RSS growth
 *   4. run sets: 8 runs of a noisy pipeline in one thread vs on worker threads → speed-up, against
 *      the ceiling of the same runs on plain threads in the same run
 */
import type { Scenario } from '../src/schema/scenario.js';
import { normalizeScenario } from '../src/plan/normalize.js';
import { simulate } from '../src/runtime/simulate.js';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { availableParallelism, loadavg } from 'node:os';
import { benchRunSets } from './run-sets.js';
import { benchAnalytic, printAnalyticBench } from './analytic.js';
import { REPS, bareRep, median, model, pairRatio, spinners, versusBare, warmUp, wps, type Rep } from './engine-reps.js';

const M = (x: number) => (x / 1e6).toFixed(2);
const load = () =>
  loadavg()
    .map((x) => x.toFixed(1))
    .join(', ');
const loadBefore = load();
bareRep(); // warm-up of the bare loop; current_thread is measured first, before any multi_thread
// simulator exists, as a lone `simulate` of a current_thread scenario runs (the shared poll code sees one class).
// The engine is warmed up too (engine-reps.ts, warmUp).
warmUp('current_thread');
const ct = versusBare(spinners('current_thread', 20000));
const ctEvents = ct.eng[0].events;
const ctWakeups = ct.eng[0].wakeups;
console.log(
  `current_thread, 8 yield spinners × 20 yields × 20,000 records: ${(ctEvents / 1e6).toFixed(1)} M events, ` +
    `${(ctWakeups / 1e6).toFixed(2)} M wake-ups (polls + driver polls); medians of ${REPS}: ` +
    `${M(median(wps(ct.eng, false)))} M wake-ups/s wall, ${M(median(wps(ct.eng, true)))} M/s CPU; ` +
    `${M(median(ct.eng.map((r) => r.events / (r.wallMs / 1000))))} M events/s wall`,
);
console.log(
  `ceiling: a bare yield-round loop (ring buffer + defer list, no metrics), interleaved with it: ` +
    `${M(median(wps(ct.bare, false)))} M wake-ups/s wall, ${M(median(wps(ct.bare, true)))} M/s CPU; ` +
    `dispatchsim current_thread = ${pairRatio(wps(ct.eng, false), wps(ct.bare, false)).toFixed(3)}× of it (wall), ` +
    `${pairRatio(wps(ct.eng, true), wps(ct.bare, true)).toFixed(3)}× (CPU) (medians of the ${REPS} back-to-back pairs; target ≥ 0.18×)`,
);
// multi_thread as a lone `simulate` of a multi_thread scenario runs it: in a process of its own,
// where the shared poll code has seen one simulator class (here, after current_thread, it has seen
// two and runs slower: both figures are printed).
const lone: { eng: Rep[]; bare: Rep[] } = JSON.parse(
  execFileSync(process.execPath, [fileURLToPath(new URL('./lone-flavor.js', import.meta.url)), 'multi_thread'], {
    encoding: 'utf8',
  }),
);
warmUp('multi_thread');
const mt = versusBare(spinners('multi_thread', 20000));
const mtLine = (what: string, r: { eng: Rep[]; bare: Rep[] }) =>
  console.log(
    `multi_thread (2 workers), same load, ${what}: ${(r.eng[0].events / 1e6).toFixed(1)} M events, ` +
      `${(r.eng[0].wakeups / 1e6).toFixed(2)} M wake-ups; medians of ${REPS}: ${M(median(wps(r.eng, false)))} M wake-ups/s wall, ` +
      `${M(median(wps(r.eng, true)))} M/s CPU; ${pairRatio(wps(r.eng, true), wps(r.bare, true)).toFixed(3)}× the bare loop (CPU)`,
  );
mtLine('a process of its own (as a lone simulate runs it)', lone);
mtLine('in this process after current_thread (the poll code has seen both classes)', mt);
// current_thread / multi_thread, each taken relative to the bare loop run beside it, so that a
// change of machine load between the two series cancels; the raw ratio of medians beside it.
const ctRel = pairRatio(wps(ct.eng, true), wps(ct.bare, true));
for (const [what, r] of [
  ['multi_thread in a process of its own', lone],
  ['multi_thread in this process', mt],
] as const) {
  const mtRel = pairRatio(wps(r.eng, true), wps(r.bare, true));
  console.log(
    `ratio current_thread / ${what}, wake-ups/s: ${(ctRel / mtRel).toFixed(2)}× (each against its bare-loop pairs, CPU time), ` +
      `${(median(wps(ct.eng, false)) / median(wps(r.eng, false))).toFixed(2)}× (medians, wall) (target ≤ 1.5×)`,
  );
}
console.log(`load average before ${loadBefore}, after ${load()} (${availableParallelism()} cores)`);

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
