/**
 * Worker for bench/run.ts's run-set ceiling: loads the simulator, says ready, then on 'go' runs
 * every `count`-th run from `first` with `simulateRun` (no pool, no message per run, no fold) and
 * answers with how many it ran.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { simulateRun, type RunContext } from '../src/sweep/simulate-runs.js';
import type { RunVariant } from '../src/plan/run-set.js';

const { ctx, variants, first, count } = workerData as { ctx: RunContext; variants: RunVariant[]; first: number; count: number };
const port = parentPort!;
port.once('message', () => {
  let n = 0;
  for (let i = first; i < variants.length; i += count) {
    simulateRun(ctx, variants[i]);
    n++;
  }
  port.postMessage(n);
});
port.postMessage('ready');
