/**
 * Worker-thread entry for run sets: receives the Plan, model and simulator options once
 * (workerData), then run variants one at a time, and answers each with that run's Result.
 *
 * Phase: sweep. Errors cross the thread boundary as plain data, as in worker.ts.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { InputError } from '../schema/diagnostics.js';
import type { Result } from '../schema/result.js';
import { simulateRun, type RunContext } from './simulate-runs.js';
import type { RunVariant } from '../plan/run-set.js';
import type { WorkerReply } from './pool.js';

const ctx = workerData as RunContext;
const port = parentPort!;

port.on('message', (v: RunVariant) => {
  let reply: WorkerReply<Result>;
  try {
    reply = { index: v.index, value: simulateRun(ctx, v) };
  } catch (e) {
    reply =
      e instanceof InputError
        ? { index: v.index, input: { diagnostics: e.diagnostics, exitCode: e.exitCode } }
        : { index: v.index, internal: (e as Error).stack ?? String(e) };
  }
  port.postMessage(reply);
});
port.postMessage({ ready: true });
