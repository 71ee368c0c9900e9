/**
 * The halt-poll window fit (calibrate/halt-poll.ts) and the two rules that use it: found where
 * idle time separates fast wake-ups from slow ones, refused where it does not.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fitHaltPollWindow, latencySplit, type IdleWake } from '../../../src/calibrate/halt-poll.js';
import { Prng } from '../../../src/engine/prng.js';
import { parseProbeOutput } from '../../../src/calibrate/probe-output.js';
import { Fitter } from '../../../src/calibrate/fit.js';
import { Deriver, isMissing } from '../../../src/calibrate/derive.js';

/** Wake-ups with idle uniform in 0–600 µs: fast (4–8 µs) below `windowUs`, slow (30–60 µs) above. */
function synthetic(windowUs: number, n = 600, seed = 1, noisy = 0.1): IdleWake[] {
  const r = new Prng(seed, 'halt-poll-test');
  const out: IdleWake[] = [];
  for (let i = 0; i < n; i++) {
    const idle = 1_000 + Math.floor(r.nextFloat() * 600_000);
    let fast = idle < windowUs * 1000;
    if (r.nextFloat() < noisy) fast = !fast;
    const ns = fast ? 4_000 + r.nextFloat() * 4_000 : 30_000 + r.nextFloat() * 30_000;
    out.push({ idleNs: idle, ns: Math.round(ns) });
  }
  return out;
}

test('Otsu split lies between the two latency clusters', () => {
  const s = latencySplit([4000, 5000, 6000, 7000, 30000, 40000, 50000]);
  assert.ok(s !== undefined && s > 7000 && s < 30000, String(s));
});

test('the window is found where fast wake-ups end', () => {
  for (const w of [80, 200, 400]) {
    const fit = fitHaltPollWindow(synthetic(w));
    assert.ok(typeof fit !== 'string', String(fit));
    assert.ok(Math.abs(fit.windowNs / 1000 - w) < 25, `window ${fit.windowNs} ns for ${w} µs`);
    assert.ok(fit.fastBelow > 0.8 && fit.fastAbove < 0.2, `${fit.fastBelow} / ${fit.fastAbove}`);
    assert.equal(fit.warm.length, fit.below);
  }
});

test('no window when idle time does not predict the latency', () => {
  const fit = fitHaltPollWindow(synthetic(200, 600, 2, 0.5));
  assert.equal(typeof fit, 'string');
  assert.match(String(fit), /does not separate/);
  // All fast or all slow: nothing to separate either.
  const flat = synthetic(10_000, 600, 3, 0);
  assert.equal(typeof fitHaltPollWindow(flat), 'string');
  assert.match(String(fitHaltPollWindow(synthetic(200).slice(0, 15))), /needs 20/);
});

test('calibrate rules: halt_poll_window and wake_latency_warm from xwake lines with idleNs', () => {
  const params = { count: 800, driver: 'timer', flavor: 'ct', g: 0, g_spread: 600, in: 'task', pin: 'apart' };
  const head = JSON.stringify({ type: 'header', probe: 'dispatchsim-probe', tokio: '1.24.2', profile: 'release', features: [] });
  const lines = synthetic(150).map((o) =>
    JSON.stringify({ type: 'latency', bench: 'xwake', params, ns: o.ns, idleNs: o.idleNs }),
  );
  const out = parseProbeOutput([head, ...lines].join('\n'), 'synthetic.jsonl');
  const d = new Deriver(new Fitter(out));
  const w = d.get('halt_poll_window');
  const warm = d.get('wake_latency_warm');
  assert.ok(!isMissing(w) && !isMissing(warm));
  assert.ok(Math.abs(w.est.value - 150_000) < 25_000, String(w.est.value));
  assert.ok(w.est.boot.length > 100);
  assert.ok(warm.est.value > 3_000 && warm.est.value < 10_000, String(warm.est.value));
  // Without those lines both are missing, saying what they need.
  const none = new Deriver(new Fitter(parseProbeOutput(head, 'empty.jsonl')));
  const m = none.get('halt_poll_window');
  assert.ok(isMissing(m) && /idleNs/.test(m.missing));
});
