/**
 * The back-ends a sweep point runs: the simulator and the analytic model (which may refuse a
 * point: sweeps read every DS40xx refusal as "not applicable").
 *
 * Phase: sweep. Both are imported statically, so the layer rule and the cycle check see them.
 */
import type { Plan } from '../plan/types.js';
import type { CostModel } from '../schema/model.js';
import type { Result } from '../schema/result.js';
import type { Span } from '../runtime/simulator.js';
import { simulate, simulateWithTrace } from '../runtime/simulate.js';
import { analyze } from '../analytic/analyze.js';

export type SimulateFn = (plan: Plan, model: CostModel, opts?: { seed?: number }) => Result;
export type SimulateTraceFn = (
  plan: Plan,
  model: CostModel,
  opts: { seed?: number; traceSpans: number; maxSimulatedNs?: number },
) => { result: Result; spans: Span[] };
export type AnalyzeFn = (plan: Plan, model: CostModel) => Result;

export interface Backends {
  simulate?: SimulateFn;
  /** The simulator with its bounded poll trace (for the sweep's traced point). */
  simulateTrace?: SimulateTraceFn;
  analyze?: AnalyzeFn;
}

const BACKENDS: Backends = {
  simulate: simulate as SimulateFn,
  simulateTrace: simulateWithTrace as SimulateTraceFn,
  analyze: analyze as AnalyzeFn,
};

/** The back-ends (a promise, as when the analytic model was loaded by name; callers await it). */
export function loadBackends(): Promise<Backends> {
  return Promise.resolve(BACKENDS);
}
