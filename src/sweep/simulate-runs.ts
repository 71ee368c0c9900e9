/**
 * simulateRuns(plan, model) → one Result over N runs (run-set.ts says what varies and how the
 * runs fold), the runs spread over worker threads.
 *
 *   1. variants of runs 0..N−1 (seed, timer phase)
 *   2. run 0 in this thread (`runs: 'auto'`: its event count decides N, see autoRuns); the
 *      others on a WorkPool of `runs-worker.ts` when that is expected to be quicker on this
 *      machine (threadDecision, parallelism.ts), else in this thread too
 *   3. fold in run order (foldRuns): the bytes do not depend on `jobs`
 *
 * Phase: sweep. The only clock read is the wall time of the set, reported in `engine`.
 */
import type { Plan } from '../plan/types.js';
import { runLevelFactors, runtimeCosts } from '../plan/runtime-costs.js';
import type { CostModel } from '../schema/model.js';
import type { Result } from '../schema/result.js';
import { simulate, type SimOptions } from '../runtime/simulate.js';
import { episodesBefore } from '../runtime/costs.js';
import { WorkPool } from './pool.js';
import { foldRuns, MAX_RUNS, planOfRun, runVariants, type RunVariant } from '../plan/run-set.js';
import { evaluateOutputs } from '../plan/result-parts.js';
import { parallelismOnce, threadsHelp, type Parallelism } from './parallelism.js';

/** What every run of a set shares; sent to each worker thread once. */
export interface RunContext {
  /** The Plan without its `outputs` (see withOutputs): a worker thread never loads mathjs. */
  plan: Plan;
  model: CostModel;
  sim: Omit<SimOptions, 'seed' | 'traceSpans'>;
}

/**
 * A run is taken as warm (its CPU time a fair estimate of the runs after it) when it took at least
 * this share of the run before it (simulateRuns' thread decision; run 0 is never taken as warm).
 */
export const WARM = 0.9;

/** `--runs auto` (the default): between AUTO_MIN_RUNS and AUTO_MAX_RUNS runs, as AUTO_EVENT_BUDGET allows. */
export const AUTO_MAX_RUNS = 8;
export const AUTO_MIN_RUNS = 1;
/**
 * Simulated events one default `simulate` spends over all its runs (docs/semantics.md, "How many
 * runs"): the engine steps a multi_thread yield-spin at ~20 M events/s on the 2-vCPU VM (session 7,
 * quiet), so 25 M events are ~1.3 s, and with the CLI's ~0.5 s start-up a default `simulate`
 * stays under 2 s. Events skipped by the fast-forward count too: N must not depend on whether it
 * is on (`--no-fast-forward` gives the same Result), nor on how well it did.
 */
export const AUTO_EVENT_BUDGET = 25_000_000;

/**
 * N for `--runs auto` from run 0's event count: as many runs as the budget holds, 1 to 8
 * (deterministic: the same inputs give the same N on every machine and for any `jobs`).
 */
export function autoRuns(run0Events: number): number {
  const fit = Math.floor(AUTO_EVENT_BUDGET / Math.max(1, run0Events));
  return Math.max(AUTO_MIN_RUNS, Math.min(AUTO_MAX_RUNS, fit));
}

/** Why `--runs auto` chose `n` runs (the Result's `runs.why`, the summary's line). */
export function autoRunsWhy(run0Events: number, n: number): string {
  const m = (x: number) => `${Number((x / 1e6).toPrecision(3))} M`;
  const head = `--runs auto: run 0 took ${m(run0Events)} events, and a default simulate spends at most ${m(AUTO_EVENT_BUDGET)} over its runs`;
  if (n >= AUTO_MAX_RUNS) return `${head}: ${n} runs, the most auto gives`;
  if (run0Events > AUTO_EVENT_BUDGET / 2)
    return `${head}: 1 run only (no spread across runs: --runs N for it, at ${m(run0Events)} events a run)`;
  return `${head}: ${n} runs (--runs N for more)`;
}

/** The context of `plan`'s runs: its Plan without outputs (withOutputs adds them in the main thread). */
export function runContext(plan: Plan, model: CostModel, sim: RunContext['sim'] = {}): RunContext {
  return { plan: { ...plan, outputs: {} }, model, sim };
}

/** One run of a set (also what each worker thread does). */
export function simulateRun(ctx: RunContext, v: RunVariant): Result {
  return simulate(planOfRun(ctx.plan, v), ctx.model, { ...ctx.sim, seed: v.seed });
}

