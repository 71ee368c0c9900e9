/**
 * Shared by yield-run.test.ts (current_thread's tight yield loop) and yield-step.test.ts
 * (multi_thread's yield steps): a fast path must give the generic (traced) path's Result, byte
 * for byte but for the engine's wall-clock figures; and the yield-spinning pipeline both check.
 */
import assert from 'node:assert/strict';
import type { Scenario } from '../../../src/schema/scenario.js';
import type { Result } from '../../../src/schema/result.js';
import { normalizeScenario } from '../../../src/plan/normalize.js';
import { simulate, simulateWithTrace } from '../../../src/runtime/simulate.js';
import type { SimOptions } from '../../../src/runtime/simulator.js';
import { model } from '../../helpers.js';

const strip = (r: Result) => {
  const { wallMs: _w, eventsPerSec: _e, ...engine } = r.engine;
  return JSON.stringify({ ...r, engine });
};

/**
 * `s` simulated with `opts` and through the generic path (a trace turns every fast path off)
 * give the same Result, with the bundled mechanics model of `tokio`, `set` overriding parameters (ns).
 */
export function same(s: Scenario, noise: boolean, opts: SimOptions, tokio = '1.24', set: Record<string, number> = {}): void {
  const base = model(tokio === '1.53' ? 'tokio-1.53-2vcpu-release' : 'tokio-1.24-2vcpu-release');
  const m = { ...base, parameters: { ...base.parameters } };
  for (const [k, v] of Object.entries(set))
    (m.parameters as Record<string, unknown>)[k] = { value: v, unit: 'ns', provenance: 'assumed', source: 'test' };
  const plan = normalizeScenario(s, { model: m, noise });
  const fast = simulate(plan, m, opts);
  const generic = simulateWithTrace(plan, m, { ...opts, traceSpans: 1e7 });
  assert.equal(generic.truncated, false);
  assert.equal(strip(fast), strip(generic.result), `${s.name} (tokio ${tokio}, noise ${noise}, ${JSON.stringify(opts)})`);
}

/** Three yield-spinning partitions (try_recv, then yield) behind a round-robin coordinator, 6 ms of batches. */
export function spinPipeline(
  name: string,
  runtime: Scenario['runtime'],
  channel: { kind: 'lockfree' | 'unbounded' } | { kind: 'bounded'; capacity: number },
  cores?: number,
): Scenario {
  return {
    name,
    runtime,
    ...(cores !== undefined ? { machine: { cores } } : {}),
    template: {
      kind: 'pipeline',
      partitions: 3,
      source: { arrival: { kind: 'periodic', intervalUs: 250 }, batchRecords: 12, durationMs: 6 },
      coordinator: { routing: 'round_robin', routeCost: 0.05 },
      channel,
      partition: { wait: [{ kind: 'yield_spin' }], recordCost: 0.5 },
    },
  } as Scenario;
}
