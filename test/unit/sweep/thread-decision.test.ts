/**
 * A run set uses worker threads only when they would make it quicker (src/sweep/parallelism.ts,
 * simulate-runs.ts threadDecision): on a machine where busy threads do not run side by side (this
 * project's 2-vCPU VM: two plain threads 0.77× one) the runs stay in the main thread, and the
 * Result says why; `--jobs N` forces N threads. No timing here: the machine's speed-up is given.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { normalizeScenario } from '../../../src/plan/normalize.js';
import { threadsHelp, type Parallelism } from '../../../src/sweep/parallelism.js';
import { simulateRuns, threadDecision, type ThreadDecision } from '../../../src/sweep/simulate-runs.js';
import type { Result } from '../../../src/schema/result.js';
import type { Scenario } from '../../../src/schema/scenario.js';
import { validateDocument } from '../../../src/schema/validate.js';
import { model } from '../../helpers.js';

/** A stand-in for the machine: `speedup` for any thread count, and how often it was asked. */
function machine(speedup: number) {
  const asked: number[] = [];
  const f = (threads: number): Promise<Parallelism> => {
    asked.push(threads);
    return Promise.resolve({ threads, speedup, costMs: 0 });
  };
  return { f, asked };
}

test('the rule: threads pay only when the work divided by the measured speed-up, plus their start-up, is clearly shorter', () => {
  // This VM: two busy threads slower than one — never, however long the runs.
  assert.equal(threadsHelp({ oneThreadMs: 100_000, threads: 2, speedup: 0.77 }), false);
  assert.equal(threadsHelp({ oneThreadMs: 100_000, threads: 2, speedup: 1 }), false);
  // Two free cores: long runs yes, short runs no (starting the threads costs more than they save).
  assert.equal(threadsHelp({ oneThreadMs: 5000, threads: 2, speedup: 1.9 }), true);
  assert.equal(threadsHelp({ oneThreadMs: 200, threads: 2, speedup: 1.9 }), false);
  // A speed-up above the thread count is not believed (a probe disturbed by another process).
  assert.equal(threadsHelp({ oneThreadMs: 400, threads: 2, speedup: 8, startMs: 150 }), false);
  assert.equal(threadsHelp({ oneThreadMs: 5000, threads: 1, speedup: 1 }), false);
});

test('auto: the machine is asked only when a pool could pay; it falls back to one thread where threads do not help', async () => {
  const slow = machine(0.77);
  const d1 = await threadDecision(3000, 7, 2, 'auto', slow.f);
  assert.equal(d1.workers, 0);
  assert.deepEqual(slow.asked, [2]);
  assert.equal(d1.speedup, 0.77);
  assert.match(d1.why, /^one thread: .*3000 ms.* 0\.77× /);

  const fast = machine(1.9);
  const d2 = await threadDecision(3000, 7, 8, 'auto', fast.f);
  assert.equal(d2.workers, 7, 'no more threads than runs left');
  assert.deepEqual(fast.asked, [7]);

  const unasked = machine(2);
  const d3 = await threadDecision(100, 7, 2, 'auto', unasked.f);
  assert.equal(d3.workers, 0);
  assert.deepEqual(unasked.asked, [], 'a set too small for any pool to pay never measures the machine');
  assert.match(d3.why, /too little/);

  // --jobs N forces N threads; --jobs 1 one thread; never a measurement.
  const forced = machine(0.5);
  assert.equal((await threadDecision(100, 7, 2, 'always', forced.f)).workers, 2);
  assert.equal((await threadDecision(100_000, 7, 1, 'always', forced.f)).workers, 0);
  assert.equal((await threadDecision(100_000, 1, 4, 'auto', forced.f)).workers, 0);
  assert.deepEqual(forced.asked, []);
});

function scenario(): Scenario {
  return {
    name: 'thread-decision',
    seed: 3,
    runtime: { flavor: 'multi_thread', workers: 2, driver: 'timer' },
    template: {
      kind: 'pipeline',
      partitions: 2,
      source: { arrival: { kind: 'periodic', intervalUs: 1000 }, batchRecords: 16, batches: 6 },
      partition: { wait: [{ kind: 'await_recv' }], recordCost: 2 },
    },
  };
}

