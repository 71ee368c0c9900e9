/**
 * The runtime's mechanistic per-op costs, read once from a cost model into plain numbers (integer
 * ns) and latency distributions, with the driver kind chosen. One table for every back-end: the
 * simulator (runtime/costs.ts) and the analytic model (analytic/costs.ts) read the same numbers.
 *
 * Phase: normalize / simulate / analyze (set-up); lives in plan/ because both back-ends read plan/.
 */
import type { CostModel } from '../schema/model.js';
import { Prng } from '../engine/prng.js';
import type { Plan, PlanCost } from './types.js';
import { paramNs, param } from '../model/load.js';
import type { OptionalParameterName, ParameterName } from '../model/parameters.js';

export interface RuntimeCosts {
  poll: number;
  yieldExtra: number;
  driverPoll: number;
  remoteCheck: number;
  driverUnparkIo: number;
  /**
   * current_thread, I/O driver: the driver.unpark() (eventfd write) of a timer registration when
   * the driver promised no earlier wake-up (timer_unpark_io; driver_unpark_io when absent); 0
   * without the I/O driver.
   */
  timerUnparkIo: number;
  unparkWorker: number;
  steal: number;
  spawn: number;
  join: number;
  sendU: number;
  recvU: number;
  tryRecvU: number;
  sendB: number;
  recvB: number;
  tryRecvB: number;
  wakerRegister: number;
  lfPush: number;
  lfPop: number;
  mutex: number;
  timerRegister: number;
  spinCheck: number;
  /** Per-record bookkeeping at record_end, and record_start's clock read (probe-measured); 0 when the model lacks them. */
  recordEnd: number;
  recordStart: number;
  /** The harness's own cost of a compute/spin instruction beyond its work (probe-measured); 0 when the model lacks it. */
  computeOp: number;
  noiseRate: number;
  wakeLatency: PlanCost;
  /** A worker woken by another worker (multi_thread); wake_latency when the model has no worker_wake_latency. */
  workerWakeLatency: PlanCost;
  /**
   * An idle worker re-woken by a worker that has been yield-spinning since before it parked
   * (multi_thread, the yield cycle); workerWakeLatency when the model has no worker_rewake_latency.
   */
  workerRewakeLatency: PlanCost;
  /**
   * The oldest park the yield cycle re-wakes in worker_rewake_latency: that parameter's value (its
   * median); without it every park (the fallback latency is worker_wake_latency anyway, with DS3030).
   */
  workerRewakeAge: number;
  parkOvershoot: PlanCost;
  noisePause: PlanCost;
  /**
   * A thread unparked less than `haltPollWindow` ns after it parked (its vCPU still polling)
   * takes `wakeLatencyWarm` instead of wake_latency / worker_wake_latency. 0: no such window
   * (a model without halt_poll_window and wake_latency_warm).
   */
  haltPollWindow: number;
  wakeLatencyWarm: PlanCost;
  /**
   * KVM's adaptive halt-polling (`halt_poll_max`, with wake_latency_warm): each thread's window
   * adapts after every halt and caps here; replaces `haltPollWindow`. 0: the fixed window above.
   */
  haltPollMax: number;
  /**
   * With haltPollMax: the probability that a wake-up inside the window is warm (halt_poll_warm_share;
   * 1 when absent), the share of runs whose host polls at all (halt_poll_run_share; 1 when absent),
   * and the wake-up latency in a run whose host does not poll (wake_latency_nopoll; `undefined`
   * when absent: the cold latency of the wake-up's kind).
   */
  haltPollWarmShare: number;
  haltPollRunShare: number;
  wakeLatencyNoPoll: PlanCost | undefined;
  /**
   * A parked runtime thread woken by a source thread sharing its vCPU (wake_latency_packed); null
   * when the model lacks it (wake_latency as from another CPU, with DS3030).
   */
  wakeLatencyPacked: PlanCost | null;
  /**
   * The wake-up a source without a CPU of its own makes with its thread's last delivery, the thread
   * then exiting on the woken thread's vCPU (source_exit_latency); null when the model lacks it
   * (wake_latency_packed, with DS3030).
   */
  sourceExitLatency: PlanCost | null;
  /** multi_thread, a spawn on a thread that is not a worker; spawn when the model has no spawn_remote. */
  spawnRemote: number;
  /** multi_thread, a thread that is not a worker unparking a worker; unpark_worker when the model has no unpark_remote. */
  unparkRemote: number;
  /** multi_thread, a worker notifying a worker whose vCPU has halted (drawn per notify); null: unpark_remote. */
  unparkHalted: PlanCost | null;
  /** One clock read (Instant::now) where tokio reads the clock itself; spin_check − try_recv_unbounded when absent. */
  clockRead: number;
  /** Receiving an item another runtime thread sent: unbounded (and lock-free), bounded; 0 when absent. */
  handoffU: number;
  handoffB: number;
  /**
   * Both ends of an mpsc channel at work on it at once on two threads: the extra per send
   * (conc_send_*) and per receive (conc_recv_*), unbounded and bounded; 0 when absent.
   */
  concSendU: number;
  concRecvU: number;
  concSendB: number;
  concRecvB: number;
  /**
   * multi_thread: a worker's wake of the parked block_on thread places it on the waker's vCPU
   * (block_on_wake_preempt, block_on_wake_latency): the share that preempts the waker at once, and
   * that switch's latency. Null when the model lacks either (the thread is woken like any other).
   * An object, so that a run's speed level (scaleRuntimeCosts) leaves the share alone.
   */
  boWake: { preempt: number; latency: PlanCost; hold: PlanCost | null } | null;
  /**
   * multi_thread: a worker woken (notify_parked) by another worker on its core is placed on the
   * waker's vCPU the same way (worker_wake_preempt, worker_wake_preempt_latency). Null when the
   * model lacks either (the worker is woken on a free core after worker_wake_latency). `hold`
   * (worker_wake_preempt_hold): how long a preempted waker stays off its vCPU at most, while the
   * woken worker runs on (null: until the woken worker parks).
   */
  workerWake: { preempt: number; latency: PlanCost; hold: PlanCost | null } | null;
  /**
   * Host-contention episodes (episode_rate, episode_duration, episode_wake_latency): episodes per
   * second of simulated time, their duration, and a parked thread's wake-up latency inside one.
   * Null when the model lacks any of the three (no episodes). An object, so that a run's levels
   * (scaleRuntimeCosts) leave it alone.
   */
  episode: { rate: number; duration: PlanCost; wake: PlanCost } | null;
  /**
   * multi_thread: a worker's non-blocking driver poll while another worker yield-spins costs this
   * much more (yield_round_parallel: the shared driver's cache lines move between the CPUs); 0
   * when the model lacks it.
   */
  yieldParallel: number;
  /**
   * multi_thread, sources without a CPU of their own: the running time a busy vCPU's thread loses
   * to each wake-up of the source thread there (source_hold); 0 when the model lacks it.
   */
  sourceHold: number;
  /** The optional parameters above that the model lacks (their fallback is charged instead). */
  absent: {
    spawnRemote: boolean;
    unparkRemote: boolean;
    unparkHalted: boolean;
    handoffU: boolean;
    handoffB: boolean;
    concU: boolean;
    concB: boolean;
    haltPollMax: boolean;
    clockRead: boolean;
    workerRewake: boolean;
    workerWakePack: boolean;
    wakePacked: boolean;
    sourceExit: boolean;
    yieldParallel: boolean;
    timerUnparkIo: boolean;
    sourceHold: boolean;
  };
}

