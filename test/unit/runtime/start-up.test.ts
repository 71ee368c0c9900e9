/**
 * A multi_thread run's start-up and end (docs/semantics.md, "Start-up and the run's end"). When the
 * root future first runs, tokio's workers have found nothing since Runtime::build and are parked
 * (their vCPUs halted long before): the tasks spawned at start are spawned from the main thread —
 * inject queue + notify_parked, a futex wake of a parked worker from outside — so the first poll
 * comes a cold wake-up (wake_latency) after t = 0, not at once. Without a block_on task the run ends
 * when the main thread, parked in block_on, is woken by the worker that finished the last task.
 * Session 11's quiet traces of task-mt-await-2p-w0-i0-spawn: first poll at 129 µs (1.24.2) and
 * 97 µs (1.53.1), the run's end 58 and 52 µs after the last task's last poll.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Scenario } from '../../../src/schema/scenario.js';
import type { CostModel } from '../../../src/schema/model.js';
import { model, run } from '../../helpers.js';

const ns = (value: number) => ({ value, unit: 'ns' as const, provenance: 'assumed' as const, source: 'test' });

/** The bundled 1.24 model with a constant 50 µs cross-CPU wake-up and no halt-poll, run-level or episode draws. */
function costs(): CostModel {
  const m = model();
  const p = { ...m.parameters };
  for (const k of ['halt_poll_max', 'halt_poll_window', 'episode_rate', 'wake_latency_packed']) delete p[k];
  return { ...m, parameters: { ...p, wake_latency: ns(50000) } };
}

/** A spawned coordinator sends 10 batches to a spawned partition awaiting recv. */
function pipeline(flavor: 'multi_thread' | 'current_thread', start: 'spawn' | 'block_on'): Scenario {
  return {
    name: 'start-up',
    seed: 5,
    runtime: { flavor, ...(flavor === 'multi_thread' ? { workers: 2 } : {}), tokio: '1.24', driver: 'timer', timerPhaseUs: 0 },
    machine: { cores: 2, noise: false },
    channels: { c: { kind: 'unbounded' } },
    tasks: {
      coordinator: {
        start,
        program: [
          { op: 'spawn', task: 'partition' },
          { op: 'repeat', n: 10, body: [{ op: 'record_start' }, { op: 'send', channel: 'c', records: 4 }] },
          { op: 'close', channel: 'c' },
          { op: 'join', task: 'partition' },
        ],
      },
      partition: {
        start: 'child',
        program: [
          {
            op: 'while_open',
            channel: 'c',
            wait: [{ kind: 'await_recv' }],
            body: [{ op: 'for_each_record', body: [{ op: 'record_end' }] }],
          },
        ],
      },
    },
  };
}

function firstPollNs(s: Scenario, m: CostModel, task: string): number {
  const { spans } = run(s, m, { traceSpans: 1000 });
  const p = spans.filter((x) => x.kind === 'poll' && x.task === task);
  assert.ok(p.length > 0, `no poll of ${task}`);
  return Math.min(...p.map((x) => x.startNs));
}

test('multi_thread: a task spawned at start first polls a cold wake-up after t = 0 (the workers are parked)', () => {
  const t = firstPollNs(pipeline('multi_thread', 'spawn'), costs(), 'coordinator');
  assert.ok(t >= 50000 && t < 52000, `first poll at ${t / 1000} µs`);
});

test('multi_thread: the block_on future polls at once; the partition it spawns waits for a parked worker', () => {
  const s = pipeline('multi_thread', 'block_on');
  const m = costs();
  assert.ok(firstPollNs(s, m, 'coordinator') < 1000);
  const p = firstPollNs(s, m, 'partition');
  assert.ok(p >= 50000, `partition's first poll at ${p / 1000} µs`);
});

test('multi_thread without a block_on task: the run ends a wake-up of the main thread after the last task', () => {
  const { result, spans } = run(pipeline('multi_thread', 'spawn'), costs(), { traceSpans: 1000 });
  const lastEnd = Math.max(...spans.filter((x) => x.kind === 'poll').map((x) => x.endNs));
  const tail = result.simulatedUs * 1000 - lastEnd;
  assert.ok(tail >= 49000 && tail < 51000, `run ends ${tail / 1000} µs after the last poll`);
});

test('current_thread: the root future runs on the runtime thread itself — no start-up or end wake-up', () => {
  const { result, spans } = run(pipeline('current_thread', 'spawn'), costs(), { traceSpans: 1000 });
  const polls = spans.filter((x) => x.kind === 'poll');
  assert.ok(Math.min(...polls.map((x) => x.startNs)) < 1000);
  assert.equal(result.simulatedUs * 1000, Math.max(...polls.map((x) => x.endNs)));
});

test('the same bytes with the fast-forward on and off', () => {
  for (const start of ['spawn', 'block_on'] as const) {
    const on = run(pipeline('multi_thread', start), costs()).result;
    const off = run(pipeline('multi_thread', start), costs(), { fastForward: false }).result;
    assert.deepEqual({ ...on, engine: undefined }, { ...off, engine: undefined });
  }
});
