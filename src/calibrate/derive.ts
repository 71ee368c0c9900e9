/**
 * Maps probe benchmarks to the mechanistic parameters of `model/parameters.ts`.
 *
 * Phase: calibrate. One rule per parameter. A rule either reads a measurement directly
 * (`calibrated`: a slope, a quantile set, a fit across configurations, or an exact difference
 * of two measurements of the same code path) or derives the parameter from other measured ones
 * with a formula written in its note (`inferred`: the probe cannot isolate it). A rule whose
 * inputs are absent says which benchmark it needs; nothing is ever filled in silently.
 * Current_thread configurations are the reference unless a parameter is about multi_thread.
 */
import { runLevelEstimate, runNoiseLevels, runSpeedLevels, runWakeLevels, WAKE_BENCHES, type RunLevel } from './run-level.js';
import { combine, fitLinear, fitReciprocal, latencyEstimate, type Estimate, type Filter, type Fitter } from './fit.js';
import { bootstrap, median } from './stats.js';
import { Prng } from '../engine/prng.js';
import {
  fitHaltPollMax,
  fitHaltPollWindow,
  type HaltPollFit,
  type HaltPollMaxFit,
  type IdleWake,
  hostPollShare,
} from './halt-poll.js';
import type { ParameterName } from '../model/parameters.js';
import { windowSpeedRule } from './window.js';
import { describeEpisodeFit, fitEpisodes, noiseEpisodeStalls, type EpisodeFit } from './episodes.js';

export interface Derived {
  est: Estimate;
  provenance: 'calibrated' | 'inferred';
  note?: string;
}
export interface Missing {
  missing: string;
}
export type Outcome = Derived | Missing;

export function isMissing(o: Outcome): o is Missing {
  return (o as Missing).missing !== undefined;
}

/** Lazily resolves parameters (rules may depend on other parameters); memoized. */
export class Deriver {
  private readonly done = new Map<string, Outcome>();
  /** @param overrides parameters taken as given (e.g. imported from criterion), not derived */
  constructor(
    readonly fitter: Fitter,
    overrides: ReadonlyMap<string, Derived> = new Map(),
  ) {
    for (const [k, v] of overrides) this.done.set(k, v);
  }

  get(name: string): Outcome {
    let o = this.done.get(name);
    if (!o) {
      const rule = (RULES as Record<string, Rule | undefined>)[name];
      if (!rule) throw new Error(`internal: no calibration rule for parameter ${name}`);
      o = rule(this);
      this.done.set(name, o);
    }
    return o;
  }

  /** Estimates of `names`, or the first missing one. */
  all(names: string[]): Estimate[] | Missing {
    const out: Estimate[] = [];
    for (const n of names) {
      const o = this.get(n);
      if (isMissing(o)) return { missing: `${o.missing} (via ${n})` };
      out.push(o.est);
    }
    return out;
  }
}

type Rule = (d: Deriver) => Outcome;

const CT: Filter = { flavor: 'ct' };

function slope(d: Deriver, bench: string, filter: Filter): Outcome {
  const est = d.fitter.slope(bench, filter);
  return est ? { est, provenance: 'calibrated' } : { missing: describe(bench, filter, 'sample') };
}

function describe(bench: string, filter: Filter, kind: string): string {
  const f = Object.entries(filter).map(([k, v]) => `${k}=${v}`);
  return `${kind} lines of benchmark '${bench}'${f.length ? ` with ${f.join(' ')}` : ''}`;
}

/** measured − Σ parameters, computed replicate by replicate. */
function difference(
  d: Deriver,
  bench: string,
  filter: Filter,
  minus: string[],
  provenance: Derived['provenance'],
  note: string,
): Outcome {
  const base = d.fitter.slope(bench, filter);
  if (!base) return { missing: describe(bench, filter, 'sample') };
  const parts = d.all(minus);
  if (!Array.isArray(parts)) return parts;
  const est = combine(
    [base, ...parts],
    (v) => v[0] - v.slice(1).reduce((a, b) => a + b, 0),
    `${base.source} − ${minus.join(' − ')}`,
  );
  return { est, provenance, note };
}

/** Sum of other parameters (an inferred upper bound or composition). */
function sumOf(d: Deriver, names: string[], note: string, extra: Estimate[] = []): Outcome {
  const parts = d.all(names);
  if (!Array.isArray(parts)) return parts;
  const est = combine(
    [...parts, ...extra],
    (v) => v.reduce((a, b) => a + b, 0),
    [...names, ...extra.map((e) => e.source)].join(' + '),
  );
  return { est, provenance: 'inferred', note };
}

/** Fit per-poll cost vs 1/`key` over the configurations matching `filter`. */
function reciprocal(d: Deriver, bench: string, filter: Filter, key: string): Outcome {
  const pts = d.fitter
    .configs(bench, filter)
    .map((p) => ({ x: Number(p[key]), est: d.fitter.slope(bench, p) }))
    .filter((p): p is { x: number; est: Estimate } => p.est !== undefined && p.x > 0);
  const est = fitReciprocal(
    pts,
    `${bench}{${Object.entries(filter)
      .map(([k, v]) => `${k}=${v}`)
      .join(' ')}}: per-poll cost vs 1/${key}, OLS slope over ${key} ∈ {${pts.map((p) => p.x).join(', ')}}`,
  );
  return est ? { est, provenance: 'calibrated' } : { missing: `${describe(bench, filter, 'sample')} at ≥ 2 values of ${key}` };
}

/**
 * yield_extra: what a `yield_now` adds to a poll, per yielding task. K tasks yielding in rounds
 * on current_thread (yield_round, timer driver, K = 1…64): a round costs a + b·K, where a is the
 * round's own part (the pick that finds the queue empty, the driver poll, draining the defer
 * list) and b what each yielder adds (its poll, its waker pushed on the defer list, its
 * re-schedule); yield_extra = b − poll_self, which is how the simulator charges a round (§9 P2,
 * P4). A lone yield loop cannot tell the two apart: the round's own overhead beyond the driver
 * poll lands on its one yield, and was then charged K times in a round of K (1.24's ct-yield-4p
 * predicted 27 % fewer yields than measured). Probe output without yield_round lines falls back
 * to the lone loop, with a note saying so.
 */
function yieldExtra(d: Deriver): Outcome {
  const filter: Filter = { ...CT, driver: 'timer' };
  const pts = d.fitter
    .configs('yield_round', filter)
    .map((p) => ({ x: Number(p.k), est: d.fitter.slope('yield_round', p) }))
    .filter((p): p is { x: number; est: Estimate } => p.est !== undefined && p.x > 0)
    .sort((a, b) => a.x - b.x);
  const perYielder = fitLinear(
    pts,
    `yield_round{flavor=ct driver=timer}: per-round cost vs K, OLS slope over K ∈ {${pts.map((p) => p.x).join(', ')}}`,
  );
  if (!perYielder)
    return difference(
      d,
      'yield_lone',
      { ...CT, driver: 'none', in: 'task' },
      ['poll_self', 'driver_poll_none'],
      'calibrated',
      'lone yield_now with no driver minus a self-wake poll and one driver poll (§9 P2); no yield_round lines at ≥ 2 values of k, so the round’s own overhead beyond the driver poll is counted in here too (an over-estimate for rounds of several yielders)',
    );
  const poll = d.get('poll_self');
  if (isMissing(poll)) return poll;
  const est = combine([perYielder, poll.est], (v) => v[0] - v[1], `${perYielder.source} − poll_self`);
  return {
    est,
    provenance: 'calibrated',
    note: 'what each yielder adds to a current_thread yield round (slope over K of round(K) = a + b·K) minus a self-wake poll (§9 P2, P4)',
  };
}

