/** Fits across configurations: reciprocal fits and replicate-wise differences. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Fitter, combine } from '../../../src/calibrate/fit.js';
import { Deriver, isMissing } from '../../../src/calibrate/derive.js';
import { emptyProbeOutput, type ProbeOutput } from '../../../src/calibrate/probe-output.js';

/** Synthetic probe output: per-poll cost base + c/evi for driver_poll, exact lines. */
function synthetic(): ProbeOutput {
  const out = emptyProbeOutput();
  out.headers.push({ tokio: '1.24.2', features: [], profile: 'release', tokioUnstable: false, line: 1 });
  const add = (bench: string, params: Record<string, string | number>, perIter: number) => {
    for (const iters of [1000, 2000, 4000, 8000])
      out.samples.push({ bench, params, header: 0, iters, totalNs: 500 + perIter * iters });
  };
  for (const evi of [1, 8, 61, 1_000_000]) add('driver_poll', { flavor: 'ct', driver: 'none', evi, k: 4 }, 40 + 20 / evi);
  for (const k of [1, 4, 16]) add('poll_self', { flavor: 'ct', driver: 'none', k }, 45);
  add('yield_lone', { flavor: 'ct', driver: 'none', in: 'task' }, 91);
  return out;
}

test('driver poll cost is the slope of per-poll cost vs 1/event_interval', () => {
  const d = new Deriver(new Fitter(synthetic(), { seed: 1, resamples: 100 }));
  const o = d.get('driver_poll_none');
  assert.ok(!isMissing(o));
  assert.ok(Math.abs(o.est.value - 20) < 1e-6, `got ${o.est.value}`);
});

test('yield_extra = yield_lone − poll_self − driver_poll_none', () => {
  const d = new Deriver(new Fitter(synthetic(), { seed: 1, resamples: 100 }));
  const o = d.get('yield_extra');
  assert.ok(!isMissing(o));
  assert.ok(Math.abs(o.est.value - (91 - 45 - 20)) < 1e-6, `got ${o.est.value}`);
  assert.equal(o.provenance, 'calibrated');
});

test('a parameter without its benchmark names what it needs', () => {
  const d = new Deriver(new Fitter(synthetic()));
  const o = d.get('send_unbounded');
  assert.ok(isMissing(o));
  assert.match(o.missing, /channel/);
});

test('combine applies the formula replicate by replicate', () => {
  const a = { value: 10, boot: [9, 10, 11], samples: 3, outliers: 0, source: 'a', headers: [0] };
  const b = { value: 4, boot: [4, 4, 5], samples: 2, outliers: 1, source: 'b', headers: [0] };
  const c = combine([a, b], (v) => v[0] - v[1]);
  assert.equal(c.value, 6);
  assert.deepEqual(c.boot, [5, 6, 6]);
  assert.equal(c.samples, 5);
  assert.equal(c.outliers, 1);
});
