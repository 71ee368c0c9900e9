/**
 * The human-readable summary `simulate` prints: every figure says where it came from.
 *
 * Phase: cli.
 */
import type { AcrossRuns, Result } from '../schema/result.js';
import { terminalSafe } from './common.js';
import type { Plan } from '../plan/types.js';
import { formatCoresBusy } from '../plan/result-parts.js';

/** Result warnings that state how a figure was obtained rather than a problem (docs/errors.md). */
const NOTES = new Set(['DS1812', 'DS1814']);

const f = (x: number, d = 2) => (Math.abs(x) >= 1000 ? x.toFixed(0) : x.toFixed(d));

export function formatSummary(r: Result, plan: Plan): string {
  const L: string[] = [];
  L.push(`${r.scenario.name}  [${r.source}]`);
  L.push(
    `  model ${r.model.name} (${r.model.profile} build, ${r.model.provenance}) · runtime ${r.runtime.flavor}` +
      `${r.runtime.flavor === 'multi_thread' ? ` ${r.runtime.workers} workers` : ''} · ${r.runtime.cores} core(s) · driver ${r.runtime.driver} · seed ${r.seed}`,
  );
  if (r.truncated) L.push(`  TRUNCATED: ${r.truncated.reason}`);
  L.push(
    `  simulated ${f(r.simulatedUs / 1000, 3)} ms · ${r.records} records (${r.recordsInFlight} in flight) · ${f(r.throughput.recordsPerSec, 0)} records/s`,
  );
  if (r.latencyUs.count > 0) {
    const l = r.latencyUs;
    L.push(
      `  latency µs  p50 ${f(l.p50)}  p90 ${f(l.p90)}  p99 ${f(l.p99)}  p999 ${f(l.p999)}  max ${f(l.max)}  mean ${f(l.mean)}`,
    );
  }
  L.push(`  yields/record ${f(r.yieldsPerRecord, 3)}`);
  if (r.runs && r.runs.count > 1) L.push(...formatRuns(r));
  if (r.runs?.why) L.push(`  ${r.runs.why}`);
  const total = r.cpuUs.total || 1;
  L.push(
    `  CPU µs: useful ${f(r.cpuUs.useful)} · waiting (yield/spin) ${f(r.cpuUs.waiting)} · scheduler ${f(r.cpuUs.scheduler)}`,
  );
  if (r.coresBusy) L.push(`  ${formatCoresBusy(r.coresBusy)}  [${r.coresBusy.basis}]`);
  const bd = Object.entries(r.breakdownUs)
    .filter(([, v]) => v > 0)
    .sort((a, b) => b[1] - a[1]);
  if (bd.length) {
    L.push('  where the CPU time went:');
    for (const [k, v] of bd.slice(0, 10))
      L.push(`    ${k.padEnd(14)} ${f(v).padStart(12)} µs  ${((v / total) * 100).toFixed(1).padStart(5)}%`);
  }
  L.push('  tasks:                elapsed µs     busy µs   polls  yields  waiting on');
  for (const [name, t] of Object.entries(r.tasks).slice(0, 16)) {
    const waits = Object.entries(t.waitUs)
      .filter(([, v]) => v > 0)
      .sort((a, b) => b[1] - a[1])
      .slice(0, 2)
      .map(([k, v]) => `${k} ${f(v / 1000, 1)}ms`)
      .join(', ');
    L.push(
      `    ${name.padEnd(18)} ${f(t.elapsedUs).padStart(12)} ${f(t.busyUs).padStart(11)} ${String(t.polls).padStart(7)} ${String(t.yields).padStart(7)}  ${waits}`,
    );
  }
  if (Object.keys(r.tasks).length > 16) L.push(`    … ${Object.keys(r.tasks).length - 16} more`);
  L.push('  workers:   busy µs   spin µs   idle µs  polls  driver  steals  parks  unparks');
  for (const w of r.workers)
    L.push(
      `    ${w.name.padEnd(14)} ${f(w.busyUs).padStart(9)} ${f(w.spinUs).padStart(9)} ${f(w.idleUs).padStart(9)} ${String(w.polls).padStart(6)} ${String(w.driverPolls).padStart(7)} ${String(w.steals).padStart(7)} ${String(w.parks).padStart(6)} ${String(w.unparks).padStart(8)}`,
    );
  const outs = Object.entries(r.outputs);
  if (outs.length) {
    L.push(`  outputs (derived, ${r.source === 'measured' ? 'measured' : 'predicted'}):`);
    for (const [k, v] of outs) L.push(`    ${k} = ${f(v, 3)}   (${plan.outputs[k]})`);
  }
  for (const w of r.warnings) L.push(`  ${NOTES.has(w.code) ? 'note' : 'warning'}: ${w.message} [${w.code}]`);
  L.push(`  engine: ${r.engine.events} events in ${f(r.engine.wallMs)} ms (${f(r.engine.eventsPerSec / 1e6)} M events/s)`);
  if (r.engine.threads) L.push(`  runs after run 0: ${r.engine.threads.why}`);
  const ff = r.engine.fastForward;
  if (ff)
    L.push(
      `  fast-forward: ${ff.jumps} jump(s) over cycles of idle spinning, ${f(ff.skippedUs / 1000, 3)} ms of simulated time counted, not stepped`,
    );
  return terminalSafe(L.join('\n') + '\n');
}

