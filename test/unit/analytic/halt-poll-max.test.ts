/**
 * The analytic model under adaptive halt-polling (halt_poll_max): a periodic pipeline's outside
 * wake-up is warm when a park plus its cold wake-up stays under halt_poll_max (the window's
 * steady state from a cold start), as the simulator finds; other arrivals are refused (which
 * wake-ups are warm depends on the recent parks).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { loadScenario } from '../../../src/cli/load.js';
import { analyze } from '../../../src/analytic/analyze.js';
import { InputError } from '../../../src/schema/diagnostics.js';
import { normalizeScenario } from '../../../src/plan/normalize.js';
import type { CostModel, Parameter } from '../../../src/schema/model.js';
import { ROOT, model } from '../../helpers.js';
import { simulate } from '../../../src/runtime/simulate.js';
import { bandFor, LATENCY_FLOOR_NS } from '../../../src/analytic/bands.js';

const constNs = (ns: number): Parameter => ({ value: ns, unit: 'ns', provenance: 'assumed', source: 'test' });
const withParams = (m: CostModel, params: Record<string, Parameter>): CostModel => ({
  ...m,
  parameters: { ...m.parameters, ...params },
});
const COLD = withParams(model(), { wake_latency: constNs(40_000), worker_wake_latency: constNs(40_000) });
const ADAPTIVE = withParams(COLD, {
  wake_latency_warm: constNs(8_000),
  halt_poll_window: constNs(7_000),
  halt_poll_max: constNs(200_000),
});

const plan = (name: string, m: CostModel) => {
  const { scenario } = loadScenario(join(ROOT, `scenarios/validation/${name}.json`), undefined, undefined, false);
  return normalizeScenario(scenario, { model: m, noise: false });
};

for (const name of ['ct-await-1p', 'ct-await-2p-blockon', 'mt1-await-2p']) {
  test(`analytic vs simulated under halt_poll_max: ${name}`, () => {
    const pl = plan(name, ADAPTIVE);
    const a = analyze(pl, ADAPTIVE);
    const s = simulate(pl, ADAPTIVE);
    const band = bandFor(a.approximation ?? '');
    assert.ok(band, `${name}: ${a.approximation}`);
    const floor = LATENCY_FLOOR_NS / 1000;
    for (const k of ['mean', 'p50'] as const) {
      const tol = k === 'mean' ? band.mean : band.p50 + 0.01;
      const err = Math.abs(a.latencyUs[k] - s.latencyUs[k]);
      assert.ok(
        err <= Math.max(floor, tol * s.latencyUs[k]),
        `${name} ${k}: analytic ${a.latencyUs[k]} vs simulated ${s.latencyUs[k]} µs (band ${tol})`,
      );
    }
  });
}

test('periodic: warm when the park and a cold wake-up fit under the maximum; Poisson refused', () => {
  const p50 = (name: string, m: CostModel) => analyze(plan(name, m), m).latencyUs.p50;
  const d = p50('ct-await-1p', COLD) - p50('ct-await-1p', ADAPTIVE);
  assert.ok(d > 28 && d < 36, `ct-await-1p: ${d} µs`);
  assert.equal(p50('ct-await-2p-blockon', ADAPTIVE), p50('ct-await-2p-blockon', COLD));
  assert.throws(
    () => analyze(plan('ct-await-4p-poisson', ADAPTIVE), ADAPTIVE),
    (e: unknown) => e instanceof InputError && /halt_poll_max/.test(e.diagnostics[0].message),
  );
});
