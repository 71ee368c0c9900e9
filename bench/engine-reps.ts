/**
 * `npm run bench`'s engine cases (run.ts), shared with lone-flavor.ts: the yield-spinner scenario,
 * one timed repetition of the engine and of the bare loop, and the interleaved series of both.
 */
import type { Scenario } from '../src/schema/scenario.js';
import type { CostModel } from '../src/schema/model.js';
import { normalizeScenario } from '../src/plan/normalize.js';
import { simulate } from '../src/runtime/simulate.js';
import { readFileSync } from 'node:fs';
import { bareYieldRounds } from './bare-loop.js';

export const model = JSON.parse(
  readFileSync(new URL('../../models/tokio-1.24-2vcpu-release.json', import.meta.url), 'utf8'),
) as CostModel;

export const REPS = 5;

export function spinners(flavor: 'current_thread' | 'multi_thread', records: number): Scenario {
  return {
    name: `bench/yield-${flavor}`,
    runtime: flavor === 'multi_thread' ? { flavor, workers: 2 } : { flavor },
    machine: { cores: 2 },
    template: { kind: 'multi_yield', tasks: 8, records, yieldsPerRecord: 20 },
  };
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** One timed repetition: wake-ups (task polls + driver polls) and events, wall and CPU time of this process. */
export interface Rep {
  wakeups: number;
  events: number;
  wallMs: number;
  cpuMs: number;
}

// CPU time of this process beside wall time: on a shared machine the wall time also counts the
// time the process waited for a core. Both sides of every ratio are timed the same way.
const cpuMsSince = (u0: NodeJS.CpuUsage) => {
  const u = process.cpuUsage(u0);
  return (u.user + u.system) / 1000;
};

export function timed(f: () => { wakeups: number; events: number }): Rep {
  const u0 = process.cpuUsage();
  const t0 = performance.now();
  const r = f();
  const wallMs = performance.now() - t0;
  return { ...r, wallMs, cpuMs: cpuMsSince(u0) };
}

export function engineRep(s: Scenario): Rep {
  const plan = normalizeScenario(s, { model, noise: false });
  return timed(() => {
    // Raw engine speed: every event stepped (fast-forward would count skipped events too).
    const r = simulate(plan, model, { fastForward: false });
    return { events: r.engine.events, wakeups: r.workers.reduce((a, w) => a + w.polls + w.driverPolls, 0) };
  });
}

export function bareRep(): Rep {
  return timed(() => ({ ...bareYieldRounds(8, 20000, 20), events: 0 }));
}

/** Wake-ups per second (wall or CPU time) of each repetition. */
export const wps = (reps: Rep[], cpu: boolean) => reps.map((r) => r.wakeups / ((cpu ? r.cpuMs : r.wallMs) / 1000));
/** Median of the per-repetition ratios a[i] / b[i] (repetitions interleaved: each pair ran back to back). */
export const pairRatio = (a: number[], b: number[]) => median(a.map((x, i) => x / b[i]));

/**
 * The engine against the bare loop, interleaved (engine, bare, engine, bare, …) so that each
 * ratio compares two runs made under the same machine load; medians of REPS.
 */
export function versusBare(s: Scenario): { eng: Rep[]; bare: Rep[] } {
  const eng: Rep[] = [];
  const bare: Rep[] = [];
  for (let i = 0; i < REPS; i++) {
    eng.push(engineRep(s));
    bare.push(bareRep());
  }
  return { eng, bare };
}

/**
 * Warm-up of the engine: the first simulators of a process run deoptimised code (V8 re-optimises
 * the hot loop after the first instances' field types settle), which took 2–3 of the 5 repetitions.
 */
export const warmUp = (flavor: 'current_thread' | 'multi_thread') => {
  for (let i = 0; i < 3; i++) engineRep(spinners(flavor, 2000));
};