/**
 * Adds the scenario's derived outputs to one run's Result, in this (the main) thread: the runs are
 * simulated from a Plan without outputs, so that no worker thread loads mathjs (~1 s of CPU per
 * thread on the 2-vCPU VM; the main thread has it already, normalize checked the formulas). The
 * bytes are those of `simulate` with the outputs: evaluating them is its last step, over this same
 * Result (`outputs` keeps its place in the document).
 */
export function withOutputs(plan: Plan, r: Result): Result {
  if (Object.keys(plan.outputs).length) r.outputs = evaluateOutputs(plan.outputs, r);
  return r;
}

export interface RunSetOptions {
  /** How many runs, or 'auto' (autoRuns). */
  runs: number | 'auto';
  /** Worker threads at most (1: all runs in this thread). The Result is the same for any value. */
  jobs: number;
  /**
   * 'auto' (the default): the runs after run 0 go to `jobs` worker threads only when that is
   * expected to be quicker (`threadDecision`: their one-thread time estimated from run 0's CPU
   * time, the pool's start-up, and the speed-up threads measurably get on this machine);
   * 'always': to `jobs` worker threads whenever more than one run is left (`--jobs N` given).
   */
  threads?: 'auto' | 'always';
  sim?: RunContext['sim'];
  /** The machine's parallelism (parallelism.ts); tests give their own. */
  parallelism?: (threads: number) => Promise<Parallelism>;
  /** Told once how the runs after run 0 were run, and why. */
  onThreads?: (d: ThreadDecision) => void;
  /** Called as each run finishes (completion order). */
  onRun?: (done: number, total: number) => void;
  /** This process's CPU time so far (ms), read around the runs in this thread; tests give their own. */
  cpuMs?: () => number;
}

/** This process's CPU time so far (ms): user + system, every thread. */
function processCpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** How a run set's runs after run 0 are run: on `workers` worker threads (0: in this thread), and why. */
export interface ThreadDecision {
  workers: number;
  why: string;
  /** The measured speed-up of `jobs` threads on this machine, when it was asked. */
  speedup?: number;
}

/**
 * Where the runs after run 0 go (see RunSetOptions.threads). `restMs`: their estimated time in
 * this thread (run 0's CPU time × their number). The machine is measured only when a pool could
 * pay even with a perfect speed-up; the answer changes how long the set takes, never its bytes.
 */
export async function threadDecision(
  restMs: number,
  runsLeft: number,
  maxJobs: number,
  threads: 'auto' | 'always',
  parallelism: (threads: number) => Promise<Parallelism> = parallelismOnce,
  after = 0,
): Promise<ThreadDecision> {
  const jobs = Math.max(1, Math.min(maxJobs, runsLeft));
  if (runsLeft < 2) return { workers: 0, why: `one thread: ${runsLeft} run after run ${after}` };
  if (jobs < 2) return { workers: 0, why: threads === 'always' ? 'one thread, as asked (--jobs 1)' : 'one thread: one core' };
  if (threads === 'always') return { workers: jobs, why: `${jobs} worker threads, as asked (--jobs)` };
  const est = `the runs after run ${after} take about ${Math.round(restMs)} ms in one thread`;
  if (!threadsHelp({ oneThreadMs: restMs, threads: jobs, speedup: jobs }))
    return { workers: 0, why: `one thread: ${est}, too little for worker threads to pay for their start-up` };
  const p = await parallelism(jobs);
  const s = `${jobs} busy threads run ${p.speedup.toFixed(2)}× as fast as one here (measured)`;
  return threadsHelp({ oneThreadMs: restMs, threads: jobs, speedup: p.speedup })
    ? { workers: jobs, why: `${jobs} worker threads: ${est}, and ${s}`, speedup: p.speedup }
    : { workers: 0, why: `one thread: ${est}, but ${s}`, speedup: p.speedup };
}

/**
 * Runs the set; see the module comment. Run 0 runs in this thread (its event count decides
 * `auto`, its wall time whether threads pay); the others on up to `jobs` worker threads. Input
 * errors of any run are thrown together (InputError).
 */
