/**
 * The worker-thread side of WorkPool (pool.ts), once for every kind of work: answer each task
 * posted to this thread with `work(task)`, then say ready. Errors cross the thread boundary as
 * plain data: InputError keeps its diagnostics and exit code; anything else is reported as an
 * internal error with its stack.
 *
 * Phase: sweep.
 */
import { parentPort } from 'node:worker_threads';
import { InputError } from '../schema/diagnostics.js';
import type { WorkerReply } from './pool.js';

export function serveTasks<T extends { index: number }, V>(work: (task: T) => V): void {
  const port = parentPort!;
  port.on('message', (task: T) => {
    let reply: WorkerReply<V>;
    try {
      reply = { index: task.index, value: work(task) };
    } catch (e) {
      reply =
        e instanceof InputError
          ? { index: task.index, input: { diagnostics: e.diagnostics, exitCode: e.exitCode } }
          : { index: task.index, internal: (e as Error).stack ?? String(e) };
    }
    port.postMessage(reply);
  });
  port.postMessage({ ready: true });
}
