/**
 * Worker for bench/sweep-scaling.ts's ceiling: runs every `count`-th task from `first` with
 * `runPoint`, no pool and no message per point, and reports how many it ran.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { loadBackends } from '../src/sweep/backends.js';
import { runPoint, type PointContext, type PointTask } from '../src/sweep/run-point.js';

const { ctx, tasks, first, count } = workerData as { ctx: PointContext; tasks: PointTask[]; first: number; count: number };
const backends = await loadBackends();
let n = 0;
for (let i = first; i < tasks.length; i += count) {
  runPoint(tasks[i], ctx, backends);
  n++;
}
parentPort!.postMessage(n);
