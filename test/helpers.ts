/** Test helpers: run scenarios in memory, find repository files. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Scenario } from '../src/schema/scenario.js';
import type { CostModel } from '../src/schema/model.js';
import { normalizeScenario } from '../src/plan/normalize.js';
import { simulateWithTrace, type SimOptions } from '../src/runtime/simulate.js';
import { listJsonFiles } from '../src/io/files.js';

/** Repository root (tests run from dist/test/…). */
export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export function readJson<T>(rel: string): T {
  return JSON.parse(readFileSync(join(ROOT, rel), 'utf8')) as T;
}

export function model(name = 'tokio-1.24-2vcpu-release'): CostModel {
  return readJson<CostModel>(`models/${name}.json`);
}

export function run(s: Scenario, m: CostModel = model(), opts: SimOptions = {}) {
  const plan = normalizeScenario(s, { model: m });
  return simulateWithTrace(plan, m, opts);
}

type RunResult = ReturnType<typeof run>['result'];

/** A cost the test states (provenance assumed). */
export const assumedNs = (value: number) => ({ value, unit: 'ns' as const, provenance: 'assumed' as const, source: 'test' });

/**
 * The bundled 1.24 model (or `from`) with constant wake-ups: across CPUs 50 µs (warm 10 µs), a
 * 200 µs halt-poll window (a thread parked 1 ms has halted), unpark_remote 12 µs, unpark_worker 2 µs;
 * no halt-polling adaptation (halt_poll_max), run levels or episodes (one run). `drop` removes
 * parameters first, then `set` (ns) adds or replaces them.
 */
export function constantWakeModel(set: Record<string, number> = {}, drop: string[] = [], from?: CostModel): CostModel {
  const m = from ?? model();
  const p: Record<string, unknown> = { ...m.parameters };
  for (const name of ['halt_poll_max', 'episode_rate', ...drop]) delete p[name];
  const base = {
    wake_latency: 50_000,
    wake_latency_warm: 10_000,
    halt_poll_window: 200_000,
    unpark_remote: 12_000,
    unpark_worker: 2_000,
  };
  for (const [name, v] of Object.entries({ ...base, ...set })) p[name] = assumedNs(v);
  return { ...m, parameters: p as CostModel['parameters'] };
}

/**
 * The accounting property: per thread, every nanosecond of the run is busy, idle (parked) or
 * descheduled (waiting for a core, or an OS pause), so the three add up to the simulated time
 * (each rounded to 1 ns).
 */
export function assertWorkerBooks(r: Pick<RunResult, 'workers' | 'simulatedUs'>): void {
  for (const w of r.workers) {
    const sum = w.busyUs + w.idleUs + w.descheduledUs;
    assert.ok(
      Math.abs(sum - r.simulatedUs) <= 0.003,
      `${w.name}: busy ${w.busyUs} + idle ${w.idleUs} + descheduled ${w.descheduledUs} = ${sum} µs ≠ simulated ${r.simulatedUs} µs`,
    );
  }
}

/** µs the runtime's workers (not the block_on thread or sources) spent off their vCPU. */
export const workersDescheduledUs = (r: RunResult): number =>
  r.workers.filter((w) => w.name.startsWith('worker')).reduce((s, w) => s + w.descheduledUs, 0);

/** Task names in the order they were polled (from the bounded trace). */
export function pollOrder(s: Scenario, m: CostModel = model(), only?: (name: string) => boolean): string[] {
  const { spans } = run(s, m, { traceSpans: 100000 });
  return spans
    .filter((x) => x.kind === 'poll')
    .map((x) => x.task)
    .filter((n) => (only ? only(n) : true));
}

/** The `.json` files under a repository folder, recursively and sorted, as repository-relative paths. */
export function listJson(dirRel: string): string[] {
  return listJsonFiles(ROOT, dirRel);
}

/** Runs the CLI in-process with stdout and stderr captured together; returns the exit code and text. */
export async function runMain(argv: string[]): Promise<{ code: number; out: string }> {
  const { main } = await import('../src/cli/main.js');
  const out: string[] = [];
  const ow = process.stdout.write.bind(process.stdout);
  const ew = process.stderr.write.bind(process.stderr);
  // The CLI writes strings. Under `node --test` the runner reports each finished test to its
  // parent as binary chunks on this same stdout, possibly while the next command runs: those pass
  // through, or the report of a test (passed or failed) is lost.
  const capture = ((chunk: string | Uint8Array) =>
    typeof chunk === 'string' ? (out.push(chunk), true) : ow(chunk)) as typeof process.stdout.write;
  process.stdout.write = capture;
  process.stderr.write = capture;
  try {
    return { code: await main(argv), out: out.join('') };
  } finally {
    process.stdout.write = ow;
    process.stderr.write = ew;
  }
}
