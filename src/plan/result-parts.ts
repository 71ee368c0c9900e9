/**
 * The parts of a Result every back-end fills the same way: the header that says where the figures
 * come from (scenario, model, runtime, seed, source), and the breakdown categories with the split
 * of CPU time into useful work, waiting (yield/spin) and scheduler overhead.
 *
 * Phase: simulate / analyze / measure (assembling the Result). Lives in plan/ because all three
 * back-ends read plan/ and the header is the Plan's.
 */
import type { Plan } from './types.js';
import type { Result } from '../schema/result.js';
import { mathjs } from '../engine/lazy-math.js';
import { evaluateSimple, formulaProblem, simpleFormula } from './formula.js';

/** Breakdown categories of CPU time, in the order of the simulator's C_* indices (runtime/state.ts). */
export const FIXED_CATEGORIES = [
  'poll',
  'yield',
  'driver',
  'send',
  'recv',
  'spawn',
  'join',
  'lock',
  'timer',
  'spin',
  'steal',
  'unpark',
  'remote',
];
/**
 * The breakdown category of per-record bookkeeping (the optional model parameters record_end and
 * record_start: a loop step, a clock read, a histogram insert; compute_op: the harness's own cost
 * of a compute instruction). Present only when the model has them; counted as useful CPU (it is
 * the per-record loop's own work, not the scheduler's).
 */
export const RECORD_CATEGORY = 'record_bookkeeping';
/** Categories that count as "waiting" CPU (burnt while no useful work is available). */
export const WAITING_CATEGORIES = new Set(['yield', 'spin']);
/** Categories that are the scheduler's own overhead. Everything else is useful work. */
export const SCHEDULER_CATEGORIES = new Set(['poll', 'driver', 'steal', 'unpark', 'remote']);

/** Splits per-category CPU time (any unit) into useful, waiting and scheduler totals. */
export function splitCpu(entries: Iterable<[string, number]>): { useful: number; waiting: number; scheduler: number } {
  let useful = 0;
  let waiting = 0;
  let scheduler = 0;
  for (const [name, v] of entries) {
    if (WAITING_CATEGORIES.has(name)) waiting += v;
    else if (SCHEDULER_CATEGORIES.has(name)) scheduler += v;
    else useful += v;
  }
  return { useful, waiting, scheduler };
}

/** How each back-end obtained the CPU time behind `coresBusy` (said wherever it is printed). */
export const CORES_BASIS = {
  simulated: 'simulated: every op and scheduler step the model charges',
  analytic: "approximate: the analytic model's per-record costs, not a schedule (compare with simulate)",
  measured: 'approximate: compute/spin instructions only, a real run does not time the scheduler (DS1812)',
} as const;

/**
 * CPU in use on average, in cores: each part of `cpuUs` over the run's length (`simulatedUs`),
 * rounded to 0.001 core; `of` is the machine's cores. Zero-length runs give zeros.
 */
export function coresBusyOf(r: Pick<Result, 'cpuUs' | 'simulatedUs' | 'runtime' | 'source'>): NonNullable<Result['coresBusy']> {
  const per = (us: number) => (r.simulatedUs > 0 ? Math.round((us / r.simulatedUs) * 1000) / 1000 : 0);
  return {
    busy: per(r.cpuUs.total),
    useful: per(r.cpuUs.useful),
    waiting: per(r.cpuUs.waiting),
    scheduler: per(r.cpuUs.scheduler),
    of: r.runtime.cores,
    basis: CORES_BASIS[r.source],
  };
}

/** "cores busy 1.62 of 4 (useful 0.41 · waiting 1.10 · scheduler 0.11)" */
export function formatCoresBusy(c: NonNullable<Result['coresBusy']>): string {
  return `cores busy ${c.busy.toFixed(2)} of ${c.of} (useful ${c.useful.toFixed(2)} · waiting ${c.waiting.toFixed(2)} · scheduler ${c.scheduler.toFixed(2)})`;
}

/** Where a Result's figures come from: its source, and the Plan's scenario, model and runtime. */
export function resultHeader(plan: Plan, source: Result['source']): Pick<Result, 'source' | 'scenario' | 'model' | 'runtime'> {
  return {
    source,
    scenario: { ...plan.scenario },
    model: { ...plan.model },
    runtime: {
      flavor: plan.runtime.flavor,
      workers: plan.runtime.workers,
      cores: plan.runtime.cores,
      driver: plan.runtime.driver,
      tokio: plan.runtime.tokio,
    },
  };
}

/**
 * Sets `obj[key]` as an own, enumerable property even when `key` is `__proto__` (a legal task or
 * output name), which plain assignment turns into a prototype change: the entry vanished from the
 * Result.
 */
export function setOwn<T>(obj: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

/**
 * Evaluates the scenario's derived outputs (mathjs) with the Result as scope; a formula outside
 * the allowed scalar subset (plan/formula.ts) or a failing expression becomes a DS3003 warning in
 * the Result. The last step of every back-end's Result (simulated, analytic, measured), so all
 * three carry the same `outputs` keys.
 */
export function evaluateOutputs(outputs: Record<string, string>, result: Result): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [name, expr] of Object.entries(outputs)) {
    // A simple formula (formula.ts) is in the allowed subset by construction, and is evaluated
    // without mathjs unless only mathjs can give its value or its error.
    const simple = simpleFormula(expr);
    const problem = simple ? undefined : formulaProblem(expr);
    if (problem) {
      result.warnings.push({ code: 'DS3003', message: `output '${name}' is not evaluated: ${problem}` });
      continue;
    }
    try {
      const scope = { ...result, outputs: out };
      const v: unknown = (simple && evaluateSimple(simple, scope)) ?? mathjs().evaluate(expr, scope);
      if (typeof v === 'number' && Number.isFinite(v)) setOwn(out, name, Math.round(v * 1e6) / 1e6);
      else result.warnings.push({ code: 'DS3003', message: `output '${name}' is not a finite number` });
    } catch (e) {
      result.warnings.push({ code: 'DS3003', message: `output '${name}': ${(e as Error).message}` });
    }
  }
  return out;
}