function dist(model: CostModel, name: ParameterName): PlanCost {
  const p = param(model, name);
  if (!p) return { dist: 'const', ns: 0 };
  if (p.distribution) return { dist: 'quantiles', p: [...p.distribution.p], ns: [...p.distribution.ns] };
  return { dist: 'const', ns: p.value };
}

/** Both parameters of a wake placement (a share and its switch latency), or neither (then null). */
function packing(model: CostModel, share: ParameterName, latency: ParameterName, hold?: ParameterName): RuntimeCosts['boWake'] {
  const s = param(model, share);
  if (!s || !param(model, latency)) return null;
  return {
    preempt: Math.min(1, Math.max(0, s.value)),
    latency: dist(model, latency),
    hold: hold !== undefined && param(model, hold) ? dist(model, hold) : null,
  };
}

/** All three episode parameters with a positive rate, or none (then null). */
function episode(model: CostModel): RuntimeCosts['episode'] {
  const rate = param(model, 'episode_rate' satisfies ParameterName);
  if (!rate || !(rate.value > 0)) return null;
  if (!param(model, 'episode_duration' satisfies ParameterName) || !param(model, 'episode_wake_latency' satisfies ParameterName))
    return null;
  return { rate: rate.value, duration: dist(model, 'episode_duration'), wake: dist(model, 'episode_wake_latency') };
}

