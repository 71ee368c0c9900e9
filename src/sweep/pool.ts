/**
 * A pool of worker threads that runs sweep points (`PointPool`), or any indexed task whose worker
 * module answers in the same shape (`WorkPool`: the runs of a run set, `runs-worker.ts`).
 *
 * Phase: sweep. The workers start when the pool is made, so they load their modules while the
 * main thread is still checking the grid, and they stay up across `run` calls (the SLO search runs
 * one batch after another). Each worker receives the shared context once; a point is then only
 * its index and values. A worker pulls the next point when it finishes one (points can differ in
 * cost by orders of magnitude, so static chunks would idle cores); it holds `IN_FLIGHT` points so
 * it never waits for the main thread between two small ones. Results are stored by the task's
 * position, never in completion order, so the output does not depend on `jobs`. On an input error
 * no new point is started; the diagnostics of every failed point are thrown together.
 */
import { Worker } from 'node:worker_threads';
import { InputError, type Diagnostic } from '../schema/diagnostics.js';
import type { SweepPoint } from '../schema/sweep-doc.js';
import type { PointContext, PointTask } from './run-point.js';

/** PERF (bench/sweep-scaling.ts): 2 queued points per worker hide the reply→next-task round trip. */
const IN_FLIGHT = 2;

/** A worker's answer to one task: its value, its input error, or an internal error. */
export type WorkerReply<V = SweepPoint> =
  | { index: number; value: V }
  | { index: number; input: { diagnostics: Diagnostic[]; exitCode: number } }
  | { index: number; internal: string };

/** One `run` in progress. */
interface Job<T, V> {
  tasks: readonly T[];
  out: V[];
  position: Map<number, number>;
  next: number;
  running: number;
  diags: Diagnostic[];
  exitCode: number;
  onPoint?: (value: V) => void;
  resolve: (values: V[]) => void;
  reject: (e: Error) => void;
}

/** Worker threads running `workerUrl` with `workerData`; tasks carry their `index`. */
export class WorkPool<T extends { index: number }, V> {
  private readonly workers: Worker[] = [];
  private readonly ready = new Set<Worker>();
  private job: Job<T, V> | undefined;
  /** A worker crashed or answered with an internal error: the pool is unusable. */
  private broken: Error | undefined;
  private closing = false;

  /** Starts `jobs` worker threads (at least one) running `workerUrl`, each given `workerData`. */
  constructor(jobs: number, workerUrl: URL, workerData: unknown) {
    for (let k = 0; k < Math.max(1, jobs); k++) {
      const w = new Worker(workerUrl, { workerData });
      this.workers.push(w);
      w.on('message', (m: WorkerReply<V> | { ready: true }) => this.onMessage(w, m));
      w.on('error', (e) => this.fail(e));
      w.on('exit', (code) => {
        if (!this.closing) this.fail(new Error(`internal: a worker thread exited (code ${code}) before the pool was closed`));
      });
    }
  }

  /** Runs `tasks`; resolves with their values in task order. One run at a time. */
  run(tasks: readonly T[], onPoint?: (value: V) => void): Promise<V[]> {
    if (this.job) return Promise.reject(new Error('internal: PointPool.run while a run is in progress'));
    if (this.broken) return Promise.reject(this.broken);
    if (tasks.length === 0) return Promise.resolve([]);
    return new Promise((resolve, reject) => {
      const position = new Map(tasks.map((t, i) => [t.index, i]));
      this.job = {
        tasks,
        out: new Array(tasks.length),
        position,
        next: 0,
        running: 0,
        diags: [],
        exitCode: 0,
        onPoint,
        resolve,
        reject,
      };
      for (const w of this.ready) for (let k = 0; k < IN_FLIGHT; k++) this.feed(w);
    });
  }

  /** Stops the workers. */
  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(this.workers.map((w) => w.terminate()));
  }

  private onMessage(w: Worker, m: WorkerReply<V> | { ready: true }): void {
    if ('ready' in m) {
      this.ready.add(w);
      for (let k = 0; k < IN_FLIGHT; k++) this.feed(w);
      return;
    }
    const job = this.job;
    if (!job) return;
    job.running--;
    if ('value' in m) {
      job.out[job.position.get(m.index)!] = m.value;
      job.onPoint?.(m.value);
    } else if ('input' in m) {
      job.diags.push(...m.input.diagnostics);
      job.exitCode = Math.max(job.exitCode, m.input.exitCode);
    } else this.broken ??= new Error(`internal error in a worker thread (task ${m.index}):\n${m.internal}`);
    this.feed(w);
  }

  /** Sends `w` the next task, or settles the run when nothing is left in flight. */
  private feed(w: Worker): void {
    const job = this.job;
    if (!job) return;
    if (!this.broken && job.diags.length === 0 && job.next < job.tasks.length) {
      job.running++;
      w.postMessage(job.tasks[job.next++]);
      return;
    }
    if (job.running > 0) return;
    this.job = undefined;
    if (this.broken) job.reject(this.broken);
    else if (job.diags.length) job.reject(new InputError(dedupe(job.diags), job.exitCode));
    else job.resolve(job.out);
  }

  private fail(e: Error): void {
    this.broken ??= e;
    const job = this.job;
    this.job = undefined;
    job?.reject(this.broken);
  }
}

/** The sweep's pool: each worker runs `worker.ts` on the shared point context. */
export class PointPool extends WorkPool<PointTask, SweepPoint> {
  constructor(jobs: number, ctx: PointContext) {
    super(jobs, new URL('./worker.js', import.meta.url), ctx);
  }
}

export interface PoolOptions {
  jobs: number;
  ctx: PointContext;
  /** Called as each point finishes (in completion order), e.g. for progress and checkpoints. */
  onPoint?: (point: SweepPoint) => void;
}

/** Runs `tasks` on a pool of its own (no more workers than tasks), then stops it. */
export async function runPoints(tasks: readonly PointTask[], opts: PoolOptions): Promise<SweepPoint[]> {
  if (tasks.length === 0) return [];
  const pool = new PointPool(Math.min(opts.jobs, tasks.length), opts.ctx);
  try {
    return await pool.run(tasks, opts.onPoint);
  } finally {
    await pool.close();
  }
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
