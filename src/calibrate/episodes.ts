/**
 * Host-contention episodes: stretches of tens of ms in which every wake-up of a halted vCPU is
 * slow (0.5–4 ms instead of tens of µs), found in the wake-up benchmark's time-ordered samples.
 *
 * Phase: calibrate (pure). What the samples show (session-8 calibrations, xwake): 2–3 % of
 * outside wake-ups take 0.5–4 ms, and they come in runs of consecutive messages whose latencies
 * fall by one send interval from one to the next (2771, 2176, 1591, 1000, 408 µs at a 590 µs
 * interval): the receiver's vCPU did not run for ms at a time, the messages sent meanwhile all
 * arrived when it ran again, and such stalls repeat for tens of ms. Outside those stretches the
 * slow wake-ups are rare and isolated (the ordinary far tail, which the wake_latency fit leaves
 * out). The noise benchmark sees the same stretches as ms-long pauses of a spinning thread,
 * clustered within tens of ms (docs/calibration.md).
 *
 * The fit, per (probe run, xwake configuration) sequence in the order the probe printed it:
 *   - a wake-up is slow when it lies above the sequence's far fence (Q3 + 3·IQR, the rule that
 *     leaves it out of the ordinary wake_latency fit) and is ms-class (SLOW_FLOOR_NS);
 *   - slow wake-ups whose sends are at most MERGE_NS apart (the earlier's receive to the later's
 *     send) belong to one stretch; a stretch of at least MIN_SLOW slow wake-ups is an episode
 *     (fewer: the ordinary tail);
 *   - an episode lasts from its first slow wake-up's send to its last one's receive; every
 *     wake-up whose send falls in it (slow or not) is a wake-up during an episode;
 *   - the rate is episodes per second of observed wall time (each sequence's first send to its
 *     last receive), pooled over every xwake sequence of every probe run; its 95 % interval is
 *     Poisson's (Wilson–Hilferty), honest about how few episodes one calibration sees.
 * Time: the send instant `atNs` where the probe prints it (probes after session 9); older output
 * has none, and the time is rebuilt from the sender's schedule — one send every g + g_spread/2 µs
 * plus the sleep's overshoot, estimated from the episodes' own saw-tooth (two messages that waited
 * for the same stall differ in latency by the send interval), else 50 µs (Linux's default timer
 * slack). Rebuilt times are approximate (a sender delayed by the same episode sends later than
 * rebuilt), which the source line says.
 */
import { farFence, median } from './stats.js';
import { paramsKey, type LatencyRecord } from './probe-output.js';

/** Slow wake-ups at most this far apart (one's receive to the next one's send) share an episode. */
export const MERGE_NS = 5_000_000;
/**
 * A slow wake-up is ms-class: above this as well as above its sequence's far fence. The slowest
 * ordinary path, a halted vCPU woken through the hypervisor (xwake pin=apart), takes 40–100 µs up
 * to its p99 on this project's VM; a wake-up over 250 µs is a vCPU that was not running (a fence
 * alone would call a 45 µs cold wake-up slow in a sequence of 5 µs warm ones).
 */
export const SLOW_FLOOR_NS = 250_000;
/** Fewest slow wake-ups that make an episode (fewer: the ordinary far tail). */
export const MIN_SLOW = 3;
/** Sleep overshoot assumed when the samples neither carry atNs nor show a saw-tooth to measure it. */
export const DEFAULT_OVERSHOOT_NS = 50_000;
/** The benchmarks whose time-ordered wake-ups are searched. */
export const EPISODE_BENCHES: readonly string[] = ['xwake'];

export interface Episode {
  header: number;
  config: string;
  startNs: number;
  durationNs: number;
  /** Wake-ups whose send fell in the episode (slow or not). */
  wakes: number;
  slow: number;
}

