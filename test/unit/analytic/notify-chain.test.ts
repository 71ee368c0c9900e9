/**
 * The analytic model's notify chain (docs/analytic.md, 3.3 "The notify chain"): on multi_thread
 * await pipelines the worker that picks a batch up notifies a parked worker before it polls the
 * coordinator, and again inside the coordinator's poll (the LIFO displacement) when the worker it
 * woke came back early and parked again; each notify is a draw of unpark_halted once the other
 * vCPU has halted. The simulator draws them per notify; the analytic model counts the second
 * notify's expected number, carries both draws' distributions into the percentiles, and charges
 * the second to the coordinator's poll, as the simulator does.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { loadScenario } from '../../../src/cli/load.js';
import { analyze } from '../../../src/analytic/analyze.js';
import { simulate } from '../../../src/runtime/simulate.js';
import { normalizeScenario } from '../../../src/plan/normalize.js';
import { cdfMeanBetween, cdfOf, convolveAt, IdleMixture, plF, plG } from '../../../src/analytic/percentiles.js';
import type { CostModel, Parameter } from '../../../src/schema/model.js';
import { ROOT } from '../../helpers.js';

// unpark_halted as session 12's quiet calibration measured it on tokio 1.24.2 (steal_wake, 900
// wake-ups: reports/accuracy/2026-12-07/s12/cal124-s12.json): median 7.1 µs, a ~20 µs mode.
const P = [0, 0.01, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.999, 1];
const NS = [1872, 2003, 2184, 2305, 2796.8, 7069.5, 23036.8, 31476.9, 42177.6, 73824.3, 155744.5, 170444];
const HALTED: Parameter = {
  value: 7069.5,
  unit: 'ns',
  provenance: 'assumed',
  source: 'test: session 12 steal_wake quantiles (1.24.2)',
  distribution: { p: P, ns: NS },
};
const meanOf = (): number => {
  const c = cdfOf({ dist: 'quantiles', p: P, ns: NS });
  return c.xs[c.xs.length - 1] - c.area[c.area.length - 1];
};

/** The scenario with the model's unpark_halted replaced (a constant without `distribution`), optionally more batches. */
function planWith(name: string, unparkHalted: Parameter, batches?: number) {
  const file = join(ROOT, `scenarios/validation/${name}.json`);
  const { scenario, model } = loadScenario(file, undefined, undefined, false);
  const u: Parameter = { ...unparkHalted };
  if (!u.distribution) delete (u as Partial<Parameter>).distribution;
  const m: CostModel = { ...model, parameters: { ...model.parameters, unpark_halted: u } };
  const sc = structuredClone(scenario) as unknown as { template: { source: { batches: number } } };
  if (batches !== undefined) sc.template.source.batches = batches;
  return { plan: normalizeScenario(sc as unknown as typeof scenario, { model: m, noise: false }), m };
}

const rel = (a: number, s: number) => Math.abs(a - s) / Math.abs(s);

test('the sum of two draws: convolveAt is exact on two uniforms (triangular), and clips the second to (from, ∞)', () => {
  const u = cdfOf({ dist: 'uniform', minNs: 0, maxNs: 1 });
  const F = (v: number) => plF(u, v);
  const G = (v: number) => plG(u, v);
  for (const [x, want] of [
    [0.5, 0.125],
    [1, 0.5],
    [1.5, 0.875],
    [2, 1],
  ])
    assert.ok(Math.abs(convolveAt(x, u, F, G) - want) < 1e-12, `F(${x}) = ${convolveAt(x, u, F, G)}`);
  // (U₁ | U₁ > ½) + U₂: mass ½ left, spread on (½, 2]; at 1.5 it is ∫_{½}^{1} F_U(1.5 − y) dy = 0.375.
  assert.ok(Math.abs(convolveAt(1.5, u, F, G, 0.5) - 0.375) < 1e-12);
  assert.ok(Math.abs(convolveAt(2, u, F, G, 0.5) - 0.5) < 1e-12);
  assert.equal(convolveAt(0.5, u, F, G, 0.5), 0);
  // A constant (an atom) shifts.
  const a = cdfOf({ dist: 'const', ns: 3 });
  assert.equal(convolveAt(3.25, a, F, G), 0.25);
  assert.ok(Math.abs(cdfMeanBetween(cdfOf({ dist: 'uniform', minNs: 0, maxNs: 10 }), 2, 6) - 4) < 1e-12);
});

