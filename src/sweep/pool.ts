/**
 * A pool of worker threads that runs sweep points.
 *
 * Phase: sweep. Each worker pulls the next point when it finishes one (points can differ in cost
 * by orders of magnitude, so static chunks would idle cores); it holds `IN_FLIGHT` points so it
 * never waits for the main thread between two small ones. Results are stored by the task's
 * position, never in completion order, so the output does not depend on `jobs`. On an input
 * error no new point is started; the diagnostics of every failed point are thrown together.
 */
import { Worker } from 'node:worker_threads';
import { InputError, type Diagnostic } from '../schema/diagnostics.js';
import type { SweepPoint } from './sweep-doc.js';
import type { PointContext, PointTask } from './run-point.js';

/** PERF (bench/sweep-scaling.ts): 2 queued points per worker hide the reply→next-task round trip. */
const IN_FLIGHT = 2;

export type WorkerReply =
  | { index: number; point: SweepPoint }
  | { index: number; input: { diagnostics: Diagnostic[]; exitCode: number } }
  | { index: number; internal: string };

export interface PoolOptions {
  jobs: number;
  ctx: PointContext;
  /** Called as each point finishes (in completion order), e.g. for progress and checkpoints. */
  onPoint?: (point: SweepPoint) => void;
}

export function runPoints(tasks: readonly PointTask[], opts: PoolOptions): Promise<SweepPoint[]> {
  const out: SweepPoint[] = new Array(tasks.length);
  if (tasks.length === 0) return Promise.resolve(out);
  const position = new Map(tasks.map((t, i) => [t.index, i]));
  const jobs = Math.max(1, Math.min(opts.jobs, tasks.length));
  const diags: Diagnostic[] = [];
  let exitCode = 0;
  let next = 0;
  let running = 0;
  let failed: Error | undefined;
  const workers: Worker[] = [];
  return new Promise((resolve, reject) => {
    const finish = () => {
      if (running > 0) return;
      for (const w of workers) void w.terminate();
      if (failed) reject(failed);
      else if (diags.length) reject(new InputError(dedupe(diags), exitCode));
      else resolve(out);
    };
    const feed = (w: Worker) => {
      if (failed || diags.length || next >= tasks.length) return finish();
      running++;
      w.postMessage(tasks[next++]);
    };
    for (let k = 0; k < jobs; k++) {
      const w = new Worker(new URL('./worker.js', import.meta.url), { workerData: opts.ctx });
      workers.push(w);
      w.on('message', (m: WorkerReply | { ready: true }) => {
        if ('ready' in m) {
          for (let k = 0; k < IN_FLIGHT; k++) feed(w);
          return;
        }
        running--;
        if ('point' in m) {
          out[position.get(m.index)!] = m.point;
          opts.onPoint?.(m.point);
        } else if ('input' in m) {
          diags.push(...m.input.diagnostics);
          exitCode = Math.max(exitCode, m.input.exitCode);
        } else failed ??= new Error(`internal error in sweep worker (point ${m.index}):\n${m.internal}`);
        feed(w);
      });
      w.on('error', (e) => {
        failed ??= e;
        running = 0;
        finish();
      });
    }
  });
}

function dedupe(diags: Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return diags.filter((d) => {
    const key = `${d.code}|${d.file}|${d.pointer}|${d.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