export async function simulateRuns(plan: Plan, model: CostModel, o: RunSetOptions): Promise<Result> {
  const wall0 = performance.now();
  const cpuMs = o.cpuMs ?? processCpuMs;
  const cpu0 = cpuMs();
  const most = o.runs === 'auto' ? AUTO_MAX_RUNS : o.runs;
  if (!Number.isInteger(most) || most < 1 || most > MAX_RUNS)
    throw new Error(`internal: runs must be 1..${MAX_RUNS} (got ${most})`);
  const variants = runVariants(plan, most);
  const ctx = runContext(plan, model, o.sim);
  const first = withOutputs(plan, simulateRun(ctx, variants[0]));
  // Run 0's CPU time, not its wall time: on a busy machine the wall time is mostly waiting for a
  // core, and taking it for work started threads (each loads the simulator's modules) that cost
  // more than the runs they took (bench/scenario-times.ts).
  const firstMs = cpuMs() - cpu0;
  const n = o.runs === 'auto' ? Math.min(most, autoRuns(first.engine.events)) : most;
  o.onRun?.(1, n);
  const results = [first];
  let done = 1;
  // The runs left, estimated at the CPU time of the last run in this thread each. Run 0's time
  // also holds the JIT's warm-up (its hot loops start in the interpreter; a yield-spin scenario's
  // run 0 took 10× its warm runs on the 2-vCPU VM), which the runs after it do not pay again in
  // this thread but each fresh worker thread does. So a pool chosen on a run that was not shown
  // warm (run 0, or a run under WARM × the one before it) waits: the next run runs here, and the
  // decision is taken again on its time.
  const threads = o.threads ?? 'auto';
  let lastMs = firstMs;
  let prevMs = Infinity;
  let warmed = '';
  let decision: ThreadDecision;
  for (;;) {
    const left = n - done;
    decision = await threadDecision(lastMs * left, left, o.jobs, threads, o.parallelism, done - 1);
    if (decision.workers < 2 || threads === 'always' || left < 3 || lastMs >= WARM * prevMs) break;
    const c0 = cpuMs();
    results.push(withOutputs(plan, simulateRun(ctx, variants[done])));
    prevMs = lastMs;
    lastMs = cpuMs() - c0;
    warmed += `${warmed ? ', ' : ''}run ${done} ${Math.round(lastMs)} ms`;
    done++;
    o.onRun?.(done, n);
  }
  if (warmed) {
    // Said in engine.threads: which runs ran here before the decision, and their CPU times.
    const head = `runs in this thread while the JIT warmed up (run 0 ${Math.round(firstMs)} ms CPU, ${warmed}); then `;
    decision = { ...decision, why: head + decision.why };
  }
  o.onThreads?.(decision);
  const rest = variants.slice(done, n);
  if (decision.workers > 1) {
    const pool = new WorkPool<RunVariant, Result>(decision.workers, new URL('./runs-worker.js', import.meta.url), ctx);
    try {
      for (const r of await pool.run(rest, () => o.onRun?.(++done, n))) results.push(withOutputs(plan, r));
    } finally {
      await pool.close();
    }
  } else
    for (const v of rest) {
      results.push(withOutputs(plan, simulateRun(ctx, v)));
      o.onRun?.(++done, n);
    }
  const runLevelSd = {
    speed: model.parameters.run_speed_sd?.value,
    window: model.parameters.window_speed_sd?.value,
    wake: model.parameters.run_wake_sd?.value,
    noise: model.parameters.run_noise_sd?.value,
  };
  const hp = runtimeCosts(model, plan.runtime.driver);
  const haltPollRunShare = hp.haltPollMax > 0 && hp.haltPollRunShare < 1 ? hp.haltPollRunShare : undefined;
  // Each run's level factors as its simulator applied them (a function of its seed and the model).
  const factors = variants.slice(0, n).map((v) => runLevelFactors(planOfRun(plan, v), model));
  // Each run's host-contention episodes (a function of its seed and its own rate draw), counted over its simulated span.
  const ep = hp.episode;
  const episodes =
    ep !== null && plan.runtime.noise
      ? {
          rate: ep.rate,
          counts: results.map((r, i) =>
            episodesBefore({ ...ep, rate: ep.rate * factors[i].episode }, variants[i].seed, Math.round(r.simulatedUs * 1000)),
          ),
          rates: factors.map((f) => ep.rate * f.episode),
        }
      : undefined;
  return foldRuns(results, {
    episodes,
    plan,
    variants: variants.slice(0, n),
    wallMs: performance.now() - wall0,
    runLevelSd,
    factors,
    haltPollRunShare,
    ...(n > 1 ? { threads: decision } : {}),
    ...(o.runs === 'auto' ? { why: autoRunsWhy(first.engine.events, n) } : {}),
  });
}