/** `p99 54 µs (runs: 41–63)`: a metric's median across runs and its p10–p90. */
function acrossLine(name: string, m: AcrossRuns | undefined, unit: string, d = 2): string | undefined {
  if (!m) return undefined;
  return `${name} ${f(m.median, d)}${unit} (runs: ${f(m.p10, d)}–${f(m.p90, d)})`;
}

/** The run set: what varied, and each headline metric's median with its p10–p90 across runs. */
export function formatRuns(r: Result): string[] {
  const runs = r.runs!;
  const m = runs.metrics;
  const varied = [
    r.source === 'measured' ? 'repeats of the real run' : 'seeds',
    runs.timerPhase === 'uniform'
      ? 'timer phase (uniform over the 1 ms tick)'
      : runs.timerPhase === 'pinned'
        ? undefined
        : undefined,
    runs.noise ? 'noise draws' : undefined,
    runs.runLevel?.speedSd !== undefined || runs.runLevel?.windowSpeedSd !== undefined
      ? `run-level speed (sd ${[
          runs.runLevel.speedSd !== undefined ? `${(100 * runs.runLevel.speedSd).toPrecision(2)} % between runs` : undefined,
          runs.runLevel.windowSpeedSd !== undefined
            ? `${(100 * runs.runLevel.windowSpeedSd).toPrecision(2)} % between calibration windows`
            : undefined,
        ]
          .filter((x) => x !== undefined)
          .join(', ')}, calibrated)`
      : undefined,
    runs.runLevel?.wakeSd !== undefined
      ? `run-level wake-up latency (sd ${(100 * runs.runLevel.wakeSd).toPrecision(2)} %, calibrated)`
      : undefined,
    runs.runLevel?.noiseSd !== undefined
      ? `run-level noise rate (sd ${(100 * runs.runLevel.noiseSd).toPrecision(2)} %, calibrated)`
      : undefined,
    runs.runLevel?.hostPolls
      ? `whether the VM host halt-polls (${runs.runLevel.hostPolls.filter((x) => x).length} of ${runs.runLevel.hostPolls.length} runs do, calibrated halt_poll_run_share)`
      : undefined,
    runs.runLevel?.episodes
      ? `host-contention episodes (${runs.runLevel.episodes.filter((x) => x > 0).length} of ${runs.runLevel.episodes.length} runs met one; calibrated episode_rate ${runs.runLevel.episodeRate} /s)`
      : undefined,
  ].filter((x) => x !== undefined);
  const unknownLevel = runs.runLevel?.unknown?.length
    ? `; run-level variation unknown (model lacks ${runs.runLevel.unknown.join(', ')})`
    : '';
  const L = [
    `  across ${runs.count} runs (${varied.join(', ')}${runs.timerPhase === 'pinned' ? '; timer phase pinned' : ''}${runs.noise === false ? '; no platform noise' : ''}${unknownLevel}): median (runs: p10–p90); body of run ${runs.representative}`,
  ];
  const lat = ['p50', 'p90', 'p99', 'p999', 'max']
    .map((k) => acrossLine(k, m[`${k}Us`], ' µs'))
    .filter((x): x is string => x !== undefined);
  const thr = acrossLine('throughput', m.recordsPerSec, ' records/s', 0);
  if (thr) L.push(`    ${thr}`);
  for (let i = 0; i < lat.length; i += 3) L.push(`    ${lat.slice(i, i + 3).join(' · ')}`);
  const y = acrossLine('yields/record', m.yieldsPerRecord, '', 3);
  const c = acrossLine('CPU', m.cpuUs, ' µs');
  if (y && c) L.push(`    ${y} · ${c}`);
  return L;
}
