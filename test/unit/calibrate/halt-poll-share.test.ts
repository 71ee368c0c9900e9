/**
 * halt_poll_warm_share, halt_poll_run_share and wake_latency_nopoll (calibrate/halt-poll.ts
 * `fitHaltPollMax`, rules in derive.ts). The shape of the quiet calibration of 2026-12-07
 * (/tmp/s7/final/cal124.jsonl, cal153.jsonl; 3 probe runs each): in two probe runs the steady
 * idles of 30–150 µs were woken fast (~11.5 µs) 92–98 % of the time and those of ≥ 200 µs slow
 * (~44 µs); in the third every wake-up took ~28 µs, whatever the idle (the host did not poll).
 * A yes/no window over all runs explains too little (the lead's DS1305); per probe run, with the
 * fast share inside the window, it explains them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { betaQuantile, fitHaltPollMax, hostPollShare, type IdleWake } from '../../../src/calibrate/halt-poll.js';
import { Prng } from '../../../src/engine/prng.js';
import { parseProbeOutput } from '../../../src/calibrate/probe-output.js';
import { Fitter } from '../../../src/calibrate/fit.js';
import { Deriver, isMissing } from '../../../src/calibrate/derive.js';

const GAPS = [30, 60, 100, 150, 200, 300, 400];

/**
 * One probe run, one sequence per gap, on a host whose window caps at 250 µs (idle 40–163 µs plus a cold wake-up inside it, 210 µs and more outside): inside it a
 * wake-up is fast (9–12 µs) with probability `p`, else slow (40–50 µs); `poll` false: every
 * wake-up 25–31 µs.
 */
function probeRun(seed: number, p: number, poll: boolean): IdleWake[][] {
  const r = new Prng(seed, 'halt-poll-share-test');
  return GAPS.map((g) => {
    let w = 0;
    const out: IdleWake[] = [];
    for (let i = 0; i < 300; i++) {
      const idle = (g + 10) * 1000 + Math.floor(r.nextFloat() * 3000);
      if (!poll) {
        out.push({ idleNs: idle, ns: 25_000 + Math.round(r.nextFloat() * 6_000) });
        continue;
      }
      const warm = idle <= w && r.nextFloat() < p;
      const ns = Math.round(warm ? 9_000 + r.nextFloat() * 3_000 : 40_000 + r.nextFloat() * 10_000);
      const halt = warm ? idle : idle + ns;
      if (halt > w) {
        if (w > 0 && halt > 250_000) w = w / 2 < 10_000 ? 0 : Math.floor(w / 2);
        else if (w < 250_000 && halt < 250_000) w = Math.min(Math.max(2 * w, 10_000), 250_000);
      }
      out.push({ idleNs: idle, ns });
    }
    return out;
  });
}

const RUNS = [probeRun(1, 0.95, true), probeRun(2, 0.95, false), probeRun(3, 0.95, true)];

test('per probe run: the host polled in two of three; the warm share inside the window', () => {
  const fit = fitHaltPollMax(
    RUNS.flat(),
    RUNS.flatMap((r, k) => r.map(() => k)),
  );
  assert.ok(typeof fit !== 'string', String(fit));
  assert.ok(fit.maxNs >= 210_000 && fit.maxNs <= 270_000, String(fit.maxNs));
  assert.equal(fit.probeRuns, 3);
  assert.equal(fit.pollingRuns, 2);
  assert.ok(Math.abs(fit.warmShare - 0.95) < 0.03, String(fit.warmShare));
  assert.ok(fit.outsideShare < 0.02, String(fit.outsideShare));
  assert.ok(fit.agree / fit.n > 0.9, `${fit.agree} / ${fit.n}`);
  assert.ok(fit.warm.every((x) => x < 13_000) && fit.warm.length > 1000, String(fit.warm.length));
  assert.ok(fit.noPoll.length === 2100 && fit.noPoll.every((x) => x >= 25_000 && x <= 31_000));
  // The same wake-ups without their probe runs: the no-poll run's wake-ups dilute the share.
  const pooled = fitHaltPollMax(RUNS.flat());
  assert.ok(typeof pooled === 'string' || pooled.warmShare < 0.8, 'one pooled run: the share is not the polling runs’');
});