/** Both halt-poll parameters, or neither (then no wake-up is warm). */
type WarmWake = Pick<
  RuntimeCosts,
  'haltPollWindow' | 'wakeLatencyWarm' | 'haltPollMax' | 'haltPollWarmShare' | 'haltPollRunShare' | 'wakeLatencyNoPoll'
>;

function warmWake(model: CostModel): WarmWake {
  const off = { haltPollWarmShare: 1, haltPollRunShare: 1, wakeLatencyNoPoll: undefined };
  const none = { haltPollWindow: 0, wakeLatencyWarm: { dist: 'const', ns: 0 } as PlanCost, haltPollMax: 0, ...off };
  if (!param(model, 'wake_latency_warm' satisfies ParameterName)) return none;
  const max = param(model, 'halt_poll_max' satisfies ParameterName);
  if (max && max.value > 0) {
    const share = (n: ParameterName) => Math.min(1, Math.max(0, param(model, n)?.value ?? 1));
    return {
      haltPollWindow: 0,
      wakeLatencyWarm: dist(model, 'wake_latency_warm'),
      haltPollMax: Math.round(max.value),
      haltPollWarmShare: share('halt_poll_warm_share'),
      haltPollRunShare: share('halt_poll_run_share'),
      wakeLatencyNoPoll: param(model, 'wake_latency_nopoll' satisfies ParameterName)
        ? dist(model, 'wake_latency_nopoll')
        : undefined,
    };
  }
  const window = param(model, 'halt_poll_window' satisfies ParameterName);
  if (!window || !(window.value > 0)) return none;
  return { haltPollWindow: Math.round(window.value), wakeLatencyWarm: dist(model, 'wake_latency_warm'), haltPollMax: 0, ...off };
}

/**
 * Whether the VM host halt-polls in the run of `seed` (halt_poll_run_share): a run of a run set
 * (one with run-level draws) polls with that probability, from its seed's own 'halt-poll-run'
 * stream (one draw, so it moves no other draw of the run); a single run is the typical run,
 * polling when the share is ≥ 0.5. The simulator and the run set's `runs.runLevel.hostPolls` both
 * ask this.
 */
export function hostPolls(c: Pick<RuntimeCosts, 'haltPollRunShare'>, runSet: boolean, seed: number): boolean {
  if (c.haltPollRunShare >= 1) return true;
  return runSet ? new Prng(seed, 'halt-poll-run').nextFloat() < c.haltPollRunShare : c.haltPollRunShare >= 0.5;
}

