/**
 * The halt-poll window: how long a parked thread's CPU stays awake (polling) before it halts, and
 * so for how long after a park a wake-up from another CPU is fast.
 *
 * Phase: calibrate. Input: xwake pin=apart g_spread>0 lines, each a wake-up's latency and how long
 * its receiver had been idle when the message was sent. On a VM a wake-up of a halted vCPU is an
 * interrupt through the hypervisor; a host that halt-polls keeps an idle vCPU spinning for a
 * while first (KVM's halt_poll_ns, 200 µs by default), and a wake-up inside that window is
 * several times faster. The fit finds that window without assuming its value:
 *  1. the latencies are split into a fast and a slow class (Otsu's threshold on log latency);
 *  2. the window is the idle time that best separates the fast from the slow wake-ups
 *     (a one-cut classifier "fast iff idle < window", the cut with the fewest misclassified;
 *     the smallest such cut on ties), placed halfway between the two observed idle times;
 *  3. it is accepted only when the idle time really predicts the class: ≥ 10 wake-ups on each
 *     side, most of those below fast, most of those above slow, and the fast shares at least
 *     0.3 apart. Otherwise there is no window (every wake-up then takes wake_latency), and the
 *     reason is returned.
 */
import { nextPollWindow } from '../model/halt-poll.js';
import { incompleteBeta } from '../engine/student-t.js';

/** One wake-up: its send→receive latency and how long the receiver had been idle (ns). */
export interface IdleWake {
  idleNs: number;
  ns: number;
}

export interface HaltPollFit {
  /** Wake-ups of a receiver idle less than this were mostly fast (ns). */
  windowNs: number;
  /** The fast/slow latency threshold (ns). */
  splitNs: number;
  /** Latencies of the wake-ups with idle < windowNs. */
  warm: number[];
  /** Share of fast wake-ups below and above the window. */
  fastBelow: number;
  fastAbove: number;
  below: number;
  above: number;
}

const MIN_SIDE = 10;

/** Otsu's threshold on log(ns): the cut maximising the between-class variance (ns). */
export function latencySplit(ns: readonly number[]): number | undefined {
  const v = ns
    .filter((x) => x > 0)
    .map((x) => Math.log(x))
    .sort((a, b) => a - b);
  const n = v.length;
  if (n < 2) return undefined;
  const total = v.reduce((a, b) => a + b, 0);
  let left = 0;
  let best = -1;
  let cut: number | undefined;
  for (let i = 0; i < n - 1; i++) {
    left += v[i];
    if (v[i] === v[i + 1]) continue;
    const w0 = (i + 1) / n;
    const m0 = left / (i + 1);
    const m1 = (total - left) / (n - i - 1);
    const between = w0 * (1 - w0) * (m1 - m0) ** 2;
    if (between > best) {
      best = between;
      cut = Math.exp((v[i] + v[i + 1]) / 2);
    }
  }
  return cut;
}

/** The window fit (see the module comment), or why there is none. */
export function fitHaltPollWindow(obs: readonly IdleWake[]): HaltPollFit | string {
  // idle 0: sent before the previous message was received (the receiver never parked).
  const o = obs.filter((x) => x.idleNs > 0).sort((a, b) => a.idleNs - b.idleNs || a.ns - b.ns);
  if (o.length < 2 * MIN_SIDE) return `${o.length} wake-ups after an idle receiver; the fit needs ${2 * MIN_SIDE}`;
  const split = latencySplit(o.map((x) => x.ns));
  if (split === undefined) return 'all wake-ups took the same time';
  const fast = o.map((x) => (x.ns < split ? 1 : 0));
  const nFast = fast.reduce<number>((a, b) => a + b, 0);
  // Cut after index i: predicted fast for 0..i, slow after. Errors = slow below + fast above.
  let fb = 0;
  let bestErr = Infinity;
  let bestI = -1;
  let bestFb = 0;
  for (let i = 0; i < o.length - MIN_SIDE; i++) {
    fb += fast[i];
    if (i < MIN_SIDE - 1 || o[i].idleNs === o[i + 1].idleNs) continue;
    const err = i + 1 - fb + (nFast - fb);
    if (err < bestErr) {
      bestErr = err;
      bestI = i;
      bestFb = fb;
    }
  }
  if (bestI < 0) return 'too few distinct idle times';
  const below = bestI + 1;
  const above = o.length - below;
  const shareBelow = bestFb / below;
  const shareAbove = (nFast - bestFb) / above;
  const windowNs = Math.round((o[bestI].idleNs + o[bestI + 1].idleNs) / 2);
  const fit = {
    windowNs,
    splitNs: Math.round(split),
    warm: o.slice(0, below).map((x) => x.ns),
    fastBelow: shareBelow,
    fastAbove: shareAbove,
    below,
    above,
  };
  if (shareBelow <= 0.5 || shareAbove >= 0.5 || shareBelow - shareAbove < 0.3)
    return `idle time does not separate fast from slow wake-ups (split at ${Math.round(split / 1000)} µs: ${pct(shareBelow)} fast below the best cut of ${Math.round(windowNs / 1000)} µs idle, ${pct(shareAbove)} above)`;
  return fit;
}

