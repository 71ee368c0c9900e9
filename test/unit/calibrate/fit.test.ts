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

test("a configuration's per-iteration cost is a Theil–Sen slope: one preempted sample does not move it", () => {
  const out = synthetic();
  // poll_self k=4: 45 ns/iteration; one of its four samples descheduled for 2 ms on the host.
  const s = out.samples.find((x) => x.bench === 'poll_self' && x.params.k === 4 && x.iters === 8000);
  assert.ok(s);
  s.totalNs += 2_000_000;
  for (const iters of [1000, 2000, 4000, 8000])
    out.samples.push({
      bench: 'poll_self',
      params: { flavor: 'ct', driver: 'none', k: 4 },
      header: 0,
      iters,
      totalNs: 500 + 45 * iters,
    });
  const est = new Fitter(out, { seed: 1, resamples: 100 }).slope('poll_self', { k: 4 });
  assert.ok(est);
  assert.ok(Math.abs(est.value - 45) < 0.5, `slope ${est.value} (OLS: ${45 + (2_000_000 * (8000 - 3750)) / 49_875_000})`);
  assert.match(est.source, /Theil–Sen slope/);
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

/** xwake latencies: unplaced (fast: the OS co-locates an idle receiver) and, optionally, apart. */
function xwakeOutput(withApart: boolean, legacy = false): ProbeOutput {
  const out = emptyProbeOutput();
  out.headers.push({ tokio: '1.24.2', features: [], profile: 'release', tokioUnstable: false, line: 1 });
  const base = { flavor: 'ct', driver: 'timer', in: 'task', g: 500 };
  const add = (params: Record<string, string | number>, ns: (i: number) => number) => {
    for (let i = 0; i < 200; i++) out.latencies.push({ bench: 'xwake', params, header: 0, ns: ns(i) });
  };
  add(legacy ? base : { ...base, pin: 'none' }, (i) => 4000 + (i % 10) * 100);
  // Apart: 20–30 µs, plus 4 VM pauses of 1–4 ms (far above Q3 + 3·IQR).
  if (withApart) add({ ...base, pin: 'apart' }, (i) => (i % 50 === 7 ? 1e6 * (1 + (i % 4)) : 20_000 + (i % 11) * 1000));
  return out;
}

test('wake_latency: the sender on another CPU (pin=apart), VM pauses (far out) left out', () => {
  const o = new Deriver(new Fitter(xwakeOutput(true), { seed: 1, resamples: 50 })).get('wake_latency');
  assert.ok(!isMissing(o));
  assert.ok(o.est.value >= 20_000 && o.est.value <= 30_000, `median ${o.est.value}`);
  assert.equal(o.est.samples, 196);
  assert.equal(o.est.outliers, 4);
  assert.match(o.est.source, /pin=apart.*4 of 200 above Q3 \+ 3·IQR \(\d+ ns\) left out/);
  assert.equal(Math.max(...o.est.distribution!.ns), 30_000, 'the pauses are not in the distribution');
  assert.match(o.note ?? '', /different CPUs/);
});

test('wake_latency from probe output without pin=apart: the OS placement, and a note that says so', () => {
  for (const legacy of [false, true]) {
    const o = new Deriver(new Fitter(xwakeOutput(false, legacy), { seed: 1, resamples: 50 })).get('wake_latency');
    assert.ok(!isMissing(o));
    assert.ok(o.est.value < 5000, `median ${o.est.value}`);
    assert.match(o.note ?? '', /placed by the OS/);
  }
  // Nothing to fit: names the configuration it wants.
  const none = new Deriver(new Fitter(emptyProbeOutput())).get('wake_latency');
  assert.ok(isMissing(none));
  assert.match(none.missing, /xwake.*pin=apart/);
});

test('wake_latency_packed: the sender and the runtime thread on one CPU (pin=together); neither apart nor unplaced stands in', () => {
  const out = xwakeOutput(true);
  const base = { flavor: 'ct', driver: 'timer', in: 'task', g: 500, pin: 'together' };
  for (let i = 0; i < 200; i++) out.latencies.push({ bench: 'xwake', params: base, header: 0, ns: 7000 + (i % 9) * 500 });
  const o = new Deriver(new Fitter(out, { seed: 1, resamples: 50 })).get('wake_latency_packed');
  assert.ok(!isMissing(o));
  assert.ok(o.est.value >= 7000 && o.est.value <= 11_000, `median ${o.est.value}`);
  assert.match(o.est.source, /pin=together/);
  assert.match(o.note ?? '', /one CPU/);
  const none = new Deriver(new Fitter(xwakeOutput(true), { seed: 1, resamples: 50 })).get('wake_latency_packed');
  assert.ok(isMissing(none));
  assert.match(none.missing, /xwake.*pin=together/);
});

test('source_exit_latency: exit_wake with the sender and the runtime thread on one CPU (pin=together); xwake and an unplaced exit_wake do not stand in', () => {
  const out = xwakeOutput(true);
  const mt = { flavor: 'mt', workers: 2, driver: 'timer', g: 500, pin: 'none' };
  for (let i = 0; i < 100; i++) out.latencies.push({ bench: 'exit_wake', params: mt, header: 0, ns: 90_000 + i * 100 });
  const none = new Deriver(new Fitter(out, { seed: 1, resamples: 50 })).get('source_exit_latency');
  assert.ok(isMissing(none));
  assert.match(none.missing, /exit_wake.*pin=together/);
  const base = { flavor: 'ct', driver: 'timer', g: 500, pin: 'together' };
  for (let i = 0; i < 200; i++) out.latencies.push({ bench: 'exit_wake', params: base, header: 0, ns: 30_000 + (i % 9) * 1000 });
  const o = new Deriver(new Fitter(out, { seed: 1, resamples: 50 })).get('source_exit_latency');
  assert.ok(!isMissing(o));
  assert.ok(o.est.value >= 30_000 && o.est.value <= 38_000, `median ${o.est.value}`);
  assert.match(o.est.source, /exit_wake.*pin=together/);
  assert.match(o.note ?? '', /exits/);
});

test("timer_unpark_io: timer_unpark's io slope minus its timer-only slope; missing without the io configuration", () => {
  const out = synthetic();
  const add = (driver: string, perIter: number) => {
    for (const iters of [1000, 2000, 4000, 8000])
      out.samples.push({
        bench: 'timer_unpark',
        params: { flavor: 'ct', driver },
        header: 0,
        iters,
        totalNs: 700 + perIter * iters,
      });
  };
  add('timer', 140);
  const none = new Deriver(new Fitter(out, { seed: 1, resamples: 50 })).get('timer_unpark_io');
  assert.ok(isMissing(none));
  assert.match(none.missing, /timer_unpark.*driver=io/);
  add('io', 520);
  const o = new Deriver(new Fitter(out, { seed: 1, resamples: 50 })).get('timer_unpark_io');
  assert.ok(!isMissing(o));
  assert.ok(Math.abs(o.est.value - 380) < 1e-6, `got ${o.est.value}`);
  assert.equal(o.provenance, 'calibrated');
  assert.match(o.est.source, /timer_unpark/);
});