export function runtimeCosts(model: CostModel, driver: 'none' | 'timer' | 'timer_io'): RuntimeCosts {
  // Simulated time is integer ns: every fixed cost is rounded once here (28.6 → 29 ns), so clocks
  // stay exact integers and results are the same bytes on any machine.
  const v = (n: ParameterName) => Math.round(paramNs(model, n));
  const has = (n: OptionalParameterName) => param(model, n) !== undefined;
  const opt = (n: OptionalParameterName, fallback: number) => (has(n) ? v(n) : fallback);
  return {
    poll: v('poll_self'),
    yieldExtra: v('yield_extra'),
    driverPoll: driver === 'none' ? v('driver_poll_none') : driver === 'timer' ? v('driver_poll_timer') : v('driver_poll_io'),
    remoteCheck: v('remote_check'),
    driverUnparkIo: driver === 'timer_io' ? v('driver_unpark_io') : 0,
    timerUnparkIo: driver === 'timer_io' ? opt('timer_unpark_io', v('driver_unpark_io')) : 0,
    unparkWorker: v('unpark_worker'),
    steal: v('steal'),
    spawn: v('spawn'),
    join: v('join'),
    sendU: v('send_unbounded'),
    recvU: v('recv_unbounded'),
    tryRecvU: v('try_recv_unbounded'),
    sendB: v('send_bounded'),
    recvB: v('recv_bounded'),
    tryRecvB: v('try_recv_bounded'),
    wakerRegister: v('waker_register'),
    lfPush: v('lockfree_push'),
    lfPop: v('lockfree_pop'),
    mutex: v('mutex_lock'),
    timerRegister: v('timer_register'),
    spinCheck: v('spin_check'),
    // Optional (model/parameters.ts): a model calibrated before they existed charges nothing.
    recordEnd: param(model, 'record_end' satisfies ParameterName) ? v('record_end') : 0,
    recordStart: param(model, 'record_start' satisfies ParameterName) ? v('record_start') : 0,
    computeOp: param(model, 'compute_op' satisfies ParameterName) ? v('compute_op') : 0,
    noiseRate: paramNs(model, 'noise_rate' satisfies ParameterName),
    wakeLatency: dist(model, 'wake_latency'),
    workerWakeLatency: param(model, 'worker_wake_latency' satisfies ParameterName)
      ? dist(model, 'worker_wake_latency')
      : dist(model, 'wake_latency'),
    workerRewakeLatency: param(model, 'worker_rewake_latency' satisfies ParameterName)
      ? dist(model, 'worker_rewake_latency')
      : param(model, 'worker_wake_latency' satisfies ParameterName)
        ? dist(model, 'worker_wake_latency')
        : dist(model, 'wake_latency'),
    workerRewakeAge: opt('worker_rewake_latency', Infinity),
    parkOvershoot: dist(model, 'park_overshoot'),
    noisePause: dist(model, 'noise_pause'),
    ...warmWake(model),
    spawnRemote: opt('spawn_remote', v('spawn')),
    wakeLatencyPacked: has('wake_latency_packed') ? dist(model, 'wake_latency_packed') : null,
    sourceExitLatency: has('source_exit_latency') ? dist(model, 'source_exit_latency') : null,
    unparkRemote: opt('unpark_remote', v('unpark_worker')),
    unparkHalted: has('unpark_halted') ? dist(model, 'unpark_halted') : null,
    // spin_check was derived as try_recv_unbounded + one Instant::now(): its difference is that read.
    clockRead: opt('clock_read', Math.max(0, v('spin_check') - v('try_recv_unbounded'))),
    handoffU: opt('handoff_unbounded', 0),
    handoffB: opt('handoff_bounded', 0),
    concSendU: opt('conc_send_unbounded', 0),
    concRecvU: opt('conc_recv_unbounded', 0),
    concSendB: opt('conc_send_bounded', 0),
    concRecvB: opt('conc_recv_bounded', 0),
    boWake: packing(model, 'block_on_wake_preempt', 'block_on_wake_latency'),
    workerWake: packing(model, 'worker_wake_preempt', 'worker_wake_preempt_latency', 'worker_wake_preempt_hold'),
    episode: episode(model),
    yieldParallel: opt('yield_round_parallel', 0),
    sourceHold: opt('source_hold', 0),
    absent: {
      spawnRemote: !has('spawn_remote'),
      unparkRemote: !has('unpark_remote'),
      unparkHalted: !has('unpark_halted'),
      handoffU: !has('handoff_unbounded'),
      handoffB: !has('handoff_bounded'),
      concU: !has('conc_send_unbounded') || !has('conc_recv_unbounded'),
      concB: !has('conc_send_bounded') || !has('conc_recv_bounded'),
      haltPollMax: !has('halt_poll_max'),
      clockRead: !has('clock_read'),
      workerRewake: !has('worker_rewake_latency'),
      workerWakePack: !has('worker_wake_preempt') || !has('worker_wake_preempt_latency'),
      wakePacked: !has('wake_latency_packed'),
      sourceExit: !has('source_exit_latency'),
      yieldParallel: !has('yield_round_parallel'),
      timerUnparkIo: !has('timer_unpark_io'),
      sourceHold: !has('source_hold'),
    },
  };
}

