/**
 * `npm run bench`'s run-set section, also runnable alone (`node dist/bench/run-sets.js`):
 * `simulate --runs 8` of a noisy pipeline in one thread and on worker threads, in this run,
 * medians of 3 interleaved; the two Results must be byte-identical (engine block aside). Then the
 * ceiling on this VM: the same 8 runs on 1 and on `jobs` plain worker threads (static split, no
 * pool, no fold), timed once the threads have loaded their modules — what the cores give this
 * arithmetic at best; the pool's efficiency is its speed-up over the ceiling's. Then the default
 * (`threads: 'auto'`, parallelism.ts): what it chose, why, and its time against one thread.
 */
import { readFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { Worker } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import type { CostModel } from '../src/schema/model.js';
import type { Scenario } from '../src/schema/scenario.js';
import type { Plan } from '../src/plan/types.js';
import { normalizeScenario } from '../src/plan/normalize.js';
import { runVariants } from '../src/plan/run-set.js';
import { runContext, simulateRuns } from '../src/sweep/simulate-runs.js';
import { measureParallelism, POOL_START_MS } from '../src/sweep/parallelism.js';

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

export async function benchRunSets(model: CostModel): Promise<void> {
  const plan = normalizeScenario(runSetScenario(), { model });
  const jobs = Math.min(availableParallelism(), 8);
  const timedSet = async (j: number, threads: 'auto' | 'always' = 'always') => {
    const t0 = performance.now();
    const r = await simulateRuns(plan, model, { runs: 8, jobs: j, threads });
    return {
      ms: performance.now() - t0,
      text: JSON.stringify({ ...r, engine: null }),
      events: r.engine.events,
      threads: r.engine.threads,
    };
  };
  await timedSet(jobs); // warm-up: JIT, module loading in this thread
  const one: number[] = [];
  const many: number[] = [];
  const auto: number[] = [];
  const ceil1: number[] = [];
  const ceilN: number[] = [];
  const starts: number[] = [];
  let a = await timedSet(1);
  let b = a;
  let c = a;
  for (let i = 0; i < 3; i++) {
    a = await timedSet(1);
    one.push(a.ms);
    b = await timedSet(jobs);
    many.push(b.ms);
    c = await timedSet(jobs, 'auto');
    auto.push(c.ms);
    const start1 = await runSetCeiling(plan, model, 1);
    const startN = await runSetCeiling(plan, model, jobs);
    ceil1.push(start1.ms);
    ceilN.push(startN.ms);
    starts.push(startN.startMs);
  }
  if (a.text !== b.text || a.text !== c.text) throw new Error('run set: worker threads changed the Result');
  const [o, m, au] = [median(one), median(many), median(auto)];
  const [c1, cN] = [median(ceil1), median(ceilN)];
  console.log(
    `run set of 8 runs (${(a.events / 8 / 1e6).toFixed(2)} M events each, noise on): one thread ${o.toFixed(0)} ms, ${jobs} worker threads ${m.toFixed(0)} ms, ` +
      `speed-up ${(o / m).toFixed(2)}× (medians of 3; byte-identical Results; ${availableParallelism()} cores; load average ${loadavg()
        .map((x) => x.toFixed(1))
        .join(', ')})`,
  );
  console.log(
    `  ceiling, the same 8 runs on plain threads (static split, modules loaded before timing): 1 thread ${c1.toFixed(0)} ms, ` +
      `${jobs} threads ${cN.toFixed(0)} ms, ${(c1 / cN).toFixed(2)}×; the pool reaches ${((o / m / (c1 / cN)) * 100).toFixed(0)}% of it ` +
      `(it also starts its threads and runs run 0 alone, to choose N)`,
  );
  const probe = await measureParallelism(jobs);
  console.log(
    `  default (--jobs not given: threads only when they help): ${au.toFixed(0)} ms, ${(o / au).toFixed(2)}× one thread; ` +
      `it chose ${c.threads?.workers ?? 0} worker thread(s): ${c.threads?.why ?? '?'}. ` +
      `Its probe now: ${jobs} threads ${probe.speedup.toFixed(2)}× one (${probe.costMs.toFixed(0)} ms); ` +
      `${jobs} plain threads take ${median(starts).toFixed(0)} ms to start and load the simulator, and one plain thread ` +
      `${Math.max(0, c1 - o).toFixed(0)} ms more than this thread for the same runs (JIT warm-up); the rule assumes ${POOL_START_MS} ms for both`,
  );
}

/**
 * Wall time (ms) of the 8 runs on `threads` plain worker threads, from 'go' to the last answer,
 * and how long the threads took to start and load their modules.
 */
async function runSetCeiling(plan: Plan, model: CostModel, threads: number): Promise<{ ms: number; startMs: number }> {
  const ctx = runContext(plan, model);
  const variants = runVariants(plan, 8);
  const s0 = performance.now();
  const workers = Array.from(
    { length: threads },
    (_, first) =>
      new Worker(new URL('./run-set-ceiling-worker.js', import.meta.url), {
        workerData: { ctx, variants, first, count: threads },
      }),
  );
  const next = (w: Worker) =>
    new Promise<unknown>((resolve, reject) => {
      w.once('message', resolve);
      w.once('error', reject);
    });
  await Promise.all(workers.map(next)); // ready: modules loaded
  const startMs = performance.now() - s0;
  const t0 = performance.now();
  const done = workers.map(next);
  for (const w of workers) w.postMessage('go');
  await Promise.all(done);
  const ms = performance.now() - t0;
  await Promise.all(workers.map((w) => w.terminate()));
  return { ms, startMs };
}

/** A noisy multi_thread pipeline of a few M events per run: the shape `simulate`'s default run set spends its budget on. */
function runSetScenario(): Scenario {
  return {
    name: 'bench-run-set',
    seed: 1,
    runtime: { flavor: 'multi_thread', workers: 2, driver: 'timer' },
    template: {
      kind: 'pipeline',
      partitions: 2,
      source: { arrival: { kind: 'periodic', intervalUs: 1000 }, batchRecords: 64, batches: 40 },
      partition: { wait: [{ kind: 'yield_spin' }], recordCost: 2 },
    },
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url))
  await benchRunSets(
    JSON.parse(readFileSync(new URL('../../models/tokio-1.24-2vcpu-release.json', import.meta.url), 'utf8')) as CostModel,
  );