function pct(x: number): string {
  return `${Math.round(x * 100)} %`;
}

/**
 * KVM's adaptive window over one run's wake-ups in order: for each, whether it came while the
 * window still polled (idle ≤ window), the window then adapting to the halt (idle, plus the
 * observed latency of a wake-up that came after the window: the halted vCPU's wake-up is part of
 * KVM's halt time). The same rule as `Simulator.haltEnded`.
 */
export function adaptiveWarm(seq: readonly IdleWake[], maxNs: number): boolean[] {
  let w = 0;
  return seq.map((x) => {
    const warm = x.idleNs <= w;
    w = nextPollWindow(w, warm ? x.idleNs : x.idleNs + x.ns, maxNs);
    return warm;
  });
}

export interface HaltPollMaxFit {
  /** KVM's halt_poll_ns: the most the adaptive window grows to (ns). */
  maxNs: number;
  splitNs: number;
  /**
   * Wake-ups the model classifies as their class / all: in a probe run where the host polled,
   * fast (warm) inside the adaptive window and slow outside it; in one where it did not, slow.
   */
  agree: number;
  n: number;
  /** Fast (below the split) wake-ups observed; the fast ones inside the window of a polling run. */
  fast: number;
  warm: number[];
  /** Polling runs: wake-ups inside the window, and the share of them that were fast (halt_poll_warm_share). */
  inWindow: number;
  warmShare: number;
  /** Polling runs: wake-ups outside the window, and the share of them that were fast anyway. */
  outside: number;
  outsideShare: number;
  /** Probe runs, those in which the host polled (most wake-ups inside the window fast). */
  probeRuns: number;
  pollingRuns: number;
  /**
   * Per probe run (in run order), the share of its wake-ups inside the window during which the
   * host polled: its fast share there less outsideShare (not-warm wake-ups below the split),
   * over warmShare less outsideShare, within [0, 1] (undefined: no wake-up inside the window).
   * A run whose host stopped polling part-way counts in part (`hostPollShare`).
   */
  runPolls: (number | undefined)[];
  /** The latencies (far-outs left out) of the probe runs in which the host did not poll. */
  noPoll: number[];
}

/** Candidate maxima: 10 µs to 1 ms in steps of 10 µs (KVM's grow start is 10 µs). */
const MAX_GRID = Array.from({ length: 100 }, (_, i) => (i + 1) * 10_000);

/**
 * halt_poll_max and the warm share from runs of wake-ups at steady idle times (xwake pin=apart
 * at fixed gaps, each run one gap; `probeRun[i]`: the probe run — calibrate --runs — that
 * sequence `runs[i]` came from, all 0 when absent). Latencies split fast/slow (Otsu on log
 * latency, far-outs above Q3 + 3·IQR left out). For each candidate maximum the adaptive window
 * (`adaptiveWarm`) is replayed over every run; in each probe run the host either polled (most
 * wake-ups inside the window fast: KVM polls only while the vCPU's task is the only one
 * runnable on its host CPU) or did not (every wake-up slow); the candidate that classifies the
 * most wake-ups as observed wins (the smallest on ties). Accepted only when both classes hold at
 * least 10 wake-ups, some probe run polled, the model explains at least 80 % of the wake-ups and
 * the polling runs' fast shares inside and outside the window lie at least 0.3 apart; else the reason.
 */
