/**
 * Cost models built in code for the self-test: the ideal model (every runtime overhead zero, so
 * the scheduler adds nothing and a single consumer is a textbook server) and small hand-picked
 * variants whose constants make a timeline computable by hand.
 *
 * Phase: selftest. The parameter list comes from `model/parameters.ts`, so a parameter added
 * to the runtime is zero here automatically; the result goes through the same schema and
 * semantic checks as a model file (see `in-memory.ts`).
 */
import type { CostModel, Parameter } from '../schema/model.js';
import { RUNTIME_PARAMETERS } from '../model/parameters.js';

export const IDEAL_SOURCE = 'ideal: for queueing self-tests';

/** Every runtime parameter of the model set to `overridesNs[name] ?? 0` (constant, no distribution). */
export function idealModel(name = 'ideal', overridesNs: Record<string, number> = {}): CostModel {
  const parameters: Record<string, Parameter> = {};
  for (const p of RUNTIME_PARAMETERS) {
    parameters[p.name] = { value: overridesNs[p.name] ?? 0, unit: p.unit, provenance: 'assumed', source: IDEAL_SOURCE };
  }
  for (const k of Object.keys(overridesNs)) {
    if (!parameters[k]) throw new Error(`internal: '${k}' is not a runtime parameter`);
  }
  return {
    name,
    description: 'Zero scheduler, channel, timer and wake costs: the simulator should behave as the textbook queue.',
    profile: 'release',
    tokio: '1.24.2',
    provenance: { kind: 'assumed', source: IDEAL_SOURCE },
    parameters,
  };
}
