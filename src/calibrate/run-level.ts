/**
 * Run-level variation from between-run dispersion: what a real run does not control at run
 * level (how fast the machine is during that run, how quickly its OS wakes threads), estimated
 * from how whole probe runs differ from one another (`calibrate --runs N`, each run one header).
 *
 * Phase: calibrate (pure). For each configuration measured in every run, each run's median
 * (per-iteration cost of a slope benchmark, or observation of a latency benchmark) is taken
 * relative to the configurations's geometric mean over the runs; a run's level is the median of
 * those log ratios over the configurations (independent measurement noise of one configuration
 * averages out, what moves them all together stays); the parameter is the sample standard
 * deviation of the runs' levels. One run has no dispersion: the estimate is missing ("unknown").
 */
import type { Estimate } from './fit.js';
import { median } from './stats.js';
import { paramsKey, type ProbeOutput } from './probe-output.js';

export interface RunLevel {
  /** Standard deviation of the runs' log levels (sample, n − 1). */
  sd: number;
  /** Each run's log level (run = header index that has data), in header order. */
  levels: number[];
  runs: number;
  configs: number;
}

/** Fewest configurations a level rests on: fewer measure one benchmark's noise, not the run's. */
export const MIN_RUN_LEVEL_CONFIGS = 3;

/**
 * Per-run levels of the records `values` yields (config key, header, value); undefined with
 * fewer than two runs or too few configurations measured in all of them.
 */
function levels(rows: readonly { key: string; header: number; v: number }[]): RunLevel | undefined {
  const byConfig = new Map<string, Map<number, number[]>>();
  const headers = new Set<number>();
  for (const r of rows) {
    if (!(r.v > 0)) continue;
    headers.add(r.header);
    let m = byConfig.get(r.key);
    if (!m) byConfig.set(r.key, (m = new Map()));
    const xs = m.get(r.header);
    if (xs) xs.push(r.v);
    else m.set(r.header, [r.v]);
  }
  const runs = [...headers].sort((a, b) => a - b);
  if (runs.length < 2) return undefined;
  const logs: number[][] = runs.map(() => []);
  let configs = 0;
  for (const m of byConfig.values()) {
    if (runs.some((h) => !m.has(h))) continue;
    const l = runs.map((h) => Math.log(median(m.get(h)!)));
    const mean = l.reduce((a, b) => a + b, 0) / l.length;
    l.forEach((x, i) => logs[i].push(x - mean));
    configs++;
  }
  if (configs < MIN_RUN_LEVEL_CONFIGS) return undefined;
  const lv = logs.map((xs) => median(xs));
  const mu = lv.reduce((a, b) => a + b, 0) / lv.length;
  const sd = Math.sqrt(lv.reduce((a, x) => a + (x - mu) * (x - mu), 0) / (lv.length - 1));
  return { sd, levels: lv, runs: runs.length, configs };
}

/** The runtime's speed: every slope benchmark's per-iteration cost. */
export function runSpeedLevels(out: ProbeOutput): RunLevel | undefined {
  return levels(out.samples.map((s) => ({ key: `${s.bench} ${paramsKey(s.params)}`, header: s.header, v: s.totalNs / s.iters })));
}

/** Benchmarks that time an OS wake-up of a parked thread. */
export const WAKE_BENCHES: readonly string[] = ['xwake', 'steal_wake'];

/** The OS wake-up latency: the wake-up benchmarks' observations. */
export function runWakeLevels(out: ProbeOutput): RunLevel | undefined {
  return levels(
    out.latencies
      .filter((l) => WAKE_BENCHES.includes(l.bench))
      .map((l) => ({ key: `${l.bench} ${paramsKey(l.params)}`, header: l.header, v: l.ns })),
  );
}

/**
 * The platform noise's intensity: the share of its running time the noise benchmark lost to pauses
 * (its summary's pausedFraction: rate × mean pause) in each run. One configuration only — the
 * benchmark is the run's noise, there is no other benchmark's noise to average out — so the level
 * of a run is its log share relative to the runs' mean (several noise summaries in one run: their
 * median). The rate and the pause lengths both move between runs (on this project's VM: 1,534 to
 * 6,595 pauses/s in one calibration, 1,333 each run but a median pause of 20 to 30 µs in
 * another); their product is what a run loses.
 */
export function runNoiseLevels(out: ProbeOutput): RunLevel | undefined {
  const byHeader = new Map<number, number[]>();
  for (const s of out.summaries) {
    const f = s.bench === 'noise' ? s.fields.pausedFraction : undefined;
    if (typeof f !== 'number' || !(f > 0) || !Number.isFinite(f)) continue;
    const xs = byHeader.get(s.header);
    if (xs) xs.push(f);
    else byHeader.set(s.header, [f]);
  }
  const runs = [...byHeader.keys()].sort((a, b) => a - b);
  if (runs.length < 2) return undefined;
  const l = runs.map((h) => Math.log(median(byHeader.get(h)!)));
  const mu = l.reduce((a, b) => a + b, 0) / l.length;
  const lv = l.map((x) => x - mu);
  const sd = Math.sqrt(lv.reduce((a, x) => a + x * x, 0) / (lv.length - 1));
  return { sd, levels: lv, runs: runs.length, configs: 1 };
}

/** As an Estimate for the model (no bootstrap: the runs are the replicates). */
export function runLevelEstimate(rl: RunLevel, what: string): Estimate {
  const pct = rl.levels.map((l) => `${l >= 0 ? '+' : ''}${(100 * (Math.exp(l) - 1)).toFixed(1)} %`).join(', ');
  return {
    value: rl.sd,
    boot: [],
    samples: rl.runs,
    outliers: 0,
    source: `between-run dispersion of ${what} over ${rl.runs} probe runs (${rl.configs} configuration${rl.configs === 1 ? '' : 's'}; runs' levels ${pct}): sd of log level`,
    headers: [],
  };
}