test('a run set runs where the decision says, says why in engine.threads, and gives the same bytes either way', async () => {
  const m = model();
  const plan = normalizeScenario(scenario(), { model: m });
  const seen: ThreadDecision[] = [];
  const slow = machine(0.77);
  const auto = await simulateRuns(plan, m, { runs: 4, jobs: 2, parallelism: slow.f, onThreads: (d) => seen.push(d) });
  assert.equal(seen.length, 1);
  assert.equal(seen[0].workers, 0, 'a small set stays in the main thread');
  assert.deepEqual(auto.engine.threads, { workers: 0, why: seen[0].why });
  assert.deepEqual(validateDocument('result', auto, '<run set>'), []);
  const forced = await simulateRuns(plan, m, { runs: 4, jobs: 2, threads: 'always', onThreads: (d) => seen.push(d) });
  assert.equal(seen[1].workers, 2);
  assert.equal(forced.engine.threads?.workers, 2);
  const strip = (r: Result) => JSON.stringify({ ...r, engine: null });
  assert.equal(strip(auto), strip(forced));
  // One run: no run set, no thread decision in the Result.
  assert.equal((await simulateRuns(plan, m, { runs: 1, jobs: 2 })).engine.threads, undefined);
});

/**
 * A stand-in for this process's CPU clock around the runs in the main thread: read before and
 * after each run, it says run k took `costs[k]` ms (the last cost for any later run).
 */
function runClock(costs: number[]) {
  let reads = 0;
  return () => {
    const run = reads >> 1;
    const end = (reads & 1) === 1;
    reads++;
    let t = 0;
    for (let k = 0; k < run + (end ? 1 : 0); k++) t += costs[Math.min(k, costs.length - 1)];
    return t;
  };
}

test("run 0's JIT warm-up is not taken for the runs after it: a pool waits until a run in this thread is shown warm", async () => {
  const m = model();
  const plan = normalizeScenario(scenario(), { model: m });
  const strip = (r: Result) => JSON.stringify({ ...r, engine: null });
  const reference = strip(await simulateRuns(plan, m, { runs: 8, jobs: 1 }));
  // Run 0 slow (cold), the runs after it fast: a pool of 2 would pay on run 0's time
  // (7 × 3000 ms), not on run 1's (6 × 100 ms): the runs stay here, and the Result says why.
  const seen: ThreadDecision[] = [];
  const fast = machine(1.9);
  const cold = await simulateRuns(plan, m, {
    runs: 8,
    jobs: 2,
    parallelism: fast.f,
    cpuMs: runClock([3000, 100, 95]),
    onThreads: (d) => seen.push(d),
  });
  assert.equal(seen.length, 1);
  assert.equal(seen[0].workers, 0);
  assert.match(
    seen[0].why,
    /^runs in this thread while the JIT warmed up \(run 0 3000 ms CPU, run 1 100 ms\); then one thread: the runs after run 1 take about 600 ms/,
  );
  assert.equal(strip(cold), reference);
  // Still warming after run 1 (100 < 0.9 × 3000), long enough for a pool: run 2 here too, then
  // the pool on run 2's time (warm: 2500 ≥ 0.9 × 2600).
  const slow = await simulateRuns(plan, m, {
    runs: 8,
    jobs: 2,
    parallelism: fast.f,
    cpuMs: runClock([9000, 2600, 2500]),
    onThreads: (d) => seen.push(d),
  });
  assert.equal(seen[1].workers, 2);
  assert.match(
    seen[1].why,
    /\(run 0 9000 ms CPU, run 1 2600 ms, run 2 2500 ms\); then 2 worker threads: the runs after run 2 take about 12500 ms/,
  );
  assert.equal(strip(slow), reference);
  // Runs as long as run 0 (warm at run 1): the pool takes the 6 runs after run 1.
  const even = await simulateRuns(plan, m, {
    runs: 8,
    jobs: 2,
    parallelism: fast.f,
    cpuMs: runClock([3000]),
    onThreads: (d) => seen.push(d),
  });
  assert.equal(seen[2].workers, 2);
  assert.match(
    seen[2].why,
    /\(run 0 3000 ms CPU, run 1 3000 ms\); then 2 worker threads: the runs after run 1 take about 18000 ms/,
  );
  assert.equal(strip(even), reference);
});
