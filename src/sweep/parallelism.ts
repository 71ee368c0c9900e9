/**
 * Whether worker threads would make a run set quicker on this machine, now (simulate-runs.ts).
 *
 * A count of cores is not an answer: on this project's 2-vCPU VM two busy threads get through
 * the same arithmetic *slower* than one (bench/run-sets.ts, session 7: 0.77× for plain threads
 * running the simulator, 0.29× for the pool), because the hypervisor does not run the two vCPUs
 * side by side. So the machine is asked: `measureParallelism(k)` times a fixed piece of integer
 * and typed-array arithmetic (the kind of work the simulator's hot loop does) on one plain
 * worker thread alone, then on k at once, and returns k × alone ÷ together — the speed-up k
 * threads give CPU-bound work here (2.0 on two free cores; below 1 where they get in each other's
 * way). It costs 0.1–0.2 s, once per process (a sweep or validate asks it once), and only when
 * a run set is big enough for threads to be considered at all. `threadsHelp` then compares the
 * run set's estimated time in one thread with the pool's (its start-up plus the work divided by
 * that speed-up). The decision changes only how long the set takes: the Result is byte-identical
 * either way (run-set.ts folds in run order).
 *
 * Phase: sweep.
 */
import { Worker } from 'node:worker_threads';

/** Iterations of the probe's loop per timing: about 10–20 ms on the 2-vCPU VM. */
const PROBE_ITERATIONS = 1_500_000;

/**
 * What a pool of run-set worker threads costs before it runs as fast as this thread: starting the
 * threads and loading the simulator's modules in each (~150–250 ms on the 2-vCPU VM, quiet), and
 * the JIT warm-up of a fresh thread, which this thread did in run 0 (session 7, quiet: the 8 runs
 * of bench/run-sets.ts took 592 ms on one plain worker thread with its modules loaded, 285 ms in
 * the main thread). bench/run-sets.ts prints both.
 */
export const POOL_START_MS = 500;

/** Threads only when the pool is expected to take at most this share of one thread's time. */
const WORTH = 0.8;

/**
 * The probe, as the source of an `eval` worker (no module of ours to load): on each message,
 * `iterations` steps of a xorshift walk over a 64 KiB typed array; answers with a checksum (so
 * the loop cannot be dropped).
 */
const PROBE_SOURCE = `
const { parentPort } = require('node:worker_threads');
const a = new Int32Array(16384);
parentPort.on('message', (n) => {
  let x = 0x9e3779b9 | 0;
  let s = 0;
  for (let i = 0; i < n; i++) {
    x ^= x << 13; x ^= x >>> 17; x ^= x << 5;
    const k = x & 16383;
    a[k] = (a[k] + i) | 0;
    s = (s + a[(k * 7) & 16383]) | 0;
  }
  parentPort.postMessage(s);
});
parentPort.postMessage('ready');
`;

/** What `measureParallelism` found. */
export interface Parallelism {
  threads: number;
  /** k × (one thread alone) ÷ (k threads at once): the speed-up k threads give CPU-bound work here. */
  speedup: number;
  /** The probe's own wall time (ms). */
  costMs: number;
}

const measured = new Map<number, Promise<Parallelism>>();

/** `measureParallelism(threads)`, measured once per process for each thread count. */
export function parallelismOnce(threads: number): Promise<Parallelism> {
  let p = measured.get(threads);
  if (!p) {
    p = measureParallelism(threads);
    measured.set(threads, p);
  }
  return p;
}

/** Times the probe on one thread alone, then on `threads` at once (the better of two each): 0.1–0.2 s. */
export async function measureParallelism(threads: number): Promise<Parallelism> {
  const t0 = performance.now();
  const workers = Array.from({ length: Math.max(1, threads) }, () => new Worker(PROBE_SOURCE, { eval: true }));
  const next = (w: Worker) =>
    new Promise<unknown>((resolve, reject) => {
      w.once('message', resolve);
      w.once('error', reject);
    });
  try {
    await Promise.all(workers.map(next));
    const timed = async (ws: Worker[]) => {
      const done = ws.map(next);
      const s = performance.now();
      for (const w of ws) w.postMessage(PROBE_ITERATIONS);
      await Promise.all(done);
      return performance.now() - s;
    };
    // The better of two each (the first of each also warms the loop up in its threads).
    const alone = Math.min(await timed([workers[0]]), await timed([workers[0]]));
    const together = Math.min(await timed(workers), await timed(workers));
    return { threads: workers.length, speedup: (workers.length * alone) / together, costMs: performance.now() - t0 };
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

/**
 * Whether a pool of `threads` worker threads would finish work of `oneThreadMs` (its time in this
 * thread) sooner: its start-up (`startMs`) plus the work divided by the speed-up the threads get
 * here (at most `threads`), against `WORTH` × the one-thread time (the margin covers what the
 * estimate leaves out: the messages, each thread's JIT warm-up). Pure: the test of the rule.
 */
export function threadsHelp(o: { oneThreadMs: number; threads: number; speedup: number; startMs?: number }): boolean {
  if (o.threads < 2 || !(o.speedup > 1)) return false;
  const pool = (o.startMs ?? POOL_START_MS) + o.oneThreadMs / Math.min(o.speedup, o.threads);
  return pool <= WORTH * o.oneThreadMs;
}
