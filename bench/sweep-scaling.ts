/**
 * Sweep scaling: 1,000 simulated points with jobs = 1 and jobs = 2. Prints both wall times and
 * their ratio (target ≥ 1.7× on 2 cores) and checks the two documents are byte-identical.
 *
 *   npx tsc -p . && node dist/bench/sweep-scaling.js
 */
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CostModel } from '../src/schema/model.js';
import type { Scenario } from '../src/schema/scenario.js';
import { parseVary } from '../src/sweep/grid.js';
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
  const doc = await runSweep({ scenario, file: 'bench', model, varies, engine: 'sim', replications: 1, jobs });
  const ms = performance.now() - t0;
  if (doc.points.length !== 1000) throw new Error(`expected 1000 points, got ${doc.points.length}`);
  return { ms, text: JSON.stringify(doc) };
}

const one = await timed(1);
const two = await timed(2);
const ratio = one.ms / two.ms;
console.log(`cores available: ${availableParallelism()}`);
console.log(`jobs=1: ${one.ms.toFixed(0)} ms`);
console.log(`jobs=2: ${two.ms.toFixed(0)} ms`);
console.log(`speed-up: ${ratio.toFixed(2)}× (target ≥ 1.7× on 2 cores)`);
console.log(`identical output: ${one.text === two.text}`);
if (one.text !== two.text) process.exitCode = 1;