function driverPoll(kind: string): Rule {
  return (d) => reciprocal(d, 'driver_poll', { ...CT, driver: kind }, 'evi');
}

/** δ_park: an idle sleep(d) takes (⌊d/1 ms⌋ + 1) whole 1-ms ticks plus the OS overshoot. */
function parkOvershoot(d: Deriver): Outcome {
  const values: number[] = [];
  const headers = new Set<number>();
  // 500 µs is left out: whether its deadline crosses one tick boundary or two depends on where
  // in the millisecond it was registered, so its wall time is bimodal (§10.4 mean 1598 µs).
  for (const dUs of [0, 1, 100, 1000, 2000]) {
    const { values: v, headers: h } = d.fitter.latencyValues('sleep', { ...CT, load: 'idle', driver: 'timer', d_us: dUs });
    const parkNs = (Math.floor(dUs / 1000) + 1) * 1e6;
    for (const ns of v) values.push(Math.max(0, ns - parkNs));
    h.forEach((x) => headers.add(x));
  }
  if (values.length < 2) return { missing: describe('sleep', { ...CT, load: 'idle', driver: 'timer' }, 'latency') };
  const est = latencyEstimate(
    values,
    'sleep{ct idle timer, d_us ∈ 0,1,100,1000,2000}: wall time − (⌊d/1ms⌋+1) ms, quantiles',
    [...headers],
    d.fitter.options,
    'park_overshoot',
    true,
  );
  return { est, provenance: 'calibrated', note: 'overshoot of the idle park beyond the whole-millisecond timer deadline' };
}

/**
 * The noise benchmark's pauses of a spinning thread, less those inside host-contention stretches
 * (noiseEpisodeStalls): inside an episode the simulator pauses a running thread with
 * episode_wake_latency instead, so those stalls would be drawn twice.
 */
