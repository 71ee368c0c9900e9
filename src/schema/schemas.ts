/**
 * The four document schemas as ajv sees them (the TypeBox sources with the discriminator rewrite
 * of `toAjvSchema`).
 *
 * Phase: validate. A module of its own so that loading TypeBox (about a third of a small
 * `simulate`'s start-up) is paid only by what needs the schema objects: `dispatchsim schema`,
 * and validate.ts when the precompiled validators cannot be vouched for by their sources' hash
 * (validate.ts, `schemaSourcesHash`).
 */
import { CostModelSchema } from './model.js';
import { ResultSchema } from './result.js';
import { PlanSchema } from './plan.js';
import { ScenarioSchema, toAjvSchema } from './scenario.js';
import type { DocumentKind } from './validate.js';

export function schemaFor(kind: DocumentKind): Record<string, unknown> {
  switch (kind) {
    case 'scenario':
      return toAjvSchema(ScenarioSchema);
    case 'model':
      return toAjvSchema(CostModelSchema);
    case 'result':
      return toAjvSchema(ResultSchema);
    case 'plan':
      return toAjvSchema(PlanSchema);
  }
}
