/**
 * dispatchsim as a library: `import { loadScenario, simulate } from 'dispatchsim'`.
 *
 *   loadScenario(file) ─► { scenario, plan, model } ─┬─ simulate(plan, model) ─► Result
 *                                                     ├─ analyze(plan, model)  ─► Result (closed form)
 *   validateScenario(doc) ─► Diagnostic[]             └─ advise({ scenario, model, result }) ─► Finding[]
 *   comparePrediction(predicted, measured) ─► rows (validate)   compareResults(a, b) ─► rows (compare)
 *
 * The CLI calls these same functions; docs/api.md describes each. Errors in input are thrown as
 * InputError with located diagnostics (`error.diagnostics`), never printed.
 */
import { loadScenario as loadFromFile, loadModel as loadModelFile, type Loaded } from './cli/load.js';
import { normalizeScenario } from './plan/normalize.js';
import { simulate as simulatePlan, type SimOptions } from './runtime/simulate.js';
import { analyze as analyzePlan } from './analytic/analyze.js';
import { validateDocument } from './schema/validate.js';
import { compareFigures, figuresOf, type Tolerance } from './validate/compare.js';
import { compareSides, sideOfResult, type MetricComparison } from './sweep/compare-answers.js';
import type { Scenario } from './schema/scenario.js';
import type { CostModel } from './schema/model.js';
import type { Result } from './schema/result.js';
import type { Plan } from './plan/types.js';
import type { Diagnostic } from './schema/diagnostics.js';
import type { ValidationRow } from './schema/validation-doc.js';

export type { Scenario, CostModel, Result, Plan, Diagnostic, SimOptions, Loaded, MetricComparison, ValidationRow, Tolerance };
export { InputError, EXIT } from './schema/diagnostics.js';
export { advise, type Finding, type AdviseInput } from './plan/advise.js';
export { scaffoldPipeline, scaffoldSequential, type PipelineOptions, type ScaffoldOptions } from './plan/scaffold.js';
export { coresBusyOf, formatCoresBusy } from './plan/result-parts.js';
export { DEFAULT_MODEL } from './cli/load.js';

/**
 * Reads and checks a scenario file and its cost model (the scenario's `model`, `options.model`,
 * else the bundled release model) and compiles the Plan. Throws InputError (located diagnostics).
 */
export function loadScenario(file: string, options: { model?: string; seed?: number } = {}): Loaded {
  return loadFromFile(file, options.model, options.seed);
}

/** Reads and checks a cost-model file. Throws InputError (located diagnostics). */
export function loadModel(file: string): CostModel {
  return loadModelFile(file).model;
}

/** Compiles an in-memory scenario against a model (no files read: trace arrivals need loadScenario). */
export function planScenario(scenario: Scenario, model: CostModel, options: { seed?: number } = {}): Plan {
  return normalizeScenario(scenario, { model, ...(options.seed !== undefined ? { seed: options.seed } : {}) });
}

/** Runs the discrete-event simulator; deterministic for a given plan, model and seed. */
export function simulate(plan: Plan, model: CostModel, options: SimOptions = {}): Result {
  return simulatePlan(plan, model, options);
}

/** The analytical model (closed form). Throws InputError with a DS40xx code when it cannot answer honestly. */
export function analyze(plan: Plan, model: CostModel): Result {
  return analyzePlan(plan, model);
}

/** Schema-checks a scenario document; [] when valid. Semantic checks run in planScenario/loadScenario. */
export function validateScenario(doc: unknown, file = '<scenario>'): Diagnostic[] {
  return validateDocument('scenario', doc, file);
}

/**
 * Predicted vs measured, per metric, as `dispatchsim validate` compares them: signed % error and
 * whether it is within `tolerancePct` (default 10).
 */
export function comparePrediction(predicted: Result, measured: Result, tolerancePct = 10): ValidationRow[] {
  const tolerance: Tolerance = { defaultPct: tolerancePct, byMetric: {} };
  return compareFigures(figuresOf(predicted), figuresOf(measured), {
    scenario: predicted.scenario.name,
    flavor: predicted.runtime.flavor,
    model: predicted.model.name,
    tolerance,
  }).rows;
}

/** Two answers metric by metric, as `dispatchsim compare` prints them. */
export function compareResults(a: Result, b: Result): MetricComparison[] {
  return compareSides(sideOfResult(a, 'A'), sideOfResult(b, 'B'));
}