export function fitHaltPollMax(
  runs: readonly (readonly IdleWake[])[],
  probeRun: readonly number[] = runs.map(() => 0),
): HaltPollMaxFit | string {
  const everyWake = runs.flat();
  if (everyWake.length < 2 * MIN_SIDE) return `${everyWake.length} wake-ups; the fit needs ${2 * MIN_SIDE}`;
  // Far-out latencies (> Q3 + 3·IQR: the OS ran something else first) are neither warm nor cold:
  // left out of the split and of the count, kept in the replay (their halts still adapt the window).
  const sorted = everyWake.map((x) => x.ns).sort((a, b) => a - b);
  const q = (p: number) => sorted[Math.floor(p * (sorted.length - 1))];
  const farNs = q(0.75) + 3 * (q(0.75) - q(0.25));
  const all = everyWake.filter((x) => x.ns <= farNs);
  const split = latencySplit(all.map((x) => x.ns));
  if (split === undefined) return 'all wake-ups took the same time';
  const fast = all.filter((x) => x.ns < split).length;
  if (fast < MIN_SIDE || all.length - fast < MIN_SIDE)
    return `${fast} fast and ${all.length - fast} slow wake-ups (split at ${Math.round(split / 1000)} µs); the fit needs ${MIN_SIDE} of each`;
  const ids = [...new Set(probeRun)].sort((a, b) => a - b);
  /** Per probe run: fast/slow inside the window, fast/slow outside. */
  const counts = (m: number): Map<number, [number, number, number, number]> => {
    const c = new Map(ids.map((id) => [id, [0, 0, 0, 0] as [number, number, number, number]]));
    runs.forEach((r, k) => {
      const warm = adaptiveWarm(r, m);
      const cr = c.get(probeRun[k]) as [number, number, number, number];
      for (let i = 0; i < r.length; i++) if (r[i].ns <= farNs) cr[(warm[i] ? 0 : 2) + (r[i].ns < split ? 0 : 1)]++;
    });
    return c;
  };
  const polls = (c: readonly number[]) => c[0] > c[1];
  let best = -1;
  let bestMax = 0;
  for (const m of MAX_GRID) {
    let agree = 0;
    for (const c of counts(m).values()) agree += (polls(c) ? c[0] : c[1]) + c[3];
    if (agree > best) {
      best = agree;
      bestMax = m;
    }
  }
  const per = counts(bestMax);
  const polling = [...per.entries()].filter(([, c]) => polls(c));
  const sum = (i: number) => polling.reduce((t, [, c]) => t + c[i], 0);
  const inWindow = sum(0) + sum(1);
  const outside = sum(2) + sum(3);
  const warmShare = inWindow > 0 ? sum(0) / inWindow : 0;
  const outsideShare = outside > 0 ? sum(2) / outside : 0;
  const at = `best halt_poll_max ${Math.round(bestMax / 1000)} µs; split at ${Math.round(split / 1000)} µs`;
  if (polling.length === 0 || inWindow < MIN_SIDE)
    return `no probe run's wake-ups inside the adaptive window were mostly fast (${at}): the host did not halt-poll`;
  if (best < 0.8 * all.length)
    return `the adaptive window explains at most ${pct(best / all.length)} of the wake-ups (${at}; the host polled in ${polling.length} of ${ids.length} probe runs)`;
  if (warmShare - outsideShare < 0.3)
    return `inside the adaptive window ${pct(warmShare)} of the wake-ups were fast, outside it ${pct(outsideShare)}: the window does not separate them (${at})`;
  // A run's fast share inside the window, less the share of not-warm wake-ups that fall below the
  // split anyway (outsideShare: outside the window nothing is warm), over the polling runs' excess.
  const runPolls = [...per.values()].map((c) =>
    c[0] + c[1] > 0 ? Math.min(1, Math.max(0, (c[0] / (c[0] + c[1]) - outsideShare) / (warmShare - outsideShare))) : undefined,
  );
  const pollingIds = new Set(polling.map(([id]) => id));
  const warm: number[] = [];
  const noPoll: number[] = [];
  runs.forEach((r, k) => {
    const p = pollingIds.has(probeRun[k]);
    const w = adaptiveWarm(r, bestMax);
    for (let i = 0; i < r.length; i++) {
      if (r[i].ns > farNs) continue;
      if (!p) noPoll.push(r[i].ns);
      else if (w[i] && r[i].ns < split) warm.push(r[i].ns);
    }
  });
  return {
    maxNs: bestMax,
    splitNs: Math.round(split),
    agree: best,
    n: all.length,
    fast,
    warm,
    inWindow,
    warmShare,
    outside,
    outsideShare,
    probeRuns: ids.length,
    pollingRuns: polling.length,
    runPolls,
    noPoll,
  };
}

export interface HostPollShare {
  /** The posterior mean: the probability that a run's host halt-polls (halt_poll_run_share). */
  mean: number;
  /** Its central 95 % posterior interval. */
  ci95: [number, number];
  /** Probe runs counted, and their summed polling shares (the "successes"). */
  runs: number;
  polled: number;
}

/**
 * halt_poll_run_share from the probe runs' polling shares (`HaltPollMaxFit.runPolls`). Whether
 * the host polls is a state of the host (KVM polls only while the vCPU's task is alone on its
 * host CPU) that holds for a while and then changes with other tenants' load — in the quiet
 * calibrations of 2026-12-07 it changed inside one probe run (1.24.2 run 2: 96 % of the 30 µs
 * gap's first 100 wake-ups warm, 4 % of the rest). So a probe run is one draw of that state, not
 * 2,100 independent ones, and a run that switched counts as the share of its wake-ups that
 * polled, not as a whole yes or no. With three runs the share is poorly known: the estimate is
 * the mean of a Beta posterior under Jeffreys' prior Beta(½, ½) — successes the summed shares,
 * failures the rest — and its central 95 % interval, not k/N (which says 0 or 1 after a few runs
 * and claims a precision three runs do not have). Undefined with fewer than two counted runs.
 */
export function hostPollShare(runPolls: readonly (number | undefined)[]): HostPollShare | undefined {
  const h = runPolls.filter((x): x is number => x !== undefined);
  if (h.length < 2) return undefined;
  const polled = h.reduce((t, x) => t + x, 0);
  const a = polled + 0.5;
  const b = h.length - polled + 0.5;
  return { mean: a / (a + b), ci95: [betaQuantile(0.025, a, b), betaQuantile(0.975, a, b)], runs: h.length, polled };
}

/** The q-quantile of Beta(a, b), by bisection on the regularized incomplete beta (to 1e-9). */
export function betaQuantile(q: number, a: number, b: number): number {
  let lo = 0;
  let hi = 1;
  for (let i = 0; i < 60; i++) {
    const mid = (lo + hi) / 2;
    if (incompleteBeta(mid, a, b) < q) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}
