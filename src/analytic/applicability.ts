/**
 * What the analytic model refuses because it does not model it (DS4005): a scenario field whose
 * value would change the simulator's figures but not the closed form's. Answering anyway would
 * print the same numbers for `lifoSlot: true` and `false`; refusing says so. The fields and the
 * rules are the `refused` entries of the field table (plan/field-support.ts, docs/semantics.md).
 *
 * Platform noise is not refused: it is on by default whenever the model has a noise process, and
 * refusing it would refuse nearly every scenario (and the plan search's analytic pruning). The
 * closed form answers for the idealised machine and its Result says so (`NOISE_NOTE`).
 *
 * Phase: analyze (step 0, before the shape is recognised). Pure.
 */
import type { Plan } from '../plan/types.js';
import { defaultGlobalQueueInterval } from '../plan/normalize.js';

export interface IgnoredField {
  field: string;
  /** JSON pointer of the field in the scenario. */
  pointer: string;
  value: string;
  detail: string;
}

/** The first field of the plan the analytic model does not model, or undefined. */
export function ignoredField(plan: Plan): IgnoredField | undefined {
  const rt = plan.runtime;
  const mt = rt.flavor === 'multi_thread';
  if (mt && !rt.lifoSlot)
    return {
      field: 'runtime.lifoSlot',
      pointer: '/runtime/lifoSlot',
      value: 'false',
      detail: 'its wake costs assume a woken task runs from the LIFO slot',
    };
  if (rt.globalQueueInterval !== defaultGlobalQueueInterval(rt.flavor))
    return {
      field: 'runtime.globalQueueInterval',
      pointer: '/runtime/globalQueueInterval',
      value: String(rt.globalQueueInterval),
      detail: `it does not model when the scheduler checks the injection queue; the default is ${defaultGlobalQueueInterval(rt.flavor)}`,
    };
  if (rt.timerPhaseNs)
    return {
      field: 'runtime.timerPhaseUs',
      pointer: '/runtime/timerPhaseUs',
      value: `${(1_000_000 - rt.timerPhaseNs) / 1000} µs`,
      detail: 'sleeps enter as whole timer ticks from phase 0',
    };
  if (mt && rt.workers > rt.cores)
    return {
      field: 'machine.cores',
      pointer: '/machine/cores',
      value: String(rt.cores),
      detail: `${rt.workers} workers would share ${rt.cores} core(s) through OS time slices, and every worker is assumed to have a core`,
    };
  return undefined;
}

/** The note an analytic Result carries when the plan has platform noise on (DS4090). */
export const NOISE_NOTE =
  "platform noise is not in the closed form: these figures are for the idealised machine (the simulator adds the model's noise_rate × noise_pause pauses; compare with simulate, or --no-noise there)";
