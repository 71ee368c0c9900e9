/**
 * The analytic model honours warm wake-ups (halt_poll_window, wake_latency_warm) as the simulator
 * does: periodic pipelines whose runtime parks less than the window between batches take the warm
 * latency, Poisson ones a mix; both back-ends agree within the documented bands.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { loadScenario } from '../../../src/cli/load.js';
import { analyze } from '../../../src/analytic/analyze.js';
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
const WARM = withParams(COLD, { wake_latency_warm: constNs(8_000), halt_poll_window: constNs(150_000) });

const plan = (name: string, m: CostModel) => {
  const { scenario } = loadScenario(join(ROOT, `scenarios/validation/${name}.json`), undefined, undefined, false);
  return normalizeScenario(scenario, { model: m, noise: false });
};

// (Not ct-bounded-2p: its analytic p50 sits a constant ~1.05 µs above the simulator's whatever the
// wake-up — 57.5 vs 56.4 µs with a 40 µs wake_latency — which a short wake-up makes 4 % of p50.)
for (const name of ['ct-await-1p', 'ct-await-2p-blockon', 'ct-await-4p-poisson', 'mt1-await-2p']) {
  test(`analytic vs simulated with warm wake-ups: ${name}`, () => {
    const pl = plan(name, WARM);
    const a = analyze(pl, WARM);
    const s = simulate(pl, WARM);
    const band = bandFor(a.approximation ?? '');
    assert.ok(band, `${name}: ${a.approximation}`);
    const floor = LATENCY_FLOOR_NS / 1000;
    for (const k of ['mean', 'p50'] as const) {
      const tol = (k === 'mean' ? band.mean : band.p50 + 0.01) + (pl.sources[0].arrival.kind === 'periodic' ? 0 : 0.05);
      const err = Math.abs(a.latencyUs[k] - s.latencyUs[k]);
      assert.ok(
        err <= Math.max(floor, tol * s.latencyUs[k]),
        `${name} ${k}: analytic ${a.latencyUs[k]} vs simulated ${s.latencyUs[k]} µs (band ${tol})`,
      );
    }
  });
}

test('periodic: warm below the window, cold above; Poisson: in between', () => {
  const p50 = (name: string, m: CostModel) => analyze(plan(name, m), m).latencyUs.p50;
  // ct-await-1p parks ~70 µs between batches: 32 µs faster wake-ups.
  const d = p50('ct-await-1p', COLD) - p50('ct-await-1p', WARM);
  assert.ok(d > 28 && d < 36, `ct-await-1p: ${d} µs`);
  // ct-await-2p-blockon parks ~300 µs: cold.
  assert.equal(p50('ct-await-2p-blockon', WARM), p50('ct-await-2p-blockon', COLD));
  const dp = p50('ct-await-4p-poisson', COLD) - p50('ct-await-4p-poisson', WARM);
  assert.ok(dp > 0 && dp < 32, `ct-await-4p-poisson: ${dp} µs`);
});
