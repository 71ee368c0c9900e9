/**
 * Maps probe benchmarks to the mechanistic parameters of `model/parameters.ts`.
 *
 * Phase: calibrate. One rule per parameter. A rule either reads a measurement directly
 * (`calibrated`: a slope, a quantile set, a fit across configurations, or an exact difference
 * of two measurements of the same code path) or derives the parameter from other measured ones
 * with a formula written in its note (`inferred`: the probe cannot isolate it). A rule whose
 * inputs are absent says which benchmark it needs; nothing is ever filled in silently.
 * Current_thread configurations are the reference unless a parameter is about multi_thread.
 *
 * This module holds the `Deriver` (memoized resolution of parameters) and the rule table; the
 * rules live by family: derive-per-op.ts (per-operation costs), derive-wake.ts (outside wake-ups
 * and halt-polling), derive-multi-thread.ts (hand-offs between workers), derive-placement.ts
 * (wake-ups on the waker's vCPU), derive-run-level.ts (noise, episodes, run-level dispersion);
 * derive-kit.ts has the outcome types and the helpers they share.
 */
import type { ParameterName } from '../model/parameters.js';
import type { Estimate, Fitter } from './fit.js';
import { CT, isMissing, latency, reciprocal, slope, type Derived, type Missing, type Outcome, type Rule } from './derive-kit.js';
import {
  clockRead,
  computeOp,
  driverPoll,
  driverUnparkIo,
  joinRule,
  lockfreePop,
  lockfreePush,
  recordEnd,
  recordStart,
  spinCheck,
  steal,
  timerRegister,
  timerUnparkIo,
  wakerRegister,
  yieldExtra,
} from './derive-per-op.js';
import {
  haltPollMax,
  haltPollRunShare,
  haltPollWarmShare,
  haltPollWindow,
  parkOvershoot,
  sourceExitLatency,
  wakeLatency,
  wakeLatencyNoPoll,
  wakeLatencyPacked,
  wakeLatencyWarm,
} from './derive-wake.js';
import {
  concurrent,
  handoff,
  sourceHold,
  unparkRemote,
  unparkWorker,
  workerRewakeLatency,
  yieldRoundParallel,
} from './derive-multi-thread.js';
import { unparkHalted, wakePreempt, wakePreemptLatency, workerPacking, workerWakePreemptHold } from './derive-placement.js';
import {
  episodeDistribution,
  episodeRate,
  noisePause,
  noiseRate,
  runNoiseSd,
  runSpeedSd,
  runWakeSd,
  windowSpeedSd,
} from './derive-run-level.js';

export { isMissing, type Derived, type Missing, type Outcome } from './derive-kit.js';

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
  clock_read: clockRead,
  handoff_unbounded: handoff('u'),
  handoff_bounded: handoff('b'),
  conc_send_unbounded: concurrent('u', 'send'),
  conc_recv_unbounded: concurrent('u', 'recv'),
  conc_send_bounded: concurrent('b', 'send'),
  conc_recv_bounded: concurrent('b', 'recv'),
  steal: steal,
  spawn: (d) => slope(d, 'spawn_join', { ...CT, mode: 'detached', from: 'task' }),
  join: joinRule,
  send_unbounded: (d) => slope(d, 'channel', { ...CT, op: 'send_u' }),
  recv_unbounded: (d) => slope(d, 'channel', { ...CT, op: 'recv_u' }),
  try_recv_unbounded: (d) => slope(d, 'channel', { ...CT, op: 'try_recv_u' }),
  send_bounded: (d) => slope(d, 'channel', { ...CT, op: 'send_b' }),
  recv_bounded: (d) => slope(d, 'channel', { ...CT, op: 'recv_b' }),
  try_recv_bounded: (d) => slope(d, 'channel', { ...CT, op: 'try_recv_b' }),
  waker_register: wakerRegister,
  lockfree_push: lockfreePush,
  lockfree_pop: lockfreePop,
  mutex_lock: (d) => slope(d, 'mutex', { kind: 'tokio' }),
  clone_record: (d) => slope(d, 'clone', {}),
  async_call: (d) => slope(d, 'async_call', { mode: 'async' }),
  timer_register: timerRegister,
  park_overshoot: parkOvershoot,
  spin_check: spinCheck,
  noise_rate: noiseRate,
  noise_pause: noisePause,
  run_speed_sd: runSpeedSd,
  run_wake_sd: runWakeSd,
  window_speed_sd: windowSpeedSd,
  run_noise_sd: runNoiseSd,
  record_end: recordEnd,
  record_start: recordStart,
  compute_op: computeOp,
  episode_rate: episodeRate,
  episode_duration: (d) => episodeDistribution(d, 'duration'),
  episode_wake_latency: (d) => episodeDistribution(d, 'wake'),
};
