/**
 * Calibration rules for the wake-ups of a parked runtime thread by another thread (derive.ts's
 * table): the OS park overshoot, xwake's latencies by the sender's placement (apart, together,
 * exiting), and the VM host's halt-polling (halt-poll.ts): its fixed or adaptive window, the
 * share of warm wake-ups inside it, the share of runs whose host polls, and the latencies of
 * warm and of never-polled wake-ups.
 *
 * Phase: calibrate.
 */
import { latencyEstimate, type Estimate } from './fit.js';
import { bootstrap } from './stats.js';
import { Prng } from '../engine/prng.js';
import {
  fitHaltPollMax,
  fitHaltPollWindow,
  type HaltPollFit,
  type HaltPollMaxFit,
  type IdleWake,
  hostPollShare,
} from './halt-poll.js';
import type { Deriver } from './derive.js';
import { CT, describe, type Missing, type Outcome } from './derive-kit.js';

/** δ_park: an idle sleep(d) takes (⌊d/1 ms⌋ + 1) whole 1-ms ticks plus the OS overshoot. */
export function parkOvershoot(d: Deriver): Outcome {
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
 * An outside thread waking the parked runtime thread, with the two on different CPUs (xwake
 * pin=apart): on a VM that wake-up is an interrupt to a halted vCPU, 5–8× one on the sender's
 * own CPU, and the OS puts a sender beside an idle runtime thread but not beside a busy one —
 * an unplaced xwake (its receiver does nothing) measures the fast case, which the runtimes the
 * scenarios describe do not get. Probe output from before the `pin` parameter, or from a
 * one-CPU machine, falls back to the OS's placement, with a note saying so.
 */
export function wakeLatency(d: Deriver): Outcome {
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
export function wakeLatencyPacked(d: Deriver): Outcome {
  const est = d.fitter.latency('xwake', { ...CT, driver: 'timer', in: 'task', g: 500, pin: 'together' }, true);
  if (!est) return { missing: describe('xwake', { ...CT, driver: 'timer', in: 'task', g: 500, pin: 'together' }, 'latency') };
  return { est, provenance: 'calibrated', note: 'sender thread and runtime thread on one CPU (xwake pin=together)' };
}

/**
 * source_exit_latency: the runtime thread woken by a sender on its own CPU that exits right after
 * the send (exit_wake pin=together), as the probe's source thread does after its last batch. The
 * same placement as wake_latency_packed's xwake; no fallback (an unplaced run mixes placements).
 */
export function sourceExitLatency(d: Deriver): Outcome {
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
export function haltPollWindow(d: Deriver): Outcome {
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
export function haltPollMax(d: Deriver): Outcome {
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
export function haltPollWarmShare(d: Deriver): Outcome {
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
export function haltPollRunShare(d: Deriver): Outcome {
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
export function wakeLatencyNoPoll(d: Deriver): Outcome {
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
export function wakeLatencyWarm(d: Deriver): Outcome {
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
