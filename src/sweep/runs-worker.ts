/**
 * Worker-thread entry for run sets: receives the Plan, model and simulator options once
 * (workerData), then run variants one at a time, and answers each with that run's Result.
 *
 * Phase: sweep. The message loop is worker-serve.ts, shared with the sweep's worker.
 */
import { workerData } from 'node:worker_threads';
import type { Result } from '../schema/result.js';
import { simulateRun, type RunContext } from './simulate-runs.js';
import type { RunVariant } from '../plan/run-set.js';
import { serveTasks } from './worker-serve.js';

const ctx = workerData as RunContext;
serveTasks<RunVariant, Result>((v) => simulateRun(ctx, v));