export interface EpisodeFit {
  episodes: Episode[];
  /** Every wake-up latency during an episode. */
  wakeNs: number[];
  /** Wall time the sequences cover, summed. */
  observedNs: number;
  sequences: number;
  samples: number;
  /** Episodes per second of observed time, and its 95 % Poisson interval. */
  rate: number;
  ci95: [number, number];
  /** 'atNs' when every sequence carried send times; else the rebuilt schedule's overshoot. */
  timing: 'atNs' | { overshootNs: number; fromSawtooth: number };
  headers: number[];
}

/** 95 % Poisson interval of a count k (Wilson–Hilferty, within 1 % of the exact one; 0 → [0, 3.67]). */
export function poissonCi95(k: number): [number, number] {
  const z = 1.959964;
  const lo = k === 0 ? 0 : k * Math.pow(1 - 1 / (9 * k) - z / (3 * Math.sqrt(k)), 3);
  const k1 = k + 1;
  const hi = k1 * Math.pow(1 - 1 / (9 * k1) + z / (3 * Math.sqrt(k1)), 3);
  return [Math.max(0, lo), hi];
}

interface Seq {
  header: number;
  config: string;
  recs: LatencyRecord[];
  stepNs: number;
  gNs: number;
  spread: boolean;
}

function sequences(lat: readonly LatencyRecord[]): Seq[] {
  const by = new Map<string, Seq>();
  for (const l of lat) {
    if (!EPISODE_BENCHES.includes(l.bench)) continue;
    const config = `${l.bench}{${paramsKey(l.params)}}`;
    const key = `${l.header} ${config}`;
    let s = by.get(key);
    if (!s) {
      const g = Number(l.params.g ?? 0) * 1000;
      const spread = Number(l.params.g_spread ?? 0) * 1000;
      by.set(key, (s = { header: l.header, config, recs: [], stepNs: g + spread / 2, gNs: g, spread: spread > 0 }));
    }
    s.recs.push(l);
  }
  return [...by.values()].filter((s) => s.recs.length >= 10);
}

/**
 * The sleep's overshoot from the saw-tooth: consecutive slow wake-ups of a fixed-gap sequence
 * whose latency fell (both waited for the same stall) were sent one interval apart.
 */
function sawtoothOvershoot(seqs: readonly Seq[]): { overshootNs: number; fromSawtooth: number } {
  const d: number[] = [];
  for (const s of seqs) {
    if (s.spread) continue;
    const fence = Math.max(SLOW_FLOOR_NS, farFence(s.recs.map((r) => r.ns)));
    for (let i = 0; i + 1 < s.recs.length; i++) {
      const a = s.recs[i].ns;
      const b = s.recs[i + 1].ns;
      if (a > fence && b > fence && a > b) d.push(a - b - s.gNs);
    }
  }
  if (d.length < 5) return { overshootNs: DEFAULT_OVERSHOOT_NS, fromSawtooth: 0 };
  return { overshootNs: Math.max(0, median(d)), fromSawtooth: d.length };
}