test('refused when no probe run polled, or the window does not separate fast from slow', () => {
  // No run polled: every wake-up ~28 µs, one in twenty of the 30 µs gap's 9 µs (both classes exist).
  const none = [probeRun(4, 0.95, false), probeRun(5, 0.95, false)];
  none[0][0] = none[0][0].map((x, j) => (j % 20 === 0 ? { ...x, ns: 9_000 } : x));
  assert.match(
    String(
      fitHaltPollMax(
        none.flat(),
        none.flatMap((r, k) => r.map(() => k)),
      ),
    ),
    /did not halt-poll/,
  );
  const coin = [probeRun(6, 0.55, true)];
  assert.match(String(fitHaltPollMax(coin.flat())), /explains at most|does not separate/);
});

function probeOutput(runs: IdleWake[][][]): string {
  const head = JSON.stringify({ type: 'header', probe: 'dispatchsim-probe', tokio: '1.24.2', profile: 'release', features: [] });
  return runs
    .flatMap((run) => [
      head,
      ...run.flatMap((seq, i) =>
        seq.map((o) =>
          JSON.stringify({
            type: 'latency',
            bench: 'xwake',
            params: { count: 300, driver: 'timer', flavor: 'ct', g: GAPS[i], g_spread: 1, in: 'task', pin: 'apart' },
            ns: o.ns,
            idleNs: o.idleNs,
          }),
        ),
      ),
    ])
    .join('\n');
}

test('calibrate rules: halt_poll_warm_share, halt_poll_run_share and wake_latency_nopoll from the probe runs', () => {
  const d = new Deriver(new Fitter(parseProbeOutput(probeOutput(RUNS), 'synthetic.jsonl')));
  const max = d.get('halt_poll_max');
  const warm = d.get('wake_latency_warm');
  const share = d.get('halt_poll_warm_share');
  const runs = d.get('halt_poll_run_share');
  const nopoll = d.get('wake_latency_nopoll');
  for (const o of [max, warm, share, runs, nopoll]) assert.ok(!isMissing(o), isMissing(o) ? o.missing : '');
  if (isMissing(max) || isMissing(warm) || isMissing(share) || isMissing(runs) || isMissing(nopoll)) return;
  assert.ok(max.est.value >= 210_000 && max.est.value <= 270_000, String(max.est.value));
  assert.ok(warm.est.value > 9_000 && warm.est.value < 12_000, String(warm.est.value));
  assert.ok(Math.abs(share.est.value - 0.95) < 0.03, String(share.est.value));
  assert.ok(share.est.ci95 && share.est.ci95[0] < share.est.value && share.est.ci95[1] > share.est.value);
  // Two of three runs polled: the Jeffreys posterior's mean (2 + ½) / (3 + 1), not k/N = 2/3.
  assert.ok(Math.abs(runs.est.value - 0.625) < 0.01, String(runs.est.value));
  assert.ok(runs.est.ci95 && runs.est.ci95[0] < 0.3 && runs.est.ci95[1] > 0.9, JSON.stringify(runs.est.ci95));
  assert.equal(runs.est.samples, 3);
  assert.ok(nopoll.est.value > 25_000 && nopoll.est.value < 31_000, String(nopoll.est.value));
  assert.match(max.est.source, /2 of 3 probe runs/);
  // One probe run, all polling: the run share is unknown (needs --runs ≥ 2), there is no no-poll run.
  const one = new Deriver(new Fitter(parseProbeOutput(probeOutput([RUNS[0]]), 'one.jsonl')));
  const r1 = one.get('halt_poll_run_share');
  assert.ok(isMissing(r1) && /--runs ≥ 2/.test(r1.missing));
  const n1 = one.get('wake_latency_nopoll');
  assert.ok(isMissing(n1) && /did not halt-poll/.test(n1.missing));
  assert.ok(!isMissing(one.get('halt_poll_warm_share')));
});