/** `c` scaled by a run's level: `ns` for a constant cost, every stored quantile for a distribution. */
function scaleCost(c: PlanCost, f: number): PlanCost {
  switch (c.dist) {
    case 'const':
      return { dist: 'const', ns: c.ns * f };
    case 'uniform':
      return { dist: 'uniform', minNs: c.minNs * f, maxNs: c.maxNs * f };
    case 'exponential':
      return { dist: 'exponential', meanNs: c.meanNs * f };
    case 'lognormal':
      return { dist: 'lognormal', medianNs: c.medianNs * f, sigma: c.sigma };
    case 'quantiles':
      return { dist: 'quantiles', p: [...c.p], ns: c.ns.map((x) => x * f) };
  }
}

/**
 * One run's costs (run sets, docs/semantics.md "Run sets"): the runtime's per-op costs × `speed`
 * (rounded to integer ns again), the OS wake-up latencies × `wake` (wake_latency, worker_wake_latency,
 * worker_rewake_latency, wake_latency_nopoll, wake_latency_packed, source_exit_latency, unpark_halted, and the switch latencies of block_on and worker packing;
 * not wake_latency_warm, not episode_wake_latency), the noise rate × `noise` (the
 * pause lengths are drawn from noise_pause as they are), the episode rate × `episode`. Park overshoot and the scenario's own
 * costs (user work: a time, not an op of the runtime) are not scaled. Factors of 1 return `c`
 * itself.
 */
export function scaleRuntimeCosts(c: RuntimeCosts, speed: number, wake: number, noise = 1, episode = 1): RuntimeCosts {
  if (speed === 1 && wake === 1 && noise === 1 && episode === 1) return c;
  // Every per-op cost (a number field; a parameter added later is scaled too) but the noise rate.
  const out: Record<string, unknown> = { ...c };
  for (const [k, v] of Object.entries(c))
    if (
      typeof v === 'number' &&
      k !== 'noiseRate' &&
      k !== 'haltPollMax' &&
      k !== 'haltPollWarmShare' &&
      k !== 'haltPollRunShare' &&
      k !== 'workerRewakeAge'
    )
      out[k] = Math.round(v * speed);
  out.noiseRate = c.noiseRate * noise;
  out.wakeLatency = scaleCost(c.wakeLatency, wake);
  out.workerWakeLatency = scaleCost(c.workerWakeLatency, wake);
  out.workerRewakeLatency = scaleCost(c.workerRewakeLatency, wake);
  out.workerRewakeAge = c.workerRewakeAge * wake;
  if (c.wakeLatencyNoPoll) out.wakeLatencyNoPoll = scaleCost(c.wakeLatencyNoPoll, wake);
  if (c.wakeLatencyPacked) out.wakeLatencyPacked = scaleCost(c.wakeLatencyPacked, wake);
  if (c.sourceExitLatency) out.sourceExitLatency = scaleCost(c.sourceExitLatency, wake);
  // A halted vCPU's unpark is an IPI to a sleeping vCPU, as a wake-up's first half is.
  if (c.unparkHalted) out.unparkHalted = scaleCost(c.unparkHalted, wake);
  // The switch to a thread woken on its waker's vCPU (block_on, worker packing) is an OS wake-up of
  // a parked thread too: bo_wake's per-run medians moved with xwake's in 3 of session 8–9's 4
  // calibrations, by more (+51 % where xwake's moved +20 %). Its share is not a latency and stays.
  // The hold (worker_wake_preempt_hold) is how long the guest's scheduler leaves the preempted waker
  // off a vCPU before its load balancer moves one of the two: not a wake-up, so not scaled.
  if (c.boWake && wake !== 1) out.boWake = { ...c.boWake, latency: scaleCost(c.boWake.latency, wake) };
  if (c.workerWake && wake !== 1) out.workerWake = { ...c.workerWake, latency: scaleCost(c.workerWake.latency, wake) };
  if (c.episode && episode !== 1) out.episode = { ...c.episode, rate: c.episode.rate * episode };
  return out as unknown as RuntimeCosts;
}

/**
 * How much wider than its point estimate a run's level is spread, for a dispersion `sd` estimated
 * from `n` probe runs (the parameter's `samples`): the posterior predictive of a new run's log level
 * under the usual non-informative prior (p(σ) ∝ 1/σ) is a Student t with n − 1 degrees of freedom
 * and scale sd·√(1 + 1/n), i.e. a normal draw × sd·√(1 + 1/n)·√(ν/χ²_ν), ν = n − 1. This returns
 * the factor √(1 + 1/n)·√(ν/χ²_ν) with χ²_ν = 2·Gamma(ν/2) drawn from `rng`; 1 (the point sd, no
 * draw) when `n` is unknown or below 2. With 3 runs (ν = 2) the level's 95th percentile is 2.9 ×
 * 1.15 sd instead of 1.64 sd: a dispersion seen in 3 runs may well be twice what they showed.
 */
