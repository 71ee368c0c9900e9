/**
 * The episode fit (calibrate/episodes.ts) on synthetic xwake streams with known episodes: a
 * receiver whose vCPU stalls for ms at a time during an episode receives every message sent in a
 * stall when it ends (the saw-tooth of the real samples), and wakes in ~40 µs outside.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Prng } from '../../../src/engine/prng.js';
import { fitEpisodes, noiseEpisodeStalls, poissonCi95 } from '../../../src/calibrate/episodes.js';
import type { LatencyRecord } from '../../../src/calibrate/probe-output.js';
import { Deriver, isMissing } from '../../../src/calibrate/derive.js';
import { emptyProbeOutput } from '../../../src/calibrate/probe-output.js';
import { Fitter } from '../../../src/calibrate/fit.js';

interface Truth {
  recs: LatencyRecord[];
  episodes: number;
  observedNs: number;
  durations: number[];
}

/**
 * `seqs` sequences of `n` messages every `stepNs` (g = stepNs − overshoot), episodes at `rate`/s
 * lasting `durNs`; inside one the receiver runs 300 µs, then stalls 2 ms, and so on.
 */
function stream(seed: number, rate: number, durNs: number, seqs: number, n: number, withAt: boolean): Truth {
  const rng = new Prng(seed, 'test');
  const overshoot = 80_000;
  const g = 500;
  const stepNs = g * 1000 + overshoot;
  const recs: LatencyRecord[] = [];
  let episodes = 0;
  let observedNs = 0;
  const durations: number[] = [];
  for (let h = 0; h < seqs; h++) {
    const span = n * stepNs;
    // Episodes of this sequence: Poisson starts, kept apart, wholly inside the sequence.
    const eps: [number, number][] = [];
    let t = rng.exponential(1e9 / rate);
    while (t + durNs < span) {
      eps.push([t, t + durNs]);
      t += durNs + rng.exponential(1e9 / rate);
    }
    for (let i = 0; i < n; i++) {
      const s = i * stepNs;
      let ns = 35_000 + Math.round(rng.nextFloat() * 10_000);
      const ep = eps.find(([a, b]) => s >= a && s < b);
      if (ep) {
        // Stalls of 2 ms separated by 300 µs of running, from the episode's start.
        const into = s - ep[0];
        const cyc = into % 2_300_000;
        if (cyc < 2_000_000) ns = Math.max(ns, 2_000_000 - cyc);
      }
      const r: LatencyRecord = { bench: 'xwake', params: { g, g_spread: 0, pin: 'apart', flavor: 'ct' }, header: h, ns };
      if (withAt) r.atNs = 5_000_000 + s;
      recs.push(r);
    }
    episodes += eps.length;
    observedNs += span;
    durations.push(...eps.map(() => durNs));
  }
  return { recs, episodes, observedNs, durations };
}

test('finds the episodes of a synthetic stream: count, rate inside its interval, durations', () => {
  for (const withAt of [true, false]) {
    const s = stream(3, 2, 20_000_000, 12, 2000, withAt);
    const f = fitEpisodes(s.recs);
    assert.ok(s.episodes >= 10, `the stream has ${s.episodes} episodes`);
    assert.equal(f.episodes.length, s.episodes, `atNs ${withAt}: found ${f.episodes.length} of ${s.episodes}`);
    const trueRate = s.episodes / (s.observedNs / 1e9);
    assert.ok(Math.abs(f.rate - trueRate) / trueRate < 0.05, `rate ${f.rate} vs ${trueRate}`);
    assert.ok(f.ci95[0] < 2 && f.ci95[1] > 2, `the generating rate 2/s inside ${f.ci95}`);
    for (const e of f.episodes)
      assert.ok(Math.abs(e.durationNs - 20_000_000) < 2_500_000, `duration ${e.durationNs} (one stall cycle of slack)`);
    assert.equal(f.timing === 'atNs', withAt);
    if (f.timing !== 'atNs') assert.ok(Math.abs(f.timing.overshootNs - 80_000) < 5_000, `overshoot ${f.timing.overshootNs}`);
    // Wake-ups during an episode: mostly ms, some fast ones between stalls.
    const slow = f.wakeNs.filter((x) => x > 250_000).length;
    assert.ok(slow / f.wakeNs.length > 0.6 && slow < f.wakeNs.length, `${slow} of ${f.wakeNs.length} slow`);
  }
});

