/**
 * The tokio versions dispatchsim models, and what each one's scheduler does differently, as a small
 * object of flags resolved once when a scenario is normalized (the Plan carries it), so the
 * simulator's hot loop reads booleans and integers, never version strings.
 *
 * Phase: normalize. Every flag names the tokio change it follows; docs/semantics.md ("tokio
 * versions") gives each one's behaviour beside 1.24's with the source files and lines, and
 * reference/tokio-mechanics.md §8 the release each change first appeared in.
 */

/** The modelled versions, oldest first. A scenario's `runtime.tokio` is one of these. */
export const TOKIO_VERSIONS = ['1.24', '1.47', '1.53'] as const;
export type TokioVersion = (typeof TOKIO_VERSIONS)[number];

/** A scenario without `runtime.tokio` gets the newest modelled version. */
export const DEFAULT_TOKIO: TokioVersion = '1.53';

/** The exact release each modelled version was read from and is built against by the probe. */
export const TOKIO_RELEASE: Record<TokioVersion, string> = { '1.24': '1.24.2', '1.47': '1.47.5', '1.53': '1.53.1' };

export interface TokioSemantics {
  /**
   * multi_thread: tasks run from the LIFO slot in one `run_task` before the slot is disabled for the
   * rest of the chain (`MAX_LIFO_POLLS_PER_TICK`, 1.29, #5712); 0 = no cap (1.24: only the coop
   * budget ends a chain).
   */
  lifoPollsPerTick: number;
  /** The defer list (yield_now) is woken last-in first-out (1.29, #5741); 1.24 drains it FIFO. */
  deferLifo: boolean;
  /**
   * multi_thread: the global queue interval is tuned from an EWMA of poll times (1.29, #5720,
   * refined 1.38 #6445); false in 1.24, and when the scenario sets `globalQueueInterval` (tokio
   * disables the tuning when the builder sets it).
   */
  gqiTuned: boolean;
  /**
   * multi_thread: a worker whose LIFO slot and local queue are empty takes a batch from the inject
   * queue, min(inject/workers + 1, 128) (1.29/1.30, #5705, #5908); 1.24 takes one task.
   */
  injectBatch: boolean;
  /**
   * current_thread: the remote queue is the shared inject list with an atomic length, so looking at
   * an empty one takes no lock (1.29, #5702); 1.24 locks a mutex on every look.
   */
  remoteFastPath: boolean;
  /**
   * current_thread: the tick is incremented before the `tick % global_queue_interval` check (1.29,
   * #5701), so the first pick is not a remote-first one; 1.24 checks, then increments.
   */
  tickBeforeCheck: boolean;
  /**
   * current_thread: the block_on waker does not call `driver.unpark()` when already woken or when
   * invoked on the runtime thread (1.50, #7834): no eventfd write with the I/O driver.
   */
  blockOnWakeNoSelfUnpark: boolean;
  /** multi_thread: a full local queue moves its second half to the inject queue (1.52, #8029); 1.24 the first half. */
  overflowSecondHalf: boolean;
  /**
   * multi_thread: a worker reads the clock when it stops processing scheduled tasks (its local
   * queues ran dry: `Stats::end_processing_scheduled_tasks`, once for `MetricsBatch`'s busy
   * duration and once for the poll-time EWMA when it polled a task since it started) and when it
   * starts again (`start_processing_scheduled_tasks`: twice), and around every maintenance
   * (1.29 #5720 Stats; MetricsBatch's busy duration is not behind tokio_unstable in 1.47/1.53).
   * Every yield round of a lone yielder passes both: four clock reads. The reads happen whether
   * or not the interval is tuned. 1.24 has neither (its MetricsBatch is tokio_unstable only).
   */
  statsClock: boolean;
}

const V1_24: TokioSemantics = {
  lifoPollsPerTick: 0,
  deferLifo: false,
  gqiTuned: false,
  injectBatch: false,
  remoteFastPath: false,
  tickBeforeCheck: false,
  blockOnWakeNoSelfUnpark: false,
  overflowSecondHalf: false,
  statsClock: false,
};

const V1_29: TokioSemantics = {
  ...V1_24,
  lifoPollsPerTick: 3,
  deferLifo: true,
  gqiTuned: true,
  injectBatch: true,
  remoteFastPath: true,
  tickBeforeCheck: true,
  statsClock: true,
};

const SEMANTICS: Record<TokioVersion, TokioSemantics> = {
  '1.24': V1_24,
  '1.47': V1_29,
  '1.53': { ...V1_29, blockOnWakeNoSelfUnpark: true, overflowSecondHalf: true },
};

export function isTokioVersion(v: string): v is TokioVersion {
  return (TOKIO_VERSIONS as readonly string[]).includes(v);
}

/**
 * The semantics of `version`; `gqiSet` says the scenario fixed `globalQueueInterval` (which turns
 * tokio's tuning off). A fresh object each call: Plans never share one.
 */
export function tokioSemantics(version: TokioVersion, gqiSet: boolean): TokioSemantics {
  const s = { ...SEMANTICS[version] };
  if (gqiSet) s.gqiTuned = false;
  return s;
}

/**
 * DS1228 when the cost model was calibrated on another tokio minor version than the one the plan
 * models (the costs of one runtime applied to another's scheduling rules); undefined otherwise.
 */
export function modelVersionWarning(plan: {
  runtime: { tokio: TokioVersion };
  model: { name: string; tokio?: string };
}): { code: 'DS1228'; message: string } | undefined {
  const m = plan.model.tokio;
  if (m === undefined || m === '') return undefined;
  const mv = /^(\d+)\.(\d+)/.exec(m);
  if (mv && `${mv[1]}.${mv[2]}` === plan.runtime.tokio) return undefined;
  return {
    code: 'DS1228',
    message: `model '${plan.model.name}' was calibrated on tokio ${m}, the scenario models tokio ${plan.runtime.tokio}: its costs come from another runtime (calibrate one with \`dispatchsim calibrate --tokio ${plan.runtime.tokio}\`)`,
  };
}

/**
 * The modelled version a full or partial tokio version string (a model's `tokio`, a probe's
 * header: "1.24.2", "1.53") belongs to: same major.minor; undefined when none matches.
 */
export function modelledVersionOf(release: string): TokioVersion | undefined {
  const m = /^(\d+)\.(\d+)/.exec(release);
  if (!m) return undefined;
  const mm = `${m[1]}.${m[2]}`;
  return isTokioVersion(mm) ? mm : undefined;
}

/** The Result warnings a plan's versions call for (DS1228), for every back-end's Result. */
export function versionWarnings(plan: Parameters<typeof modelVersionWarning>[0]): Array<{ code: string; message: string }> {
  const w = modelVersionWarning(plan);
  return w ? [w] : [];
}