export function sdUncertainty(n: number | undefined, rng: Prng): number {
  if (n === undefined || !Number.isFinite(n) || n < 2) return 1;
  const nu = Math.round(n) - 1;
  const chi2 = 2 * rng.gamma(nu / 2);
  return Math.sqrt(1 + 1 / Math.round(n)) * Math.sqrt(nu / Math.max(chi2, 1e-12));
}

/**
 * The factor on episode_rate of a run of a run set: the rate is k episodes seen in T seconds of
 * the calibration's wake-ups (the parameter's `samples` = k, value = k / T), so the posterior of
 * the rate under Jeffreys' prior is Gamma(k + ½) / T, and a run's rate is a draw of it:
 * Gamma(k + ½, 1) / k × the point rate. 1 when k is unknown.
 */
export function episodeRateUncertainty(k: number | undefined, rng: Prng): number {
  if (k === undefined || !Number.isFinite(k) || k < 1) return 1;
  return rng.gamma(k + 0.5) / k;
}

/**
 * The log-speed standard deviation of a run at an unknown time: between runs (run_speed_sd, from
 * one calibration's runs minutes apart) and between windows (window_speed_sd, from calibrations
 * hours apart) are independent, so their variances add; each is widened by its own uncertainty
 * draw. Without a window dispersion it is the run dispersion alone, exactly as before.
 */
export function combinedSpeedSd(runSd: number, runU: number, windowSd: number, windowU: number): number {
  if (!(windowSd > 0)) return runSd * runU;
  return Math.hypot(runSd * runU, windowSd * windowU);
}

/** A run's level factors (runLevelFactors). */
export interface RunLevelFactors {
  speed: number;
  wake: number;
  noise: number;
  /** The factor on episode_rate (1 without episodes or outside a run set). */
  episode: number;
}

/**
 * A run's level factors: exp(sd · u · z) per the model's run_speed_sd (with window_speed_sd:
 * combinedSpeedSd) / run_wake_sd / run_noise_sd (1 where absent), z the run's standard normals
 * (plan.runtime.runLevel) and u its draw of the dispersion's own uncertainty (sdUncertainty, from
 * the seed's 'run-level-sd' stream: speed, wake, noise, window speed in that order, drawn whether
 * or not the model has them, so that each is the same whatever the model lacks, and a model
 * without window_speed_sd gives the factors it gave before that parameter existed); and the run's
 * factor on episode_rate (episodeRateUncertainty,
 * its 'episode-rate' stream). A Plan that is not a run of a set: all 1.
 */
export function runLevelFactors(plan: Plan, model: CostModel): RunLevelFactors {
  const z = plan.runtime.runLevel;
  if (!z) return { speed: 1, wake: 1, noise: 1, episode: 1 };
  const p = model.parameters;
  const rng = new Prng(plan.seed, 'run-level-sd');
  const us = sdUncertainty(p.run_speed_sd?.samples, rng);
  const uw = sdUncertainty(p.run_wake_sd?.samples, rng);
  const un = sdUncertainty(p.run_noise_sd?.samples, rng);
  const uv = sdUncertainty(p.window_speed_sd?.samples, rng);
  const speedSd = combinedSpeedSd(p.run_speed_sd?.value ?? 0, us, p.window_speed_sd?.value ?? 0, uv);
  const wakeSd = p.run_wake_sd?.value ?? 0;
  const noiseSd = p.run_noise_sd?.value ?? 0;
  const rate = p.episode_rate;
  return {
    speed: Math.exp(speedSd * z.speedZ),
    wake: Math.exp(wakeSd * uw * z.wakeZ),
    noise: z.noiseZ !== undefined ? Math.exp(noiseSd * un * z.noiseZ) : 1,
    episode:
      rate && rate.value > 0 && plan.runtime.noise
        ? episodeRateUncertainty(rate.samples, new Prng(plan.seed, 'episode-rate'))
        : 1,
  };
}