test('isolated slow wake-ups are the ordinary tail, not episodes; the calibration then writes none', () => {
  const rng = new Prng(5, 'tail');
  const recs: LatencyRecord[] = [];
  for (let i = 0; i < 3000; i++) {
    const ns = i % 300 === 7 ? 2_000_000 : 40_000 + Math.round(rng.nextFloat() * 5000);
    recs.push({ bench: 'xwake', params: { g: 500, g_spread: 0 }, header: 0, ns });
  }
  const f = fitEpisodes(recs);
  assert.equal(f.episodes.length, 0);
  assert.ok(f.ci95[1] > 0 && f.ci95[0] === 0, String(f.ci95));
  const d = new Deriver(new Fitter({ headers: [], samples: [], latencies: recs, summaries: [] }));
  assert.ok('missing' in d.get('episode_rate'));
  const s = stream(3, 2, 20_000_000, 12, 2000, true);
  const d2 = new Deriver(new Fitter({ headers: [], samples: [], latencies: s.recs, summaries: [] }));
  const rate = d2.get('episode_rate');
  assert.ok(!('missing' in rate) && rate.est.ci95 !== undefined, JSON.stringify(rate));
  const wake = d2.get('episode_wake_latency');
  assert.ok(!('missing' in wake) && wake.est.distribution !== undefined);
});

test('the Poisson interval is close to the exact (Garwood) one', () => {
  const [lo0, hi0] = poissonCi95(0);
  assert.ok(lo0 === 0 && Math.abs(hi0 - 3.69) < 0.05, `${lo0} ${hi0}`);
  const [lo, hi] = poissonCi95(5);
  assert.ok(Math.abs(lo - 1.62) < 0.05 && Math.abs(hi - 11.67) < 0.1, `${lo} ${hi}`);
});

test('noise_pause leaves out the noise benchmark’s ms-class stalls that come in a host-contention stretch (episode_* pauses those)', () => {
  const params = { flavor: 'ct', ms: 1000 };
  const rec = (header: number, atNs: number, ns: number): LatencyRecord => ({ bench: 'noise', params, header, ns, atNs });
  const lat: LatencyRecord[] = [];
  // Two runs of ordinary pauses (10–30 µs every ~0.7 ms over 1 s).
  for (const h of [0, 1]) for (let i = 0; i < 1400; i++) lat.push(rec(h, i * 700_000, 10_000 + ((i * 7919) % 20_000)));
  // Run 0: a stretch of four 1–3 ms stalls, each ≤ 5 ms after the last one ended; an isolated 2 ms stall 300 ms later.
  const stretch = [
    rec(0, 100_000_000, 2_000_000),
    rec(0, 104_000_000, 1_000_000),
    rec(0, 108_000_000, 3_000_000),
    rec(0, 113_500_000, 1_500_000),
  ];
  const isolated = rec(0, 400_000_000, 2_000_000);
  // Run 1: two stalls close together (fewer than MIN_SLOW: the ordinary far tail), and a 200 µs pause (not ms-class).
  const pair = [rec(1, 50_000_000, 1_000_000), rec(1, 52_000_000, 1_000_000)];
  lat.push(...stretch, isolated, ...pair, rec(1, 60_000_000, 200_000));
  const stalls = noiseEpisodeStalls(lat);
  assert.deepEqual(new Set(stalls), new Set(stretch));
  const out = {
    ...emptyProbeOutput(),
    headers: [0, 1].map((line) => ({ tokio: '1.24.2', features: [], profile: 'release' as const, tokioUnstable: false, line })),
    latencies: lat,
  };
  const o = new Deriver(new Fitter(out)).get('noise_pause');
  assert.ok(!isMissing(o));
  assert.equal(o.est.samples, lat.length - stretch.length);
  assert.match(o.est.source, /4 ms-class pauses in host-contention stretches left out/);
  // The far tail keeps the isolated stalls: max 2 ms, not the stretch's 3 ms.
  assert.equal(o.est.distribution?.ns.at(-1), 2_000_000);
});