/** Finds the episodes in the wake-up benchmarks' time-ordered latency lines (module doc). */
export function fitEpisodes(lat: readonly LatencyRecord[]): EpisodeFit {
  const seqs = sequences(lat);
  const timed = seqs.length > 0 && seqs.every((s) => s.recs.every((r) => r.atNs !== undefined));
  const over = timed ? undefined : sawtoothOvershoot(seqs);
  const episodes: Episode[] = [];
  const wakeNs: number[] = [];
  let observedNs = 0;
  let samples = 0;
  for (const s of seqs) {
    const n = s.recs.length;
    samples += n;
    const t = new Float64Array(n);
    for (let i = 0; i < n; i++) t[i] = timed ? s.recs[i].atNs! : i * (s.stepNs + over!.overshootNs);
    observedNs += t[n - 1] + s.recs[n - 1].ns - t[0];
    const fence = Math.max(SLOW_FLOOR_NS, farFence(s.recs.map((r) => r.ns)));
    let first = -1;
    let last = -1;
    let slow = 0;
    const close = (): void => {
      if (slow >= MIN_SLOW) {
        const start = t[first];
        const end = t[last] + s.recs[last].ns;
        let wakes = 0;
        for (let i = first; i < n && t[i] <= end; i++) {
          wakeNs.push(s.recs[i].ns);
          wakes++;
        }
        episodes.push({ header: s.header, config: s.config, startNs: start, durationNs: end - start, wakes, slow });
      }
      first = -1;
      slow = 0;
    };
    for (let i = 0; i < n; i++) {
      if (!(s.recs[i].ns > fence)) continue;
      if (first >= 0 && t[i] - (t[last] + s.recs[last].ns) > MERGE_NS) close();
      if (first < 0) first = i;
      last = i;
      slow++;
    }
    if (first >= 0) close();
  }
  const k = episodes.length;
  const sec = observedNs / 1e9;
  const [lo, hi] = poissonCi95(k);
  return {
    episodes,
    wakeNs,
    observedNs,
    sequences: seqs.length,
    samples,
    rate: sec > 0 ? k / sec : 0,
    ci95: sec > 0 ? [lo / sec, hi / sec] : [0, Infinity],
    timing: timed ? 'atNs' : over!,
    headers: [...new Set(episodes.map((e) => e.header))].sort((a, b) => a - b),
  };
}

/**
 * The noise benchmark's pauses that belong to a host-contention stretch: per probe run and
 * configuration, in time order (atNs), ms-class pauses (at least SLOW_FLOOR_NS) at most MERGE_NS
 * apart (one's end to the next one's start), MIN_SLOW or more of them — the rule that finds an
 * episode in the wake-ups. The simulator pauses a running thread inside an episode with
 * episode_wake_latency, so these stalls are not also part of the ordinary noise_pause
 * distribution (counted twice otherwise). Pauses without atNs (older probes) are never grouped.
 */
export function noiseEpisodeStalls(lat: readonly LatencyRecord[]): Set<LatencyRecord> {
  const by = new Map<string, LatencyRecord[]>();
  for (const l of lat) {
    if (l.bench !== 'noise' || l.atNs === undefined || l.ns < SLOW_FLOOR_NS) continue;
    const key = `${l.header} ${paramsKey(l.params)}`;
    const v = by.get(key);
    if (v) v.push(l);
    else by.set(key, [l]);
  }
  const out = new Set<LatencyRecord>();
  for (const slow of by.values()) {
    slow.sort((a, b) => a.atNs! - b.atNs!);
    let start = 0;
    for (let i = 1; i <= slow.length; i++) {
      const joined = i < slow.length && slow[i].atNs! - (slow[i - 1].atNs! + slow[i - 1].ns) <= MERGE_NS;
      if (joined) continue;
      if (i - start >= MIN_SLOW) for (let j = start; j < i; j++) out.add(slow[j]);
      start = i;
    }
  }
  return out;
}

/** One line saying what the fit rests on (the parameters' source). */
export function describeEpisodeFit(f: EpisodeFit): string {
  const timing =
    f.timing === 'atNs'
      ? 'send times from the probe (atNs)'
      : `send times rebuilt from the sender's schedule (no atNs: g + g_spread/2 + ${Math.round(f.timing.overshootNs / 1000)} µs overshoot${f.timing.fromSawtooth > 0 ? `, from ${f.timing.fromSawtooth} saw-tooth steps` : ', assumed'}; approximate)`;
  return `${EPISODE_BENCHES.join(', ')} time-ordered wake-ups: ${f.episodes.length} episodes (≥ ${MIN_SLOW} wake-ups above a sequence's Q3 + 3·IQR and ${SLOW_FLOOR_NS / 1000} µs, ≤ ${MERGE_NS / 1e6} ms apart) in ${(f.observedNs / 1e9).toFixed(1)} s of ${f.sequences} sequences (${f.samples} wake-ups); ${timing}`;
}
