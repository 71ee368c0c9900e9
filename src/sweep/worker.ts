/**
 * Worker-thread entry for sweeps: receives the shared context once (workerData), then points
 * one at a time, and answers each with the finished point or its error.
 *
 * Phase: sweep. Errors cross the thread boundary as plain data: InputError keeps its
 * diagnostics and exit code; anything else is reported as an internal error with its stack.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { InputError } from '../schema/diagnostics.js';
import { loadBackends } from './backends.js';
import { runPoint, type PointContext, type PointTask } from './run-point.js';
import type { WorkerReply } from './pool.js';

const ctx = workerData as PointContext;
const port = parentPort!;
const backends = await loadBackends();

port.on('message', (task: PointTask) => {
  let reply: WorkerReply;
  try {
    reply = { index: task.index, value: runPoint(task, ctx, backends) };
  } catch (e) {
    reply =
      e instanceof InputError
        ? { index: task.index, input: { diagnostics: e.diagnostics, exitCode: e.exitCode } }
        : { index: task.index, internal: (e as Error).stack ?? String(e) };
  }
  port.postMessage(reply);
});
port.postMessage({ ready: true });
