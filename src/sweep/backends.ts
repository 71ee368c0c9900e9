/**
 * The back-ends a sweep point runs: the simulator and, when it is present, the analytic model.
 *
 * Phase: sweep. The simulator is imported statically. The analytic model is optional (it is built separately and may refuse a
 * scenario), so it is imported by name at run time and its absence reads as "not applicable"
 * rather than a build error.
 */
import type { Plan } from '../plan/types.js';
import type { CostModel } from '../schema/model.js';
import type { Result } from '../schema/result.js';
import type { Span } from '../runtime/simulator.js';
import { simulate, simulateWithTrace } from '../runtime/simulate.js';

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

let loaded: Promise<Backends> | undefined;

async function tryImport<T>(specifier: string, name: string): Promise<T | undefined> {
  try {
    const mod = (await import(specifier)) as Record<string, unknown>;
    return typeof mod[name] === 'function' ? (mod[name] as T) : undefined;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND') return undefined;
    throw e;
  }
}

export function loadBackends(): Promise<Backends> {
  // A specifier in a variable: TypeScript then does not require the module at build time.
  const ana = '../analytic/analyze.js';
  loaded ??= tryImport<AnalyzeFn>(ana, 'analyze').then((analyze) => ({
    simulate: simulate as SimulateFn,
    simulateTrace: simulateWithTrace as SimulateTraceFn,
    analyze,
  }));
  return loaded;
}
