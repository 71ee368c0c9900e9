/**
 * halt_poll_max (calibrate/halt-poll.ts `fitHaltPollMax`, rule in derive.ts): KVM's adaptive
 * halt-polling maximum, from wake-ups at steady idle times (xwake pin=apart at fixed gaps).
 * Found where steady short idles wake fast and long ones slow; refused where idle does not
 * predict the class. The steady runs also give wake_latency_warm.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { adaptiveWarm, fitHaltPollMax, type IdleWake } from '../../../src/calibrate/halt-poll.js';
import { Prng } from '../../../src/engine/prng.js';
import { parseProbeOutput } from '../../../src/calibrate/probe-output.js';
import { Fitter } from '../../../src/calibrate/fit.js';
import { Deriver, isMissing } from '../../../src/calibrate/derive.js';

test("the adaptive window follows KVM's grow/shrink: 10, 20, 40 µs… up to the maximum, halved after a long halt", () => {
  // Steady 50 µs idles, cold wake-ups of 30 µs: halts of 80 µs < 200 µs grow the window
  // 0 → 10 → 20 → 40 → 80 µs; from the fifth on, the 50 µs idle lies inside it (warm).
  const seq = Array.from({ length: 8 }, () => ({ idleNs: 50_000, ns: 30_000 }));
  assert.deepEqual(adaptiveWarm(seq, 200_000), [false, false, false, false, true, true, true, true]);
  // A 300 µs halt (> max) halves the 80 µs window to 40: the next 50 µs idle is cold again.
  const long = [...seq.slice(0, 5), { idleNs: 300_000, ns: 30_000 }, { idleNs: 50_000, ns: 30_000 }];
  assert.deepEqual(adaptiveWarm(long, 200_000), [false, false, false, false, true, false, false]);
  // Park + cold wake-up past the maximum: the window never grows.
  assert.deepEqual(
    adaptiveWarm(seq, 70_000),
    seq.map(() => false),
  );
});

/** One run per gap of a host whose window caps at `maxUs`: warm 6–10 µs, cold 40–50 µs. */
function steady(maxUs: number, seed = 1, flip = 0): IdleWake[][] {
  const r = new Prng(seed, 'halt-poll-max-test');
  return [30, 60, 100, 150, 200, 300, 400].map((g) => {
    let w = 0;
    const out: IdleWake[] = [];
    for (let i = 0; i < 300; i++) {
      const idle = (g - 3) * 1000 + Math.floor(r.nextFloat() * 2000);
      let warm = idle <= w;
      const ns = Math.round(warm ? 6_000 + r.nextFloat() * 4_000 : 40_000 + r.nextFloat() * 10_000);
      const halt = warm ? idle : idle + ns;
      if (halt > w) {
        if (w > 0 && halt > maxUs * 1000) w = w / 2 < 10_000 ? 0 : Math.floor(w / 2);
        else if (w < maxUs * 1000 && halt < maxUs * 1000) w = Math.min(Math.max(2 * w, 10_000), maxUs * 1000);
      }
      if (r.nextFloat() < flip) warm = !warm;
      out.push({ idleNs: idle, ns: warm ? ns : 40_000 + Math.round(r.nextFloat() * 10_000) });
    }
    return out;
  });
}

test('the maximum is found between the last steady idle woken warm and the first cold one', () => {
  // max 200 µs: gaps up to 150 µs (idle + cold wake-up < 200) warm, 200 µs and more cold;
  // any maximum in (150 + 50, 200 + 40] µs explains them, the fit takes the smallest.
  const fit = fitHaltPollMax(steady(200));
  assert.ok(typeof fit !== 'string', String(fit));
  assert.ok(fit.maxNs >= 190_000 && fit.maxNs <= 240_000, String(fit.maxNs));
  assert.ok(fit.agree / fit.n > 0.97, `${fit.agree} / ${fit.n}`);
  assert.ok(fit.warm.length > 500 && fit.warm.every((x) => x < 12_000), String(fit.warm.length));
  const small = fitHaltPollMax(steady(120, 2));
  assert.ok(typeof small !== 'string' && small.maxNs >= 100_000 && small.maxNs <= 150_000, JSON.stringify(small));
});

test('refused when the idle time does not predict fast and slow wake-ups', () => {
  assert.match(String(fitHaltPollMax(steady(200, 3, 0.45))), /explains at most/);
  // Every wake-up slow and far apart from none: no fast class to explain.
  const slow = steady(200)[6].map((x) => ({ idleNs: x.idleNs, ns: 45_000 }));
  assert.match(String(fitHaltPollMax([slow])), /same time/);
  assert.match(String(fitHaltPollMax([steady(200)[0].slice(0, 5)])), /needs 20/);
});

test('calibrate rules: halt_poll_max and wake_latency_warm from the steady xwake runs', () => {
  const head = JSON.stringify({ type: 'header', probe: 'dispatchsim-probe', tokio: '1.24.2', profile: 'release', features: [] });
  const gaps = [30, 60, 100, 150, 200, 300, 400];
  const lines = steady(200).flatMap((run, i) =>
    run.map((o) =>
      JSON.stringify({
        type: 'latency',
        bench: 'xwake',
        params: { count: 300, driver: 'timer', flavor: 'ct', g: gaps[i], g_spread: 1, in: 'task', pin: 'apart' },
        ns: o.ns,
        idleNs: o.idleNs,
      }),
    ),
  );
  const d = new Deriver(new Fitter(parseProbeOutput([head, ...lines].join('\n'), 'synthetic.jsonl')));
  const max = d.get('halt_poll_max');
  const warm = d.get('wake_latency_warm');
  assert.ok(!isMissing(max) && !isMissing(warm));
  assert.ok(max.est.value >= 190_000 && max.est.value <= 240_000, String(max.est.value));
  assert.ok(warm.est.value > 6_000 && warm.est.value < 10_000, String(warm.est.value));
  assert.match(warm.est.source, /adaptive window/);
  // Without those lines: missing, saying what it needs; the spread-run rule is unaffected.
  const none = new Deriver(new Fitter(parseProbeOutput(head, 'empty.jsonl')));
  const m = none.get('halt_poll_max');
  assert.ok(isMissing(m) && /g>0/.test(m.missing));
});
