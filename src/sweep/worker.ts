/**
 * Worker-thread entry for sweeps: receives the shared context once (workerData), then points
 * one at a time, and answers each with the finished point or its error.
 *
 * Phase: sweep. The message loop (errors as plain data) is worker-serve.ts, shared with run sets.
 */
import { workerData } from 'node:worker_threads';
import { loadBackends } from './backends.js';
import { runPoint, type PointContext, type PointTask } from './run-point.js';
import type { SweepPoint } from '../schema/sweep-doc.js';
import { serveTasks } from './worker-serve.js';

const ctx = workerData as PointContext;
const backends = await loadBackends();
serveTasks<PointTask, SweepPoint>((task) => runPoint(task, ctx, backends));