test('IdleMixture: wake + Σ w_c (X_c + V_c) as a CDF, with its mean', () => {
  // Two equally likely components: X = 0 with records at 10, X = 5 with records at 20; wake U[0, 2].
  const mix = new IdleMixture(40, 400);
  mix.add(0.5, (v) => (v >= 0 ? 1 : 0), 0, [10, 20], [10, 20], [1, 0], 0, 1);
  mix.add(0.5, (v) => (v >= 5 ? 1 : 0), 5, [10, 20], [10, 20], [1, 1], 1, 2);
  const idle = mix.finish(cdfOf({ dist: 'uniform', minNs: 0, maxNs: 2 }));
  assert.ok(Math.abs(idle.mean - (1 + 0.5 * 10 + 0.5 * 25)) < 1e-9, `mean ${idle.mean}`);
  for (const [x, want] of [
    [9.9, 0],
    [11, 0.25],
    [12, 0.5],
    [24.9, 0.5],
    [26, 0.75],
    [27.1, 1],
  ])
    assert.ok(Math.abs(idle.cdf(x) - want) < 0.02, `F(${x}) = ${idle.cdf(x)}, want ${want}`);
});

// How many batches re-park their helper is a sample in one run (about 1 in 5), and the second
// draw is heavy-tailed: 1000 batches and three seeds make the simulated figures a few % sharp.
for (const [what, cost] of [
  ['drawn', HALTED],
  ['a constant', { ...HALTED, value: 13_000, distribution: undefined }],
] as const) {
  test(`mt-w0-await-2p: the displacement notify is counted (unpark_halted ${what}) — coordinator busy time and unparks agree with the simulator`, () => {
    const file = join(ROOT, 'scenarios/validation/mt-w0-await-2p.json');
    const { scenario, model } = loadScenario(file, undefined, undefined, false);
    const p: Record<string, Parameter> = { ...model.parameters, unpark_halted: { ...cost } };
    if (!p.unpark_halted.distribution) delete (p.unpark_halted as Partial<Parameter>).distribution;
    const m: CostModel = { ...model, parameters: p as CostModel['parameters'] };
    const sc = structuredClone(scenario) as unknown as { template: { source: { batches: number } } };
    sc.template.source.batches = 1000;
    let sBusy = 0;
    let sU = 0;
    let aBusy = 0;
    let aU = 0;
    for (const seed of [1, 2, 3]) {
      const plan = normalizeScenario(sc as unknown as typeof scenario, { model: m, noise: false, seed });
      const s = simulate(plan, m);
      sBusy += s.tasks.coordinator.busyUs / 3;
      sU += (s.breakdownUs.unpark ?? 0) / 3;
      const a = analyze(plan, m);
      aBusy = a.tasks.coordinator.busyUs;
      aU = a.breakdownUs.unpark ?? 0;
    }
    // The simulator draws the second notify inside the coordinator's poll (most of its busy time at W = 0).
    assert.ok(rel(aBusy, sBusy) < 0.1, `coordinator busy: analytic ${aBusy} µs, simulated ${sBusy} µs`);
    assert.ok(rel(aU, sU) < 0.05, `unpark: analytic ${aU} µs, simulated ${sU} µs`);
  });
}

test("mt-w0-await-2p: unpark_halted's spread, not only its mean, reaches the tail", () => {
  // 1000 batches: with 100, the first batch's cold start-up wake-up is 1 % of the records and puts
  // p99 on the edge of that point mass in both back-ends.
  const dist = planWith('mt-w0-await-2p', HALTED, 1000);
  const flat = planWith('mt-w0-await-2p', { ...HALTED, value: meanOf(), distribution: undefined }, 1000);
  const aD = analyze(dist.plan, dist.m);
  const aF = analyze(flat.plan, flat.m);
  const sD = simulate(dist.plan, dist.m);
  const sF = simulate(flat.plan, flat.m);
  // Same mean per notify; the drawn one has the slow mode (and a second draw when the first was long) in its tail.
  assert.ok(aD.latencyUs.p99 > aF.latencyUs.p99 + 30, `p99: drawn ${aD.latencyUs.p99} µs, constant ${aF.latencyUs.p99} µs`);
  assert.ok(
    rel(aD.latencyUs.p99, sD.latencyUs.p99) < 0.15,
    `p99 drawn: analytic ${aD.latencyUs.p99}, simulated ${sD.latencyUs.p99}`,
  );
  assert.ok(
    rel(aF.latencyUs.p99, sF.latencyUs.p99) < 0.15,
    `p99 constant: analytic ${aF.latencyUs.p99}, simulated ${sF.latencyUs.p99}`,
  );
});

test('mt1-await-2p: one worker has no one to notify — no notify on the records’ path', () => {
  const { plan, m } = planWith('mt1-await-2p', HALTED);
  const a = analyze(plan, m);
  const s = simulate(plan, m);
  assert.equal(s.breakdownUs.unpark ?? 0, 0);
  assert.equal(a.breakdownUs.unpark ?? 0, 0);
  assert.ok(rel(a.latencyUs.mean, s.latencyUs.mean) < 0.03, `mean: analytic ${a.latencyUs.mean}, simulated ${s.latencyUs.mean}`);
});
