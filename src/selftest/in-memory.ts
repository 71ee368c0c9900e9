/**
 * Running a scenario built in code through the normal path: schema validation (the same ajv
 * validators as files), the model's semantic checks, normalization, simulation.
 *
 * Phase: selftest. A self-test scenario that does not validate is a bug in the self-test, not a
 * user error, so it is raised as an internal error with every diagnostic in the message.
 */
import type { CostModel } from '../schema/model.js';
import type { Scenario } from '../schema/scenario.js';
import type { Result } from '../schema/result.js';
import { formatDiagnostic, type Diagnostic } from '../schema/diagnostics.js';
import { validateDocument } from '../schema/validate.js';
import { checkModel } from '../model/load.js';
import { normalizeScenario } from '../plan/normalize.js';
import type { Plan } from '../plan/types.js';
import { simulate } from '../runtime/simulate.js';

function failOn(diags: Diagnostic[], what: string): void {
  const errors = diags.filter((d) => d.severity === 'error');
  if (errors.length) throw new Error(`internal: self-test ${what} is invalid:\n${errors.map(formatDiagnostic).join('\n')}`);
}

/** Validates scenario and model as documents and compiles the Plan. */
export function planChecked(scenario: Scenario, model: CostModel): Plan {
  const file = `<selftest:${scenario.name}>`;
  failOn(validateDocument('model', model, `<selftest:model ${model.name}>`), `model ${model.name}`);
  failOn(checkModel(model, `<selftest:model ${model.name}>`), `model ${model.name}`);
  failOn(validateDocument('scenario', scenario, file), `scenario ${scenario.name}`);
  return normalizeScenario(scenario, { file, model });
}

/** One replication: the plan simulated with `seed`. The Result is also schema-checked. */
export function simulateChecked(plan: Plan, model: CostModel, seed: number): Result {
  const result = simulate(plan, model, { seed });
  failOn(validateDocument('result', result, `<selftest:result ${plan.scenario.name}>`), `result of ${plan.scenario.name}`);
  return result;
}
