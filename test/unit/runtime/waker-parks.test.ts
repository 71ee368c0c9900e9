/**
 * The slow mode of a worker's wake-up by a worker ends when the waker parks (docs/semantics.md,
 * multi_thread, "The slow mode ends when the waker parks"). worker_wake_latency is steal_wake's
 * wake-up: the woken worker is placed on its waker's vCPU and either preempts it (a few µs) or
 * waits for it — in the bench the waker busy-spins 300 µs, so the wait is ~300 µs. A waker that
 * parks a few µs after its notify frees the vCPU then.
 *
 * `validation/mt-sleep-4p`'s chain (perf traces of the real runs, tokio 1.24.2 and 1.53.1,
 * 2026-12-08): the source wakes the condvar-parked worker, whose first poll (the coordinator)
 * notifies the worker parked in the driver as the last searcher; that one lands on the notifier's
 * vCPU and runs a median 9–15 µs after the notify (p90 ≤ 25 µs; 0–2 of ~130 per run over 100 µs),
 * once the notifier has polled the coordinator and parked. It keeps the driver until it runs, so
 * the partitions' timers fire then. Drawn from worker_wake_latency as on a free core, half of those
 * wake-ups came ~300 µs late and the timers with them (1.53.1 p50 341 µs predicted, 137.7 measured).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Scenario } from '../../../src/schema/scenario.js';
import { model, run } from '../../helpers.js';

function scenario(tokio: '1.24' | '1.53'): Scenario {
  return {
    name: 'waker-parks',
    seed: 1,
    runtime: { flavor: 'multi_thread', workers: 2, tokio, driver: 'timer', timerPhaseUs: 0 },
    machine: { cores: 2, noise: false },
    template: {
      kind: 'pipeline',
      partitions: 4,
      source: { arrival: { kind: 'periodic', intervalUs: 2000 }, batchRecords: 64, batches: 40 },
      partition: { wait: [{ kind: 'sleep', us: 1000 }], recordCost: 2 },
    },
  };
}

/**
 * Per batch whose coordinator polled before any partition: from the end of that poll (its worker
 * parks next) to the first partition poll, µs.
 */
function gaps(spans: { kind: string; task: string; startNs: number; endNs: number }[]): number[] {
  const polls = spans.filter((s) => s.kind === 'poll').sort((a, b) => a.startNs - b.startNs);
  const out: number[] = [];
  for (let b = 1; b < 40; b++) {
    const lo = b * 2e6;
    const hi = lo + 2e6;
    const inBatch = polls.filter((p) => p.startNs >= lo && p.startNs < hi);
    const c = inBatch.findIndex((p) => p.task === 'coordinator');
    const first = inBatch.findIndex((p) => p.task.startsWith('partition'));
    if (c < 0 || first < 0 || first < c || inBatch[first].startNs - lo > 1e6) continue;
    out.push((inBatch[first].startNs - inBatch[c].endNs) / 1000);
  }
  return out;
}

for (const v of ['1.24', '1.53'] as const) {
  test(`${v}: the driver owner notified by the coordinator's worker runs when that worker parks, not a steal_wake spin later`, () => {
    // The session 13 calibrations of each release (host-release: 1.24.2; the 1.24 bundle predates
    // worker_wake_latency): steal_wake's two modes, no worker_wake_preempt.
    const m = model(v === '1.24' ? 'host-release' : 'tokio-1.53-2vcpu-release');
    assert.equal(m.parameters.worker_wake_latency?.distribution?.ns.length, 12);
    assert.equal(m.parameters.worker_wake_preempt, undefined);
    const { result: r, spans } = run(scenario(v), m, { traceSpans: 100000 });
    assert.equal(r.records, 40 * 64);
    const g = gaps(spans);
    assert.ok(g.length >= 20, `${g.length} coordinator-first batches`);
    // Before: about half of them waited worker_wake_latency's slow mode (~300 µs) for their timers.
    const late = g.filter((x) => x > 100);
    assert.ok(
      late.length <= 0.1 * g.length,
      `${late.length} of ${g.length} over 100 µs: ${g.map((x) => Math.round(x)).join(' ')}`,
    );
  });
}