function noisePause(d: Deriver): Outcome {
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

/** A latency-type benchmark's distribution; `trimFarOut`: see `latencyEstimate`. */
function latency(d: Deriver, bench: string, filter: Filter, trimFarOut = false): Outcome {
  const est = d.fitter.latency(bench, filter, trimFarOut);
  return est ? { est, provenance: 'calibrated' } : { missing: describe(bench, filter, 'latency') };
}

/**
 * An outside thread waking the parked runtime thread, with the two on different CPUs (xwake
 * pin=apart): on a VM that wake-up is an interrupt to a halted vCPU, 5–8× one on the sender's
 * own CPU, and the OS puts a sender beside an idle runtime thread but not beside a busy one —
 * an unplaced xwake (its receiver does nothing) measures the fast case, which the runtimes the
 * scenarios describe do not get. Probe output from before the `pin` parameter, or from a
 * one-CPU machine, falls back to the OS's placement, with a note saying so.
 */
function wakeLatency(d: Deriver): Outcome {
  const base = { ...CT, driver: 'timer', in: 'task', g: 500 };
  const apart = d.fitter.latency('xwake', { ...base, pin: 'apart' }, true);
  if (apart)
    return { est: apart, provenance: 'calibrated', note: 'sender thread and runtime thread on different CPUs (xwake pin=apart)' };
  const os = d.fitter.latency('xwake', { ...base, pin: 'none' }, true) ?? d.fitter.latency('xwake', base, true);
  if (!os) return { missing: describe('xwake', { ...base, pin: 'apart' }, 'latency') };
  return {
    est: os,
    provenance: 'calibrated',
    note: 'sender placed by the OS (no xwake pin=apart in the probe output): likely on the runtime thread’s CPU, which wakes it several times faster than a busy runtime is woken',
  };
}

/**
 * wake_latency_packed: the runtime thread woken by a sender on its own CPU (xwake pin=together):
 * what a source thread without a CPU of its own gets, since the guest places the woken thread on
 * its waker's vCPU (docs/semantics.md, "vCPU packing"). No fallback: an unplaced xwake mixes both.
 */
function wakeLatencyPacked(d: Deriver): Outcome {
  const est = d.fitter.latency('xwake', { ...CT, driver: 'timer', in: 'task', g: 500, pin: 'together' }, true);
  if (!est) return { missing: describe('xwake', { ...CT, driver: 'timer', in: 'task', g: 500, pin: 'together' }, 'latency') };
  return { est, provenance: 'calibrated', note: 'sender thread and runtime thread on one CPU (xwake pin=together)' };
}

/**
 * source_exit_latency: the runtime thread woken by a sender on its own CPU that exits right after
 * the send (exit_wake pin=together), as the probe's source thread does after its last batch. The
 * same placement as wake_latency_packed's xwake; no fallback (an unplaced run mixes placements).
 */
function sourceExitLatency(d: Deriver): Outcome {
  const cfg = { ...CT, driver: 'timer', g: 500, pin: 'together' } as const;
  const est = d.fitter.latency('exit_wake', cfg, true);
  if (!est) return { missing: describe('exit_wake', cfg, 'latency') };
  return {
    est,
    provenance: 'calibrated',
    note: 'sender thread exits right after its send, on the runtime thread’s CPU (exit_wake pin=together)',
  };
}

/** xwake's configuration whose wake-ups carry the receiver's idle time (halt-poll.ts). */
const XWAKE_SPREAD = { ...CT, driver: 'timer', in: 'task', pin: 'apart', g: 0 } as const;

function idleWakes(d: Deriver): { obs: IdleWake[]; headers: number[] } {
  const recs = d.fitter.output.latencies.filter(
    (l) =>
      l.bench === 'xwake' &&
      l.idleNs !== undefined &&
      Object.entries(XWAKE_SPREAD).every(([k, v]) => String(l.params[k]) === String(v)),
  );
  return { obs: recs.map((r) => ({ idleNs: r.idleNs ?? 0, ns: r.ns })), headers: [...new Set(recs.map((r) => r.header))] };
}

const SPREAD_SOURCE = 'xwake{driver=timer flavor=ct g=0 g_spread>0 in=task pin=apart} (latency, idleNs)';

/** The fit, or why there is none (as a Missing). */
function haltPollFit(d: Deriver): { fit: HaltPollFit; obs: IdleWake[]; headers: number[] } | Missing {
  const { obs, headers } = idleWakes(d);
  if (obs.length === 0) return { missing: `latency lines with idleNs of ${SPREAD_SOURCE}` };
  const fit = fitHaltPollWindow(obs);
  if (typeof fit === 'string') return { missing: `${SPREAD_SOURCE}: ${fit}` };
  return { fit, obs, headers };
}

/**
 * halt_poll_window: the receiver's idle time that best separates fast wake-ups from slow ones
 * (halt-poll.ts), bootstrapped over the wake-ups.
 */
function haltPollWindow(d: Deriver): Outcome {
  const f = haltPollFit(d);
  if ('missing' in f) return f;
  const prng = new Prng(d.fitter.options.seed, 'halt_poll_window');
  const boot = bootstrap(
    f.obs,
    (s) => {
      const r = fitHaltPollWindow(s);
      return typeof r === 'string' ? undefined : r.windowNs;
    },
    prng,
    Math.min(d.fitter.options.resamples, 200),
  );
  const { fit } = f;
  const est: Estimate = {
    value: fit.windowNs,
    boot,
    samples: f.obs.length,
    outliers: 0,
    source: `${SPREAD_SOURCE}: latencies split at ${Math.round(fit.splitNs)} ns; ${fit.below} wake-ups below the window (${Math.round(fit.fastBelow * 100)} % fast), ${fit.above} above (${Math.round(fit.fastAbove * 100)} % fast)`,
    headers: f.headers,
  };
  return {
    est,
    provenance: 'calibrated',
    note: 'the idle time below which a wake-up from another CPU is mostly fast (the CPU still polling, not halted)',
  };
}

const STEADY_SOURCE = 'xwake{driver=timer flavor=ct g>0 in=task pin=apart} (latency, idleNs; one run per gap)';

/**
 * xwake pin=apart at fixed gaps (g > 0 with idleNs): each (probe run, gap) is one run of steady
 * idles, its wake-ups in the order sent, so KVM's adaptive window can be replayed over it.
 */
function steadyWakes(d: Deriver): { runs: IdleWake[][]; probeRun: number[]; headers: number[] } {
  const base = { ...CT, driver: 'timer', in: 'task', pin: 'apart' } as const;
  const groups = new Map<string, { header: number; wakes: IdleWake[] }>();
  const headers = new Set<number>();
  for (const l of d.fitter.output.latencies) {
    if (l.bench !== 'xwake' || l.idleNs === undefined || !(Number(l.params.g) > 0)) continue;
    if (!Object.entries(base).every(([k, v]) => String(l.params[k]) === String(v))) continue;
    const key = `${l.header} ${String(l.params.g)} ${String(l.params.g_spread)}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { header: l.header, wakes: [] }));
    g.wakes.push({ idleNs: l.idleNs, ns: l.ns });
    headers.add(l.header);
  }
  const gs = [...groups.values()];
  return { runs: gs.map((g) => g.wakes), probeRun: gs.map((g) => g.header), headers: [...headers] };
}

function haltPollMaxFit(d: Deriver): { fit: HaltPollMaxFit; headers: number[] } | Missing {
  const { runs, probeRun, headers } = steadyWakes(d);
  if (runs.length === 0) return { missing: `latency lines with idleNs of ${STEADY_SOURCE}` };
  const fit = fitHaltPollMax(runs, probeRun);
  if (typeof fit === 'string') return { missing: `${STEADY_SOURCE}: ${fit}` };
  return { fit, headers };
}

/**
 * halt_poll_max: the KVM halt-polling maximum whose adaptive window (grown ×2 from 10 µs after
 * short halts, halved after long ones) best tells which steady-gap wake-ups were fast.
 */
function haltPollMax(d: Deriver): Outcome {
  const f = haltPollMaxFit(d);
  if ('missing' in f) return f;
  const { fit } = f;
  const est: Estimate = {
    value: fit.maxNs,
    boot: [],
    samples: fit.n,
    outliers: 0,
    source: `${STEADY_SOURCE}: latencies split at ${fit.splitNs} ns (${fit.fast} of ${fit.n} fast); KVM's adaptive window with this maximum (grow ×2 from 10 µs, shrink ÷2) replayed per run, the host polling in ${fit.pollingRuns} of ${fit.probeRuns} probe runs (inside the window ${pctOf(fit.warmShare)} of ${fit.inWindow} wake-ups fast, outside it ${pctOf(fit.outsideShare)} of ${fit.outside}; in the other runs none warm), classifies ${fit.agree} of ${fit.n} (the smallest maximum doing best, on a 10 µs grid)`,
    headers: f.headers,
  };
  return {
    est,
    provenance: 'calibrated',
    note: "a VM host's adaptive halt-polling: a runtime thread that parks for steady short times is woken warm (with probability halt_poll_warm_share), one that parks longer than this cold",
  };
}

function pctOf(x: number): string {
  return `${(x * 100).toFixed(1)} %`;
}

/**
 * halt_poll_warm_share: of the wake-ups inside the replayed adaptive window, in the probe runs
 * whose host polled, the share that were fast; a binomial 95 % interval (normal approximation).
 */
function haltPollWarmShare(d: Deriver): Outcome {
  const f = haltPollMaxFit(d);
  if ('missing' in f) return f;
  const { fit } = f;
  const p = fit.warmShare;
  const half = 1.96 * Math.sqrt((p * (1 - p)) / fit.inWindow);
  const est: Estimate = {
    value: p,
    boot: [],
    ci95: [Math.max(0, p - half), Math.min(1, p + half)],
    samples: fit.inWindow,
    outliers: 0,
    source: `${STEADY_SOURCE}: of the ${fit.inWindow} wake-ups inside KVM's adaptive window (halt_poll_max ${fit.maxNs} ns) in the ${fit.pollingRuns} probe runs whose host polled, those below the ${fit.splitNs} ns split (outside the window: ${pctOf(fit.outsideShare)} of ${fit.outside} fast, not modelled: cold)`,
    headers: f.headers,
  };
  return {
    est,
    provenance: 'calibrated',
    note: 'a wake-up inside the window is warm with this probability, drawn per wake-up (the rest: its vCPU had halted anyway)',
  };
}

/**
 * halt_poll_run_share: the probability that a run's host halt-polls, from the probe runs (each
 * one draw of the host's state, counted by the share of its in-window wake-ups that polled):
 * a Beta posterior's mean and 95 % interval (halt-poll.ts `hostPollShare`); needs two probe runs
 * or more.
 */
function haltPollRunShare(d: Deriver): Outcome {
  const f = haltPollMaxFit(d);
  if ('missing' in f) return f;
  const { fit } = f;
  const post = fit.probeRuns < 2 ? undefined : hostPollShare(fit.runPolls);
  if (!post)
    return {
      missing: `two or more probe runs of ${STEADY_SOURCE} (calibrate --runs ≥ 2): with one run the share of runs whose host halt-polls is unknown`,
    };
  const perRun = fit.runPolls.map((h) => (h === undefined ? '–' : h.toFixed(2))).join(', ');
  const est: Estimate = {
    value: post.mean,
    boot: [],
    ci95: post.ci95,
    samples: post.runs,
    outliers: 0,
    source: `${STEADY_SOURCE}: per probe run, the share of the wake-ups inside KVM's adaptive window (halt_poll_max ${fit.maxNs} ns) during which the host polled ((fast share − ${pctOf(fit.outsideShare)} fast outside the window) / (halt_poll_warm_share − the same), within 0–1): ${perRun}; ${fit.pollingRuns} of ${fit.probeRuns} runs mostly polled. Mean of the Beta(½ + ${post.polled.toFixed(2)}, ½ + ${(post.runs - post.polled).toFixed(2)}) posterior (Jeffreys' prior), 95 % interval ${post.ci95[0].toFixed(2)}–${post.ci95[1].toFixed(2)}`,
    headers: f.headers,
  };
  return {
    est,
    provenance: 'calibrated',
    note: `from ${post.runs} probe runs, each one draw of the host's state: a rough figure (95 % interval ${post.ci95[0].toFixed(2)}–${post.ci95[1].toFixed(2)}; KVM polls only while the vCPU's task is alone on its host CPU, and how often the host is that quiet varies with other tenants' load); a run set draws each run's host state with this probability`,
  };
}

/** wake_latency_nopoll: the steady-gap wake-ups of the probe runs whose host did not poll. */
function wakeLatencyNoPoll(d: Deriver): Outcome {
  const f = haltPollMaxFit(d);
  if ('missing' in f) return f;
  const { fit } = f;
  if (fit.noPoll.length < 10)
    return {
      missing: `${STEADY_SOURCE}: a probe run whose host did not halt-poll (${fit.pollingRuns} of ${fit.probeRuns} polled)`,
    };
  const est = latencyEstimate(
    fit.noPoll,
    `${STEADY_SOURCE}, the wake-ups of the ${fit.probeRuns - fit.pollingRuns} probe run(s) whose host did not poll (halt_poll_max ${fit.maxNs} ns) quantiles`,
    f.headers,
    d.fitter.options,
    'xwake',
    true,
  );
  return {
    est,
    provenance: 'calibrated',
    note: 'sender and runtime thread on different CPUs, in a run whose host did not halt-poll (its CPU shared with another runnable task: no poll, but no halted CPU to wake either)',
  };
}

/**
 * wake_latency_warm: the wake-ups inside the poll window — the steady-gap runs' wake-ups the
 * adaptive window (halt_poll_max) calls warm when those runs are in the probe output, else the
 * spread run's wake-ups whose receiver had idled less than halt_poll_window.
 */
function wakeLatencyWarm(d: Deriver): Outcome {
  const s = haltPollMaxFit(d);
  if (!('missing' in s) && s.fit.warm.length >= 10) {
    const est = latencyEstimate(
      s.fit.warm,
      `${STEADY_SOURCE}, the fast wake-ups inside the adaptive window (halt_poll_max ${s.fit.maxNs} ns) of the probe runs whose host polled, quantiles`,
      s.headers,
      d.fitter.options,
      'xwake',
      true,
    );
    return {
      est,
      provenance: 'calibrated',
      note: "sender and runtime thread on different CPUs, the runtime thread woken while its vCPU still polled (halt_poll_max's window)",
    };
  }
  const f = haltPollFit(d);
  if ('missing' in f) return f;
  const est = latencyEstimate(
    f.fit.warm,
    `${SPREAD_SOURCE} with idleNs < ${f.fit.windowNs} quantiles`,
    f.headers,
    d.fitter.options,
    'xwake',
    true,
  );
  return {
    est,
    provenance: 'calibrated',
    note: 'sender and runtime thread on different CPUs, the runtime thread idle less than halt_poll_window',
  };
}

function noiseRate(d: Deriver): Outcome {
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

/**
 * Wake-ups per operation: worker parks / ops, pooled over the probe runs. From the `parks` the
 * probe counts with tokio's stable `on_thread_park` hook, else from tokio_unstable metrics (the
 * workers' park counts); undefined when neither was recorded (older probe output).
 */
export function wakeupsPerOp(d: Deriver, filter: Filter): { perOp: number; from: string } | undefined {
  const ss = d.fitter.output.summaries.filter(
    (x) => x.bench === 'mt_yield_idle' && Object.entries(filter).every(([k, v]) => String(x.params[k]) === String(v)),
  );
  const pool = (parksOf: (f: Record<string, unknown>) => number | undefined) => {
    let parks = 0;
    let ops = 0;
    for (const s of ss) {
      const n = parksOf(s.fields);
      const o = s.fields.ops;
      if (n === undefined || typeof o !== 'number' || o <= 0) continue;
      parks += n;
      ops += o;
    }
    return ops > 0 && parks > 0 ? parks / ops : undefined;
  };
  const hook = pool((f) => (typeof f.parks === 'number' ? f.parks : undefined));
  if (hook !== undefined) return { perOp: hook, from: 'on_thread_park' };
  const metrics = pool((f) => {
    const m = f.metrics as { parkCount?: number[] } | undefined;
    return m?.parkCount ? m.parkCount.reduce((a, b) => a + b, 0) : undefined;
  });
  return metrics === undefined ? undefined : { perOp: metrics, from: 'tokio_unstable metrics' };
}

function unparkWorker(d: Deriver): Outcome {
  const two = d.fitter.slope('mt_yield_idle', { workers: 2, loop: 'yield' });
  const one = d.fitter.slope('mt_yield_idle', { workers: 1, loop: 'yield' });
  if (!two || !one) return { missing: describe('mt_yield_idle', { loop: 'yield' }, 'sample') + ' at workers=1 and workers=2' };
  const w = wakeupsPerOp(d, { workers: 2, loop: 'yield' });
  const p = w?.perOp;
  const est = combine(
    [two, one],
    (v) => (v[0] - v[1]) / (p ?? 1),
    `(mt_yield_idle{workers=2} − mt_yield_idle{workers=1}) / ${w === undefined ? '1 wake-up per yield (assumed)' : `${w.perOp.toFixed(4)} wake-ups per yield (${w.from})`}`,
  );
  return w === undefined
    ? {
        est,
        provenance: 'inferred',
        note: 'extra cost per lone yield with an idle second worker, assuming one unpark per yield (probe output without park counts): a lower bound of the per-unpark cost',
      }
    : {
        est,
        provenance: 'calibrated',
        note: `extra cost per lone yield with an idle second worker, divided by the idle worker's parks per yield (${w.from}): the cost to the yielding worker of each wake-up it causes`,
      };
}

/**
 * yield_round_parallel: one task's round of two yield loops spinning at once on two workers
 * (mt_yield_pair; its slope is per yield of either task, so one task's round is twice it) less a
 * lone loop's round on one worker (mt_yield_idle workers=1): what the shared driver's cache lines
 * moving between the two CPUs add to each round. Where the pair's two tasks shared one worker for
 * a while (its parks: the other worker parked), the pair's slope is partly a sequential round's,
 * which understates the figure; the note says how often.
 */
function yieldRoundParallel(d: Deriver): Outcome {
  const pairFilter = { workers: 2, loop: 'yield' };
  const pair = d.fitter.slope('mt_yield_pair', pairFilter);
  const one = d.fitter.slope('mt_yield_idle', { workers: 1, loop: 'yield' });
  if (!pair || !one)
    return {
      missing: `${describe('mt_yield_pair', pairFilter, 'sample')} and ${describe('mt_yield_idle', { workers: 1, loop: 'yield' }, 'sample')}`,
    };
  const est = combine(
    [pair, one],
    (v) => Math.max(0, 2 * v[0] - v[1]),
    '2 × mt_yield_pair{workers=2} − mt_yield_idle{workers=1}',
  );
  let parks = 0;
  let ops = 0;
  for (const x of d.fitter.output.summaries)
    if (x.bench === 'mt_yield_pair' && typeof x.fields.parks === 'number' && typeof x.fields.ops === 'number') {
      parks += x.fields.parks;
      ops += x.fields.ops;
    }
  return {
    est,
    provenance: 'calibrated',
    note: `a worker's yield round while another worker yield-spins, beyond a lone loop's round (the two rounds poll one shared driver)${ops > 0 ? `; the pair's workers parked ${parks} times in ${ops} yields (each park: a stretch with both tasks on one worker, which understates the figure)` : ''}`,
  };
}

/**
 * source_hold: par_record body=compute_end, both workers busy on two CPUs, with (mode=tick) and
 * without (mode=both) a thread on the timed worker's CPU that wakes every tick_us and sleeps again
 * (a source thread's pattern). With period P the timed work's time per record grows from b to
 * t = b / (1 − H/P): H = P·(1 − b/t), the busy vCPU's time each wake-up takes. Clamped at 0. The
 * note also gives both/alone, the same work's slowdown with the other CPU busy (no parameter: it
 * measured 1.00 on this VM, docs/semantics.md).
 */
function sourceHold(d: Deriver): Outcome {
  const base = { body: 'compute_end' };
  const tick = d.fitter.slope('par_record', { ...base, mode: 'tick' });
  const both = d.fitter.slope('par_record', { ...base, mode: 'both' });
  if (!tick || !both) return { missing: `${describe('par_record', { ...base, mode: 'tick' }, 'sample')} and mode=both` };
  const periods = [...new Set(d.fitter.configs('par_record', { ...base, mode: 'tick' }).map((p) => Number(p.tick_us)))];
  if (periods.length !== 1 || !(periods[0] > 0))
    return {
      missing: `${describe('par_record', { ...base, mode: 'tick' }, 'sample')} with one tick_us > 0 (got ${periods.join(', ') || 'none'})`,
    };
  const P = periods[0] * 1000;
  const est = combine(
    [tick, both],
    (v) => (v[0] > 0 ? Math.max(0, P * (1 - v[1] / v[0])) : 0),
    `${P} × (1 − ${both.source} / ${tick.source}) (clamped at 0)`,
  );
  const alone = d.fitter.slope('par_record', { ...base, mode: 'alone' });
  const ratio =
    alone && alone.value > 0
      ? ` both/alone ${(both.value / alone.value).toFixed(3)} (the same work with the other CPU busy);`
      : '';
  return {
    est,
    provenance: 'calibrated',
    note: `a thread waking every ${periods[0]} µs on a busy worker's CPU and sleeping again: per record ${tick.value.toFixed(1)} ns against ${both.value.toFixed(1)} ns without it;${ratio} the hold per wake-up is P·(1 − both/tick)`,
  };
}

/**
 * The idle worker's park beside a lone yield loop on 2 workers (mt_yield_cycle k=1): from its
 * on_thread_park to its on_thread_unpark — the yielder's next round notifying it, the wake-up,
 * the wait for a CPU. The observations include up to one yield round before the notify, which the
 * simulator adds itself (a few hundred ns against µs); far-out parks (the VM descheduling the
 * worker) are left out as for the other wake-ups.
 *
 * Probe output without mt_yield_cycle (calibrations before it): inferred from mt_yield_idle, whose
 * time is nothing but these cycles — ops × (ns per yield) = parks × (one cycle), a cycle being the
 * idle worker's park plus its search (tens of ns) — so the mean park is (ns per yield) / (parks per
 * yield), less one yield round (the simulator's own wait for the notify, as above): a constant.
 */
function workerRewakeLatency(d: Deriver): Outcome {
  const o = latency(d, 'mt_yield_cycle', { flavor: 'mt', workers: 2, k: 1, driver: 'timer' }, true);
  if (!isMissing(o))
    return {
      ...o,
      note: "the idle worker's park (on_thread_park → on_thread_unpark) while a lone task yield-spins on the other worker: its re-wake by the yielder's last-searcher notify",
    };
  const two = d.fitter.slope('mt_yield_idle', { workers: 2, loop: 'yield' });
  const one = d.fitter.slope('mt_yield_idle', { workers: 1, loop: 'yield' });
  const w = wakeupsPerOp(d, { workers: 2, loop: 'yield' });
  if (!two || !one || w === undefined)
    return {
      missing: `${o.missing}, or ${describe('mt_yield_idle', { loop: 'yield' }, 'sample')} at workers=1 and workers=2 with park counts`,
    };
  const est = combine(
    [two, one],
    (v) => Math.max(0, v[0] / w.perOp - v[1]),
    `mt_yield_idle{workers=2} / ${w.perOp.toFixed(4)} wake-ups per yield (${w.from}) − mt_yield_idle{workers=1}`,
  );
  return {
    est,
    provenance: 'inferred',
    note: "the idle worker's mean park beside a lone yield loop, from the loop's time and its parks (no mt_yield_cycle in the probe output): a constant, without the distribution's spread",
  };
}

/**
 * timer_unpark_io: tokio's `reregister` unparks the driver when a timer is registered with none
 * earlier promised (next_wake); with the I/O driver that is mio's eventfd write. The probe registers
 * and drops sleeps in one poll (timer_unpark), so every registration unparks: the io slope minus
 * the timer-only slope (whose unpark is an atomic swap) is the write. Unlike driver_unpark_io it
 * does not go through the block_on waker, which tokio 1.50+ no longer unparks with.
 */
function timerUnparkIo(d: Deriver): Outcome {
  const io = d.fitter.slope('timer_unpark', { ...CT, driver: 'io' });
  const timer = d.fitter.slope('timer_unpark', { ...CT, driver: 'timer' });
  if (!io || !timer)
    return { missing: "sample lines of 'timer_unpark' (ct, driver=io and driver=timer; build with --features io)" };
  return {
    est: combine([io, timer], (v) => Math.max(0, v[0] - v[1]), 'timer_unpark{ct}: io − timer'),
    provenance: 'calibrated',
    note: "a sleep registered (first poll) and dropped in one poll of the block_on future: reregister's driver.unpark() each time; with I/O an eventfd write, net of the timer-only parker's atomic swap",
  };
}

function driverUnparkIo(d: Deriver): Outcome {
  const f = (driver: string, where: string) => d.fitter.slope('yield_lone', { ...CT, driver, in: where });
  const ins = [f('io', 'block_on'), f('io', 'task'), f('timer', 'block_on'), f('timer', 'task')];
  if (ins.some((e) => e === undefined))
    return {
      missing: "sample lines of 'yield_lone' (ct, in=block_on and in=task, driver=io and driver=timer; build with --features io)",
    };
  const est = combine(
    ins as Estimate[],
    (v) => v[0] - v[1] - (v[2] - v[3]),
    'yield_lone{ct}: (block_on − task)[io] − (block_on − task)[timer]',
  );
  return {
    est,
    provenance: 'inferred',
    note: 'a yield in the block_on future wakes it through driver.unpark(); with I/O that is an eventfd write, so the extra cost of block_on over a task with I/O, net of the same difference with the timer only, is one unpark',
  };
}

/**
 * record_end / record_start: the probe's own per-record bookkeeping (benchmark `record`, the
 * interpreter over messages of iters/msgs records; the per-message costs are in the intercept).
 */
function recordEnd(d: Deriver): Outcome {
  const o = slope(d, 'record', { ...CT, body: 'end' });
  return isMissing(o)
    ? o
    : {
        ...o,
        note: "for_each_record { record_end } in the probe's interpreter: a loop step, a clock read and a histogram insert per record (what the measuring harness, and at least a user's own per-record loop, pays)",
      };
}

function recordStart(d: Deriver): Outcome {
  return difference(
    d,
    'record',
    { ...CT, body: 'start_end' },
    ['record_end'],
    'calibrated',
    "for_each_record { record_start; record_end } minus for_each_record { record_end }: record_start's clock read",
  );
}

/**
 * compute_op: slope(record, body=compute_end) − work_ns − record_end. Per record that body runs a
 * compute of work_ns and a record_end that reuses the compute's last clock read, so what is left
 * is the interpreter's own cost of the compute instruction (the draw, the busy-wait's clock reads
 * and overshoot, the accounting) net of the read the record_end saves. Clamped at 0 (the saved
 * read may be the larger); the configuration's work_ns is the bench parameter.
 */
function computeOp(d: Deriver): Outcome {
  const filter = { ...CT, body: 'compute_end' };
  const base = d.fitter.slope('record', filter);
  if (!base) return { missing: describe('record', filter, 'sample') };
  const works = [...new Set(d.fitter.configs('record', filter).map((p) => Number(p.work_ns)))];
  if (works.length !== 1 || !(works[0] > 0))
    return { missing: `${describe('record', filter, 'sample')} with one work_ns > 0 (got ${works.join(', ') || 'none'})` };
  const work = works[0];
  const end = d.get('record_end');
  if (isMissing(end)) return { missing: `${end.missing} (via record_end)` };
  const est = combine(
    [base, end.est],
    (v) => Math.max(0, v[0] - work - v[1]),
    `${base.source} − ${work} − record_end (clamped at 0)`,
  );
  return {
    est,
    provenance: 'calibrated',
    note: `for_each_record { compute(${work} ns); record_end } − ${work} ns − record_end: what the probe's interpreter pays for a compute instruction beyond its busy-wait's nominal time, net of the clock read the following record_end reuses`,
  };
}

function joinRule(d: Deriver): Outcome {
  return difference(
    d,
    'spawn_join',
    { ...CT, mode: 'hot', from: 'task' },
    ['spawn', 'poll_self', 'poll_self'],
    'inferred',
    'spawn-then-await per task = spawn + poll(child) + poll(parent) + join; join is the remainder',
  );
}

/**
 * spawn_remote{load=idle} − spawn_remote{load=busy}: the same spawns from the block_on thread,
 * with every worker parked before each one (so each unparks one) and with every worker spinning
 * in a task (none to unpark); the difference is the unpark as its notifier pays it.
 */
function unparkRemote(d: Deriver): Outcome {
  const idle = d.fitter.slope('spawn_remote', { flavor: 'mt', load: 'idle' });
  if (!idle) return { missing: describe('spawn_remote', { flavor: 'mt', load: 'idle' }, 'sample') };
  const busy = d.get('spawn_remote');
  if (isMissing(busy)) return busy;
  const est = combine([idle, busy.est], (v) => Math.max(0, v[0] - v[1]), `${idle.source} − spawn_remote (clamped at 0)`);
  return {
    est,
    provenance: 'calibrated',
    note: 'each idle-load spawn is timed alone (minus an empty Instant pair) after the workers parked, so it unparks one worker; the busy-load spawn (no unpark) taken away',
  };
}

/**
 * Both ends of a channel at once (probe handoff where=conc_*, the two tasks pinned to two CPUs):
 * conc_send = the sends timed while the receiver drains the channel at once − the same sends alone
 * (channel op=send_u / try_send_b, current_thread); conc_recv = the receives timed while the sender
 * keeps sending at once − the same try_recv loop over items the receiving task sent itself.
 */
function concurrent(chan: 'u' | 'b', side: 'send' | 'recv'): Rule {
  return (d) => {
    const conc = d.fitter.slope('handoff', { flavor: 'mt', chan, where: `conc_${side}` });
    const baseFilter: Filter =
      side === 'send' ? { ...CT, op: chan === 'u' ? 'send_u' : 'try_send_b' } : { flavor: 'mt', chan, where: 'same' };
    const base = d.fitter.slope(side === 'send' ? 'channel' : 'handoff', baseFilter);
    if (!conc) return { missing: describe('handoff', { flavor: 'mt', chan, where: `conc_${side}` }, 'sample') };
    if (!base) return { missing: describe(side === 'send' ? 'channel' : 'handoff', baseFilter, 'sample') };
    const est = combine([conc, base], (v) => Math.max(0, v[0] - v[1]), `${conc.source} − ${base.source} (clamped at 0)`);
    return {
      est,
      provenance: 'calibrated',
      note:
        side === 'send'
          ? 'sends timed while a task pinned to the other CPU takes the items off at once (try_recv spin), minus the same sends alone: the channel’s counter, tail and ready bits moving between the CPUs on every item'
          : 'receives of items sent beforehand, timed while a task pinned to the other CPU keeps sending at once, minus the same receiving loop over items the receiving task sent itself',
    };
  };
}

/**
 * unpark_halted: steal_wake's waker A, on a worker, sends to B1 (into its empty LIFO slot: a send
 * and a wake) and then to B2 (B1 displaced into the run queue, which notifies the other worker,
 * parked g = 500 µs: its vCPU halted on a VM host whose halt-polling window is shorter). Per
 * wake-up, what that notify cost A in time: the second send's duration less the first's (the futex
 * wake or driver unpark whose IPI reaches the halted vCPU) plus holdNs, the longest gap in A's
 * busy-spin right after (about half the woken workers are placed on A's vCPU and preempt it there
 * for ~20 µs: 0.1 µs otherwise). A distribution. Undefined without the sendNs / notifySendNs fields
 * (older probes).
 */
function unparkHalted(d: Deriver): Outcome {
  const recs = d.fitter.output.latencies.filter(
    (l) =>
      l.bench === 'steal_wake' &&
      l.sendNs !== undefined &&
      l.notifySendNs !== undefined &&
      Object.entries(BO_WAKE).every(([k, v]) => String(l.params[k]) === String(v)),
  );
  if (recs.length < 20) return { missing: `${STEAL_WAKE_SOURCE} lines with sendNs and notifySendNs (20 or more)` };
  const costs = recs.map((r) => Math.max(0, (r.notifySendNs ?? 0) - (r.sendNs ?? 0)) + (r.holdNs ?? 0));
  const est = latencyEstimate(
    costs,
    `${STEAL_WAKE_SOURCE}: the waker's notifying send minus its send into the empty LIFO slot, plus its longest gap off the vCPU after it (holdNs), quantiles of ${costs.length} wake-ups (the other worker parked ${recs[0].params.g ?? 500} µs)`,
    [...new Set(recs.map((r) => r.header))],
    d.fitter.options,
    'steal_wake',
  );
  return {
    est,
    provenance: 'calibrated',
    note: `what a worker loses, on its own thread, to notify a worker parked long enough for its vCPU to halt: the wake-up call and, in about half the wake-ups, the woken worker preempting it on its vCPU; the block_on thread’s unpark is unpark_remote. ${jointNote(recs)}`,
  };
}

/**
 * The evidence for drawing unpark_halted and worker_wake_latency as one wake-up (the simulator
 * takes them at quantiles q and 1 − q: docs/semantics.md, "One draw for the notify and the
 * wake-up"), from the same steal_wake lines: how often the notifying call's extra, above or below
 * its median, tells a woken worker that ran before the waker's spin ended (ns < 95 % of spin_us)
 * from one that waited. Independent sides would agree about half the time.
 */
function jointNote(
  recs: readonly { ns: number; sendNs?: number; notifySendNs?: number; params: Record<string, unknown> }[],
): string {
  const calls = recs.map((r) => Math.max(0, (r.notifySendNs ?? 0) - (r.sendNs ?? 0)));
  const sorted = [...calls].sort((a, b) => a - b);
  const med = sorted[sorted.length >> 1];
  let agree = 0;
  let fast = 0;
  recs.forEach((r, i) => {
    const f = r.ns < 0.95 * Number(r.params.spin_us ?? 300) * 1000;
    if (f) fast++;
    if (calls[i] >= med === f) agree++;
  });
  const pct = Math.round((100 * agree) / recs.length);
  return `Drawn with worker_wake_latency as one wake-up (a long notify with a fast wake): here the call's extra above or below its median (${Math.round(med)} ns) told the ${fast} wake-ups whose woken worker ran before the waker's spin ended from the ${recs.length - fast} that waited in ${pct} % of ${recs.length}`;
}

/** handoff{chan, cross} − handoff{chan, same}: the same try_recv loop over items sent on another worker or by the receiver itself. */
function handoff(chan: 'u' | 'b'): Rule {
  return (d) => {
    const f = (where: string) => d.fitter.slope('handoff', { flavor: 'mt', chan, where });
    const cross = f('cross');
    const same = f('same');
    if (!cross || !same)
      return { missing: `${describe('handoff', { flavor: 'mt', chan }, 'sample')} at where=cross and where=same` };
    const est = combine([cross, same], (v) => Math.max(0, v[0] - v[1]), `${cross.source} − ${same.source} (clamped at 0)`);
    // The probe gives a cross sample up and takes it again when its two tasks did not both start
    // within 20 ms (a parked worker not woken for the second one); probes before that count nothing.
    const retried = d.fitter
      .summaryValues('handoff', 'retries', { flavor: 'mt', chan, where: 'cross' })
      .reduce((a, b) => a + b, 0);
    const retries =
      retried > 0
        ? `; ${retried} cross sample${retried === 1 ? ' was' : 's were'} taken again because the two tasks had not both started within 20 ms (a parked worker not woken for the second)`
        : '';
    return {
      est,
      provenance: 'calibrated',
      note: `a receiving loop over items another worker sent, minus the same loop over items the receiving task sent itself: the items’ cache lines moving between cores (the batch is sent first, then received: a bulk transfer, not a line ping-ponged between a concurrent sender and receiver)${retries}`,
    };
  };
}

/** bo_wake's configuration: a task on one of 2 workers wakes the block_on future, then busy-spins. */
const BO_WAKE = { flavor: 'mt', workers: 2, driver: 'timer' } as const;

/**
 * bo_wake's wake-ups split at the waker's busy-spin (95 % of spin_us): below, the woken block_on
 * thread ran while its waker still spun — it preempted the waker on the waker's vCPU (or, rarely,
 * took the other vCPU); at or above, it waited for the spin to end. Undefined without samples.
 */
function boWakeSplit(
  d: Deriver,
  bench: 'bo_wake' | 'steal_wake' = 'bo_wake',
): { below: number[]; all: number; headers: number[]; spinNs: number } | undefined {
  const recs = d.fitter.output.latencies.filter(
    (l) => l.bench === bench && Object.entries(BO_WAKE).every(([k, v]) => String(l.params[k]) === String(v)),
  );
  if (recs.length < 20) return undefined;
  const below: number[] = [];
  let spinNs = Infinity;
  for (const r of recs) {
    const spin = Number(r.params.spin_us ?? 300) * 1000;
    spinNs = Math.min(spinNs, spin);
    if (r.ns < 0.95 * spin) below.push(r.ns);
  }
  return { below, all: recs.length, headers: [...new Set(recs.map((r) => r.header))], spinNs };
}

const BO_WAKE_SOURCE = 'bo_wake{driver=timer flavor=mt workers=2}';
const STEAL_WAKE_SOURCE = 'steal_wake{driver=timer flavor=mt workers=2}';

/**
 * block_on_wake_preempt (bo_wake) and worker_wake_preempt (steal_wake: a worker woken by a
 * busy-spinning worker): the share of the wake-ups that ran before the waker's spin ended.
 */
function wakePreempt(bench: 'bo_wake' | 'steal_wake', name: ParameterName): Rule {
  return (d) => {
    const source = bench === 'bo_wake' ? BO_WAKE_SOURCE : STEAL_WAKE_SOURCE;
    const s = boWakeSplit(d, bench);
    if (!s) return { missing: `${source} latency samples (20 or more)` };
    const flags = [...s.below.map(() => 1), ...new Array<number>(s.all - s.below.length).fill(0)];
    const share = (x: number[]) => x.reduce((a, b) => a + b, 0) / x.length;
    const boot = bootstrap(flags, share, new Prng(d.fitter.options.seed, name), Math.min(d.fitter.options.resamples, 400));
    const est: Estimate = {
      value: share(flags),
      boot,
      samples: s.all,
      outliers: 0,
      source: `${source}: ${s.below.length} of ${s.all} wake-ups below 95 % of the waker's ${Math.round(s.spinNs / 1000)} µs busy-spin`,
      headers: s.headers,
    };
    return {
      est,
      provenance: 'calibrated',
      note: "the rest waited for the waker's spin to end: the woken thread was placed on the waker's busy vCPU and did not preempt it",
    };
  };
}

/** block_on_wake_latency (bo_wake), worker_wake_preempt_latency (steal_wake): the latencies of the wake-ups that did not wait for the waker's spin. */
function wakePreemptLatency(bench: 'bo_wake' | 'steal_wake'): Rule {
  return (d) => {
    const source = bench === 'bo_wake' ? BO_WAKE_SOURCE : STEAL_WAKE_SOURCE;
    const s = boWakeSplit(d, bench);
    if (!s || s.below.length < 2) return { missing: `${source} latency samples below the waker's busy-spin` };
    const est = latencyEstimate(
      s.below,
      `${source} quantiles of the ${s.below.length} of ${s.all} wake-ups below 95 % of the waker's busy-spin`,
      s.headers,
      d.fitter.options,
      bench,
    );
    return { est, provenance: 'calibrated' };
  };
}

const STEAL_HOLD_SOURCE = 'steal_hold{b_spin_us=2000 driver=timer flavor=mt workers=2} (latency, holdNs)';

/**
 * worker_wake_preempt_hold: steal_hold is steal_wake whose woken task B1 busy-spins b_spin_us
 * (2 ms) after each receive, and each line carries holdNs, the largest gap in the waker A's
 * busy-spin. In the wake-ups that preempted A (B1 ran below 95 % of A's spin), A was off its vCPU
 * until the guest moved one of the two to the idle vCPU, or until B1's worker parked after its
 * spin; the quantiles of those gaps are the hold. Undefined without holdNs lines (older probes).
 */
function workerWakePreemptHold(d: Deriver): Outcome {
  const recs = d.fitter.output.latencies.filter(
    (l) =>
      l.bench === 'steal_hold' &&
      l.holdNs !== undefined &&
      Object.entries(BO_WAKE).every(([k, v]) => String(l.params[k]) === String(v)),
  );
  const held: number[] = [];
  for (const r of recs) if (r.ns < 0.95 * Number(r.params.spin_us ?? 300) * 1000) held.push(r.holdNs ?? 0);
  if (held.length < 2) return { missing: `${STEAL_HOLD_SOURCE} lines of wake-ups that preempted the waker (2 or more)` };
  const bSpin = Math.min(...recs.map((r) => Number(r.params.b_spin_us ?? 0)));
  const est = latencyEstimate(
    held,
    `${STEAL_HOLD_SOURCE}: the largest gap in the waker's busy-spin, quantiles of the ${held.length} of ${recs.length} wake-ups below 95 % of its spin`,
    [...new Set(recs.map((r) => r.header))],
    d.fitter.options,
    'steal_hold',
  );
  return {
    est,
    provenance: 'calibrated',
    note: `a hold near the woken task's ${Math.round(bSpin / 1000)} ms spin means the waker waited for the woken worker to park; a shorter one, that the guest moved one of them to the idle vCPU first`,
  };
}

/**
 * worker_wake_preempt(_latency, _hold) only with `calibrate --worker-packing`: steal_wake splits
 * cleanly (about half of the wake-ups preempt the waker), but it times only the woken worker; with
 * the hold assumed (until the woken worker parks), session 9's quiet 1.24.2 calibration went from
 * 10.9 to 20.6 % median |err| of multi_thread p50s on scenarios/validation. steal_hold now measures
 * the hold (worker_wake_preempt_hold; session 10, one loaded run: 10.9 %); it stays opt-in until a
 * quiet calibration and the hold-out say it may be on by default (docs/calibration.md).
 */
function workerPacking(rule: Rule): Rule {
  return (d) =>
    d.fitter.options.workerPacking
      ? rule(d)
      : {
          missing:
            "calibrate --worker-packing (the placement of a worker woken on its waker's vCPU is opt-in: its measured hold, steal_hold, is not yet checked on a quiet calibration; the placement is left out of the model)",
        };
}

/** One rule per mechanistic parameter (model/parameters.ts): a missing or unknown name does not compile. */
const RULES: Record<ParameterName, Rule> = {
  poll_self: (d) => slope(d, 'poll_self', { ...CT, driver: 'none' }),
  yield_extra: yieldExtra,
  driver_poll_none: driverPoll('none'),
  driver_poll_timer: driverPoll('timer'),
  driver_poll_io: driverPoll('io'),
  remote_check: (d) => reciprocal(d, 'remote_check', CT, 'gqi'),
  driver_unpark_io: driverUnparkIo,
  timer_unpark_io: timerUnparkIo,
  unpark_worker: unparkWorker,
  yield_round_parallel: yieldRoundParallel,
  source_hold: sourceHold,
  wake_latency: wakeLatency,
  worker_wake_latency: (d) => latency(d, 'steal_wake', { flavor: 'mt', workers: 2, driver: 'timer' }, true),
  worker_rewake_latency: workerRewakeLatency,
  wake_latency_warm: wakeLatencyWarm,
  wake_latency_packed: wakeLatencyPacked,
  source_exit_latency: sourceExitLatency,
  halt_poll_window: haltPollWindow,
  halt_poll_max: haltPollMax,
  halt_poll_warm_share: haltPollWarmShare,
  halt_poll_run_share: haltPollRunShare,
  wake_latency_nopoll: wakeLatencyNoPoll,
  block_on_wake_preempt: wakePreempt('bo_wake', 'block_on_wake_preempt'),
  block_on_wake_latency: wakePreemptLatency('bo_wake'),
  worker_wake_preempt: workerPacking(wakePreempt('steal_wake', 'worker_wake_preempt')),
  worker_wake_preempt_latency: workerPacking(wakePreemptLatency('steal_wake')),
  worker_wake_preempt_hold: workerPacking(workerWakePreemptHold),
  spawn_remote: (d) => slope(d, 'spawn_remote', { flavor: 'mt', load: 'busy' }),
  unpark_remote: unparkRemote,
  unpark_halted: unparkHalted,
  clock_read: (d) => {
    const o = slope(d, 'instant_now', {});
    return isMissing(o)
      ? o
      : {
          ...o,
          note: 'one Instant::now(); tokio 1.29+ multi_thread workers read the clock four times per yield round (Stats, MetricsBatch)',
        };
  },
  handoff_unbounded: handoff('u'),
  handoff_bounded: handoff('b'),
  conc_send_unbounded: concurrent('u', 'send'),
  conc_recv_unbounded: concurrent('u', 'recv'),
  conc_send_bounded: concurrent('b', 'send'),
  conc_recv_bounded: concurrent('b', 'recv'),
  steal: (d) =>
    sumOf(
      d,
      ['remote_check', 'poll_self'],
      'not isolated by the probe (§9 P10): a steal-half = a CAS on the victim queue head plus moving tasks into the local queue, taken as one remote-queue check plus one poll; order of magnitude only',
    ),
  spawn: (d) => slope(d, 'spawn_join', { ...CT, mode: 'detached', from: 'task' }),
  join: joinRule,
  send_unbounded: (d) => slope(d, 'channel', { ...CT, op: 'send_u' }),
  recv_unbounded: (d) => slope(d, 'channel', { ...CT, op: 'recv_u' }),
  try_recv_unbounded: (d) => slope(d, 'channel', { ...CT, op: 'try_recv_u' }),
  send_bounded: (d) => slope(d, 'channel', { ...CT, op: 'send_b' }),
  recv_bounded: (d) => slope(d, 'channel', { ...CT, op: 'recv_b' }),
  try_recv_bounded: (d) => slope(d, 'channel', { ...CT, op: 'try_recv_b' }),
  waker_register: (d) => {
    const rt = d.fitter.slope('channel', { ...CT, op: 'pingpong', cap: 0 });
    if (!rt) return { missing: describe('channel', { ...CT, op: 'pingpong', cap: 0 }, 'sample') };
    const parts = d.all(['send_unbounded', 'recv_unbounded', 'poll_self']);
    if (!Array.isArray(parts)) return parts;
    const est = combine(
      [rt, ...parts],
      (v) => v[0] / 2 - v[1] - v[2] - v[3],
      `${rt.source} / 2 − send_unbounded − recv_unbounded − poll_self`,
    );
    return {
      est,
      provenance: 'inferred',
      note: 'a ping-pong hop = send + poll of the woken task + recv + waker registration on the empty channel',
    };
  },
  lockfree_push: (d) =>
    sumOf(
      d,
      ['send_unbounded'],
      'the probe has no SegQueue: taken as the unbounded mpsc send (itself a lock-free block-list push, plus a waker notify), an upper bound',
    ),
  lockfree_pop: (d) =>
    sumOf(
      d,
      ['try_recv_unbounded'],
      'the probe has no SegQueue: taken as the unbounded mpsc try_recv (a lock-free block-list pop), an upper bound',
    ),
  mutex_lock: (d) => slope(d, 'mutex', { kind: 'tokio' }),
  clone_record: (d) => slope(d, 'clone', {}),
  async_call: (d) => slope(d, 'async_call', { mode: 'async' }),
  timer_register: (d) => {
    const o = sumOf(d, ['driver_poll_timer'], '');
    if (isMissing(o)) return o;
    const none = d.get('driver_poll_none');
    if (isMissing(none)) return none;
    const est = combine([o.est, none.est], (v) => v[0] - v[1], 'driver_poll_timer − driver_poll_none');
    return {
      est,
      provenance: 'inferred',
      note: 'not isolated by the probe: a registration takes the timer mutex and inserts into one wheel slot, taken as the timer part of a driver poll (which takes the same mutex and looks at the wheel)',
    };
  },
  park_overshoot: parkOvershoot,
  spin_check: (d) => {
    const clock = d.fitter.slope('instant_now', {});
    if (!clock) return { missing: describe('instant_now', {}, 'sample') };
    return sumOf(d, ['try_recv_unbounded'], 'one spin iteration = one try_recv on the queue + one Instant::now()', [clock]);
  },
  noise_rate: noiseRate,
  noise_pause: noisePause,
  run_speed_sd: (d) => runLevelRule(runSpeedLevels(d.fitter.output), 'the slope benchmarks’ per-op costs'),
  run_wake_sd: (d) => runLevelRule(runWakeLevels(d.fitter.output), `the wake-up benchmarks (${WAKE_BENCHES.join(', ')})`),
  window_speed_sd: (d) =>
    windowSpeedRule(d.fitter.options.windows, (n) => {
      const o = d.get(n);
      return !isMissing(o) && o.provenance === 'calibrated' ? o.est.value : undefined;
    }),
  run_noise_sd: (d) =>
    runLevelRule(runNoiseLevels(d.fitter.output), 'the noise benchmark’s paused fraction (pauses/s × mean pause)'),
  record_end: recordEnd,
  record_start: recordStart,
  compute_op: computeOp,
  episode_rate: episodeRate,
  episode_duration: (d) => episodeDistribution(d, 'duration'),
  episode_wake_latency: (d) => episodeDistribution(d, 'wake'),
};

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
function episodeRate(d: Deriver): Outcome {
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

function episodeDistribution(d: Deriver, what: 'duration' | 'wake'): Outcome {
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
