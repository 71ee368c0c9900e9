/**
 * simulateRuns(plan, model) → one Result over N runs (run-set.ts says what varies and how the
 * runs fold), the runs spread over worker threads.
 *
 *   1. variants of runs 0..N−1 (seed, timer phase)
 *   2. run 0 in this thread (`runs: 'auto'`: its event count decides N, see autoRuns); the
 *      others in this thread too when that is quicker, else on a WorkPool of `runs-worker.ts`
 *   3. fold in run order (foldRuns): the bytes do not depend on `jobs`
 *
 * Phase: sweep. The only clock read is the wall time of the set, reported in `engine`.
 */
import type { Plan } from '../plan/types.js';
import { runtimeCosts } from '../plan/runtime-costs.js';
import type { CostModel } from '../schema/model.js';
import type { Result } from '../schema/result.js';
import { simulate, type SimOptions } from '../runtime/simulate.js';
import { WorkPool } from './pool.js';
import { foldRuns, MAX_RUNS, planOfRun, runVariants, type RunVariant } from '../plan/run-set.js';
import { evaluateOutputs } from '../plan/result-parts.js';

/** What every run of a set shares; sent to each worker thread once. */
export interface RunContext {
  /** The Plan without its `outputs` (see withOutputs): a worker thread never loads mathjs. */
  plan: Plan;
  model: CostModel;
  sim: Omit<SimOptions, 'seed' | 'traceSpans'>;
}

/** `--runs auto` (the default): between AUTO_MIN_RUNS and AUTO_MAX_RUNS runs, as AUTO_EVENT_BUDGET allows. */
export const AUTO_MAX_RUNS = 8;
export const AUTO_MIN_RUNS = 2;
/**
 * Simulated events one default `simulate` spends over all its runs (docs/semantics.md, "Run
 * sets"): about a second of simulation per core on two cores at this project's ~20–35 M
 * events/s, so a default run set stays near a single run's wait on a 2-vCPU machine.
 */
export const AUTO_EVENT_BUDGET = 40_000_000;

/**
 * N for `--runs auto` from run 0's event count (deterministic: the same inputs give the same N
 * on every machine and for any `jobs`).
 */
export function autoRuns(run0Events: number): number {
  const fit = Math.floor(AUTO_EVENT_BUDGET / Math.max(1, run0Events));
  return Math.max(AUTO_MIN_RUNS, Math.min(AUTO_MAX_RUNS, fit));
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
  sim?: RunContext['sim'];
  /**
   * Threads start only when the runs after run 0 would take longer than this in one thread
   * (estimated from run 0's CPU time; default THREADS_MIN_MS): a worker thread costs a few
   * hundred ms to start and load its modules, more than a small scenario's runs.
   */
  threadsMinMs?: number;
  /** Called as each run finishes (completion order). */
  onRun?: (done: number, total: number) => void;
}

/** See RunSetOptions.threadsMinMs. PERF (bench/run.ts, "run sets"): below this one thread wins. */
export const THREADS_MIN_MS = 400;

/**
 * Runs the set; see the module comment. Run 0 runs in this thread (its event count decides
 * `auto`, its wall time whether threads pay); the others on up to `jobs` worker threads. Input
 * errors of any run are thrown together (InputError).
 */
export async function simulateRuns(plan: Plan, model: CostModel, o: RunSetOptions): Promise<Result> {
  const wall0 = performance.now();
  const cpu0 = process.cpuUsage();
  const most = o.runs === 'auto' ? AUTO_MAX_RUNS : o.runs;
  if (!Number.isInteger(most) || most < 1 || most > MAX_RUNS)
    throw new Error(`internal: runs must be 1..${MAX_RUNS} (got ${most})`);
  const variants = runVariants(plan, most);
  const ctx = runContext(plan, model, o.sim);
  const first = withOutputs(plan, simulateRun(ctx, variants[0]));
  // Run 0's CPU time, not its wall time: on a busy machine the wall time is mostly waiting for a
  // core, and taking it for work started threads (each loads the simulator's modules) that cost
  // more than the runs they took (bench/scenario-times.ts).
  const cpu = process.cpuUsage(cpu0);
  const firstMs = (cpu.user + cpu.system) / 1000;
  const n = o.runs === 'auto' ? Math.min(most, autoRuns(first.engine.events)) : most;
  o.onRun?.(1, n);
  const results = [first];
  const rest = variants.slice(1, n);
  const jobs = Math.max(1, Math.min(o.jobs, rest.length));
  let done = 1;
  if (jobs > 1 && firstMs * rest.length > (o.threadsMinMs ?? THREADS_MIN_MS)) {
    const pool = new WorkPool<RunVariant, Result>(jobs, new URL('./runs-worker.js', import.meta.url), ctx);
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
    wake: model.parameters.run_wake_sd?.value,
    noise: model.parameters.run_noise_sd?.value,
  };
  const hp = runtimeCosts(model, plan.runtime.driver);
  const haltPollRunShare = hp.haltPollMax > 0 && hp.haltPollRunShare < 1 ? hp.haltPollRunShare : undefined;
  return foldRuns(results, {
    plan,
    variants: variants.slice(0, n),
    wallMs: performance.now() - wall0,
    runLevelSd,
    haltPollRunShare,
  });
}
