/**
 * Sweep scaling: 1,000 simulated points with jobs = 1 and jobs = 2. Prints both wall times and
 * their ratio (target ≥ 1.7× on 2 cores) and checks the two documents are byte-identical.
 *
 *   npx tsc -p . && node dist/bench/sweep-scaling.js
 *
 * A small untimed sweep first pays the process's one-time costs (the schema validator's
 * compilation, module loading), so neither timed run carries them. Then the ceiling: the same
 * 1,000 points on 1 and 2 plain worker threads, split statically, with no pool, no messages per
 * point and no document — what this machine gives two threads of this work at best. The pool's
 * efficiency is its ratio over the ceiling's. The load average is printed before and after: on
 * a machine shared with other work the ratios say little. Platform noise is off (`noise: false`)
 * so the figures stay comparable with those taken before it was on by default.
 */
import { readFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { Worker } from 'node:worker_threads';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CostModel } from '../src/schema/model.js';
import type { Scenario } from '../src/schema/scenario.js';
import { normalizeScenario } from '../src/plan/normalize.js';
import { replicationSeeds } from '../src/sweep/stats.js';
import { buildAxes, expandGrid, parseVary } from '../src/sweep/grid.js';
import { runSweep } from '../src/sweep/sweep.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const model = JSON.parse(readFileSync(join(ROOT, 'models/host-release.json'), 'utf8')) as CostModel;
const scenario: Scenario = {
  name: 'sweep-scaling',
  seed: 1,
  runtime: { flavor: 'multi_thread', workers: 2 },
  template: {
    kind: 'pipeline',
    partitions: 2,
    source: { arrival: { kind: 'poisson', ratePerSec: 5000 }, batchRecords: 20, batches: 100 },
    partition: { wait: [{ kind: 'await_recv' }], recordCost: 2 },
  },
};
// 8 × 5 × 25 = 1,000 points.
const varies = ['/template/partitions=1..8', '/runtime/workers=1..5', '/template/source/batches=100..124'].map(parseVary);

async function timed(jobs: number): Promise<{ ms: number; text: string }> {
  const t0 = performance.now();
  const doc = await runSweep({ scenario, file: 'bench', model, varies, engine: 'sim', replications: 1, jobs, noise: false });
  const ms = performance.now() - t0;
  if (doc.points.length !== 1000) throw new Error(`expected 1000 points, got ${doc.points.length}`);
  return { ms, text: JSON.stringify(doc) };
}

const load = () =>
  loadavg()
    .map((x) => x.toFixed(2))
    .join(', ');
console.log(`load average before: ${load()}`);
await runSweep({
  scenario,
  file: 'bench',
  model,
  varies: [parseVary('/template/partitions=1,2')],
  engine: 'sim',
  replications: 1,
  jobs: 2,
});
const one = await timed(1);
const two = await timed(2);
const ratio = one.ms / two.ms;

/** The ceiling: the same points on `threads` plain workers (static split), timed from start to last reply. */
async function ceiling(threads: number): Promise<number> {
  const axes = buildAxes(scenario, varies, 'bench');
  const tasks = expandGrid(axes).map((values, index) => ({ index, values }));
  const ctx = {
    scenario,
    axes,
    file: 'bench',
    model,
    engine: 'sim' as const,
    seeds: replicationSeeds(normalizeScenario(scenario, { model }).seed, 1),
    noise: false,
  };
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: threads }, (_, first) => {
      const w = new Worker(new URL('./sweep-ceiling-worker.js', import.meta.url), {
        workerData: { ctx, tasks, first, count: threads },
      });
      return new Promise<void>((resolve, reject) => {
        w.once('message', () => void w.terminate().then(() => resolve()));
        w.once('error', reject);
      });
    }),
  );
  return performance.now() - t0;
}
const ideal1 = await ceiling(1);
const ideal2 = await ceiling(2);
const idealRatio = ideal1 / ideal2;

console.log(`cores available: ${availableParallelism()}`);
console.log(`jobs=1: ${one.ms.toFixed(0)} ms`);
console.log(`jobs=2: ${two.ms.toFixed(0)} ms`);
console.log(`speed-up: ${ratio.toFixed(2)}× (target ≥ 1.7× on 2 cores)`);
console.log(`identical output: ${one.text === two.text}`);
console.log(
  `ceiling (same points, plain threads, static split): 1 thread ${ideal1.toFixed(0)} ms, 2 threads ${ideal2.toFixed(0)} ms: ${idealRatio.toFixed(2)}×`,
);
console.log(`pool efficiency: ${((ratio / idealRatio) * 100).toFixed(0)}% of the ceiling's speed-up`);
console.log(`load average after: ${load()}`);
if (one.text !== two.text) process.exitCode = 1;