/**
 * A probe run whose host stops polling part-way: the first `polled` share of each gap's
 * wake-ups as `probeRun(…, true)`, the rest as `probeRun(…, false)` (as 1.24.2's third probe run
 * of 2026-12-07: 96 % of the 30 µs gap's first 100 wake-ups warm, 4 % of the rest).
 */
function switchingRun(seed: number, polled: number): IdleWake[][] {
  const on = probeRun(seed, 0.95, true);
  const off = probeRun(seed + 100, 0.95, false);
  return on.map((seq, i) => seq.map((x, j) => (j < polled * seq.length ? x : off[i][j])));
}

test('halt_poll_run_share: a run that stopped polling part-way counts in part; a Beta posterior, not k/N', () => {
  const runs = [RUNS[0], RUNS[1], switchingRun(7, 0.4)];
  const fit = fitHaltPollMax(
    runs.flat(),
    runs.flatMap((r, k) => r.map(() => k)),
  );
  assert.ok(typeof fit !== 'string', String(fit));
  assert.equal(fit.runPolls.length, 3);
  const [a, b, c] = fit.runPolls as number[];
  assert.ok(a > 0.95 && b < 0.05, `${a} ${b}`);
  // 40 % of its wake-ups polled (the window's replay lets a few more or fewer in): counted so.
  assert.ok(c > 0.25 && c < 0.55, String(c));
  const d = new Deriver(new Fitter(parseProbeOutput(probeOutput(runs), 'switching.jsonl')));
  const share = d.get('halt_poll_run_share');
  assert.ok(!isMissing(share), isMissing(share) ? share.missing : '');
  if (isMissing(share)) return;
  // A majority vote per run says 1 of 3 (or 2 of 3); the runs' shares say about 1.4 of 3.
  const want = (a + b + c + 0.5) / 4;
  assert.ok(Math.abs(share.est.value - want) < 1e-3, `${share.est.value} vs ${want}`);
  assert.match(share.est.source, /Beta/);
  // Every probe run polled: not "always" (k/N = 1) after three runs, but (3 + ½) / 4.
  const all = new Deriver(new Fitter(parseProbeOutput(probeOutput([RUNS[0], RUNS[2], probeRun(8, 0.95, true)]), 'all.jsonl')));
  const s3 = all.get('halt_poll_run_share');
  assert.ok(!isMissing(s3) && s3.est.value > 0.8 && s3.est.value < 0.9, isMissing(s3) ? s3.missing : String(s3.est.value));
});

test("hostPollShare and betaQuantile: the posterior of the runs' polling shares", () => {
  // Beta(1, 1) is uniform; Beta(2, 1) has CDF x²; Beta(½, ½) is symmetric about ½.
  assert.ok(Math.abs(betaQuantile(0.3, 1, 1) - 0.3) < 1e-6);
  assert.ok(Math.abs(betaQuantile(0.25, 2, 1) - 0.5) < 1e-6);
  assert.ok(Math.abs(betaQuantile(0.5, 0.5, 0.5) - 0.5) < 1e-6);
  const p = hostPollShare([1, 0, 0]);
  assert.ok(p && Math.abs(p.mean - 1.5 / 4) < 1e-9 && p.runs === 3 && p.polled === 1);
  assert.ok(p && p.ci95[0] > 0 && p.ci95[0] < 0.1 && p.ci95[1] > 0.8 && p.ci95[1] < 0.95, JSON.stringify(p));
  // Runs without a wake-up inside the window do not count; fewer than two runs: unknown.
  assert.equal(hostPollShare([1, undefined]), undefined);
  assert.equal(hostPollShare([0.5, undefined, 0.5])?.runs, 2);
});
