/**
 * One of `npm run bench`'s engine cases, alone, for profiling (`node --cpu-prof dist/bench/hot-case.js ct|mt [reps]`):
 * 8 yield spinners × 20 yields × 20,000 records, fast-forward off, the idealised machine. Prints
 * the wake-ups per CPU second of each repetition and the bare loop's in the same process.
 */
import type { Scenario } from '../src/schema/scenario.js';
import type { CostModel } from '../src/schema/model.js';
import { normalizeScenario } from '../src/plan/normalize.js';
import { simulate } from '../src/runtime/simulate.js';
import { readFileSync } from 'node:fs';
import { bareYieldRounds } from './bare-loop.js';

const model = JSON.parse(
  readFileSync(new URL('../../models/tokio-1.24-2vcpu-release.json', import.meta.url), 'utf8'),
) as CostModel;
const flavor = process.argv[2] === 'mt' ? 'multi_thread' : 'current_thread';
const reps = Number(process.argv[3] ?? 3);
const s: Scenario = {
  name: `bench/yield-${flavor}`,
  runtime: flavor === 'multi_thread' ? { flavor, workers: 2 } : { flavor },
  machine: { cores: 2 },
  template: { kind: 'multi_yield', tasks: 8, records: 20000, yieldsPerRecord: 20 },
};
const plan = normalizeScenario(s, { model, noise: false });
// CPU time of this process, not wall time: on a shared machine the wall time mostly says how long
// the process waited for a core.
const cpuMs = (since: NodeJS.CpuUsage) => {
  const u = process.cpuUsage(since);
  return (u.user + u.system) / 1000;
};
for (let i = 0; i < reps; i++) {
  const t0 = process.cpuUsage();
  const r = simulate(plan, model, { fastForward: false });
  const ms = cpuMs(t0);
  const wakeups = r.workers.reduce((a, w) => a + w.polls + w.driverPolls, 0);
  const b0 = process.cpuUsage();
  const bare = bareYieldRounds(8, 20000, 20).wakeups;
  const bms = cpuMs(b0);
  console.log(
    `${flavor}: ${(wakeups / ms / 1e3).toFixed(2)} M wake-ups/s (${ms.toFixed(0)} ms CPU), bare ${(bare / bms / 1e3).toFixed(1)} M/s, ratio ${(wakeups / ms / (bare / bms)).toFixed(3)}`,
  );
}
