/**
 * Calibration rules for the host and the run rather than one operation (derive.ts's table): the
 * noise benchmark's pauses and their rate, the host-contention episodes (episodes.ts), and the
 * between-run dispersions of speed, wake-ups and noise (run-level.ts).
 *
 * Phase: calibrate.
 */
import { runLevelEstimate, runNoiseLevels, runSpeedLevels, runWakeLevels, WAKE_BENCHES, type RunLevel } from './run-level.js';
import { latencyEstimate, type Estimate } from './fit.js';
import { median } from './stats.js';
import { describeEpisodeFit, fitEpisodes, noiseEpisodeStalls, type EpisodeFit } from './episodes.js';
import type { Deriver } from './derive.js';
import { describe, isMissing, type Missing, type Outcome } from './derive-kit.js';
import { windowSpeedRule } from './window.js';

/**
 * The noise benchmark's pauses of a spinning thread, less those inside host-contention stretches
 * (noiseEpisodeStalls): inside an episode the simulator pauses a running thread with
 * episode_wake_latency instead, so those stalls would be drawn twice.
 */
export function noisePause(d: Deriver): Outcome {
  const recs = d.fitter.output.latencies.filter((l) => l.bench === 'noise');
  const stalls = noiseEpisodeStalls(recs);
  const kept = recs.filter((l) => !stalls.has(l));
  if (kept.length < 2) return { missing: describe('noise', {}, 'latency') };
  const left = stalls.size > 0 ? `; ${stalls.size} ms-class pauses in host-contention stretches left out (episode_*)` : '';
  const est = latencyEstimate(
    kept.map((l) => l.ns),
    `noise{} quantiles${left}`,
    [...new Set(kept.map((l) => l.header))],
    d.fitter.options,
    'noise',
    false,
  );
  return { est, provenance: 'calibrated' };
}

export function noiseRate(d: Deriver): Outcome {
  const rates = d.fitter.summaryValues('noise', 'pausesPerSec');
  if (rates.length === 0) return { missing: "a summary line of benchmark 'noise' with pausesPerSec" };
  const pauses = d.fitter.summaryValues('noise', 'pauses').reduce((a, b) => a + b, 0);
  const est: Estimate = {
    value: median(rates),
    boot: [],
    samples: pauses,
    outliers: 0,
    source: `noise summary pausesPerSec (median of ${rates.length} runs)`,
    headers: [],
  };
  return { est, provenance: 'calibrated' };
}

const episodeFits = new WeakMap<object, EpisodeFit>();
/** The episode fit of the probe output (calibrate/episodes.ts), once per output. */
function episodeFit(d: Deriver): EpisodeFit {
  let f = episodeFits.get(d.fitter.output);
  if (!f) episodeFits.set(d.fitter.output, (f = fitEpisodes(d.fitter.output.latencies)));
  return f;
}

/** Fewest episodes a rate and a duration distribution rest on. */
const MIN_EPISODES = 2;

function episodesMissing(f: EpisodeFit): Missing | undefined {
  if (f.sequences === 0) return { missing: describe('xwake', {}, 'latency') };
  if (f.episodes.length < MIN_EPISODES)
    return {
      missing: `${MIN_EPISODES} or more host-contention episodes in the time-ordered xwake wake-ups (${describeEpisodeFit(f)}; rate 95 % upper bound ${f.ci95[1].toFixed(2)}/s): too few to fit, the model gets no episodes`,
    };
  return undefined;
}

/** episode_rate: episodes per second of observed wake-up time, with its Poisson 95 % interval. */
export function episodeRate(d: Deriver): Outcome {
  const f = episodeFit(d);
  const m = episodesMissing(f);
  if (m) return m;
  const est: Estimate = {
    value: f.rate,
    boot: [],
    ci95: f.ci95,
    samples: f.episodes.length,
    outliers: 0,
    source: describeEpisodeFit(f),
    headers: f.headers,
  };
  return {
    est,
    provenance: 'calibrated',
    note: `${f.episodes.length} episodes: a rough rate (95 % ${f.ci95[0].toFixed(2)}–${f.ci95[1].toFixed(2)}/s); host contention depends on other tenants' load`,
  };
}

export function episodeDistribution(d: Deriver, what: 'duration' | 'wake'): Outcome {
  const f = episodeFit(d);
  const m = episodesMissing(f);
  if (m) return m;
  const values = what === 'duration' ? f.episodes.map((e) => e.durationNs) : f.wakeNs;
  const est = latencyEstimate(
    values,
    `${describeEpisodeFit(f)}: ${what === 'duration' ? "the episodes' durations" : 'the wake-ups sent during an episode'} quantiles`,
    f.headers,
    d.fitter.options,
    `episode_${what}`,
  );
  return {
    est,
    provenance: 'calibrated',
    note:
      what === 'duration'
        ? `${f.episodes.length} episodes`
        : 'the slow ones are above the far fence the ordinary wake-up fits leave out, so they count here only',
  };
}

/** A run-level dispersion parameter (run-level.ts): needs two probe runs or more. */
function runLevelRule(rl: RunLevel | undefined, what: string): Outcome {
  if (!rl)
    return {
      missing: `two or more probe runs that measure ${what} (calibrate --runs ≥ 2): with one run the between-run dispersion is unknown`,
    };
  return {
    est: runLevelEstimate(rl, what),
    provenance: 'calibrated',
    note:
      rl.runs < 5
        ? `from ${rl.runs} runs only: a rough figure (a standard deviation from n runs is uncertain by about 1/√(2(n−1)) of itself)`
        : undefined,
  };
}

/** run_speed_sd: the between-run dispersion of the slope benchmarks' per-op costs. */
export function runSpeedSd(d: Deriver): Outcome {
  return runLevelRule(runSpeedLevels(d.fitter.output), 'the slope benchmarks’ per-op costs');
}

/** run_wake_sd: the between-run dispersion of the wake-up benchmarks. */
export function runWakeSd(d: Deriver): Outcome {
  return runLevelRule(runWakeLevels(d.fitter.output), `the wake-up benchmarks (${WAKE_BENCHES.join(', ')})`);
}

/** window_speed_sd (window.ts): this calibration's calibrated costs against calibrate --windows'. */
export function windowSpeedSd(d: Deriver): Outcome {
  return windowSpeedRule(d.fitter.options.windows, (n) => {
    const o = d.get(n);
    return !isMissing(o) && o.provenance === 'calibrated' ? o.est.value : undefined;
  });
}

/** run_noise_sd: the between-run dispersion of the noise benchmark's paused fraction. */
export function runNoiseSd(d: Deriver): Outcome {
  return runLevelRule(runNoiseLevels(d.fitter.output), 'the noise benchmark’s paused fraction (pauses/s × mean pause)');
}
