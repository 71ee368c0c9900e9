/**
 * The Result document: one schema for simulated, analytic and measured runs.
 *
 * Phase: every back-end writes it; validate, sweep and report read only it. Key names are a
 * contract with users' scripts (see issue "The simulation core"): keep them. Numbers are µs
 * unless the name says otherwise.
 */
import { Type, type Static } from '@sinclair/typebox';

const Num = Type.Number();
const Counts = Type.Record(Type.String(), Num);

export const LatencySchema = Type.Object(
  { p50: Num, p90: Num, p99: Num, p999: Num, max: Num, mean: Num, count: Num },
  { additionalProperties: false },
);

export const TaskResultSchema = Type.Object(
  {
    elapsedUs: Num,
    busyUs: Num,
    polls: Num,
    yields: Num,
    waitUs: Counts,
    completed: Type.Boolean(),
  },
  { additionalProperties: false },
);

export const WorkerResultSchema = Type.Object(
  {
    name: Type.String(),
    busyUs: Num,
    spinUs: Num,
    idleUs: Num,
    descheduledUs: Num,
    polls: Num,
    driverPolls: Num,
    steals: Num,
    parks: Num,
    unparks: Num,
    noopWakes: Num,
    lifoHits: Num,
    injectPops: Num,
    noisePauses: Type.Optional(Type.Number({ description: 'OS/hypervisor pauses taken (scenario machine.noise)' })),
  },
  { additionalProperties: false },
);

/** One headline metric across the runs of a run set: each run's value, their median and p10–p90. */
export const AcrossRunsSchema = Type.Object(
  {
    values: Type.Array(Num, { description: 'per run, in run order' }),
    median: Num,
    p10: Num,
    p90: Num,
  },
  { additionalProperties: false },
);

export const RegimeSchema = Type.Object(
  {
    runs: Type.Array(Num, { description: 'indices of the runs in this regime' }),
    median: Num,
  },
  { additionalProperties: false },
);

/**
 * A run set (`simulate --runs N`; a measurement's repeats): the headline figures of every run.
 * Absent from a Result written before run sets existed, which then describes one run.
 */
export const RunsSchema = Type.Object(
  {
    count: Num,
    why: Type.Optional(
      Type.String({ description: "simulated, `--runs auto`: why this many runs (run 0's events against the default's event budget)" }),
    ),
    representative: Type.Number({ description: 'the run whose tasks, workers, breakdown and latency buckets the Result shows (median p50)' }),
    seeds: Type.Optional(Type.Array(Num, { description: 'simulated: each run\'s PRNG seed (run 0: the Result\'s seed)' })),
    timerPhaseUs: Type.Optional(
      Type.Array(Num, { description: "each run's timer phase (scenario convention: how far into a 1 ms tick t = 0 falls)" }),
    ),
    timerPhase: Type.Optional(
      Type.Union([Type.Literal('pinned'), Type.Literal('uniform')], {
        description: 'pinned by the scenario (runtime.timerPhaseUs), or drawn per run uniformly over the tick',
      }),
    ),
    noise: Type.Optional(Type.Boolean({ description: 'platform noise (OS/hypervisor pauses) was on' })),
    runLevel: Type.Optional(
      Type.Object(
        {
          speedSd: Type.Optional(Num),
          windowSpeedSd: Type.Optional(
            Type.Number({
              description:
                "the model's window_speed_sd: how much the machine's speed moves between calibration windows hours apart; each run's speed factor draws it with run_speed_sd (variances add), a run at an unknown time",
            }),
          ),
          wakeSd: Type.Optional(Num),
          speed: Type.Optional(Type.Array(Num, { description: "each run's factor on the runtime's per-op costs" })),
          wake: Type.Optional(Type.Array(Num, { description: "each run's factor on OS wake-up latencies" })),
          noiseSd: Type.Optional(Num),
          noise: Type.Optional(Type.Array(Num, { description: "each run's factor on the platform noise rate (noise on only)" })),
          unknown: Type.Optional(
            Type.Array(Type.String(), { description: 'run-level parameters the model lacks (one probe run: unknown): not varied' }),
          ),
          hostPolls: Type.Optional(
            Type.Array(Type.Boolean(), {
              description:
                "each run: whether its VM host halt-polls (drawn with the model's halt_poll_run_share; false: no warm wake-up, wake_latency_nopoll)",
            }),
          ),
          episodeRate: Type.Optional(Num),
          episodeRates: Type.Optional(
            Type.Array(Num, {
              description:
                "each run's own episode rate (per second): a draw of the calibrated rate's posterior (Gamma(k + ½) / T for k episodes seen in T s), so the rate's own uncertainty is in the spread",
            }),
          ),
          episodes: Type.Optional(
            Type.Array(Type.Integer({ minimum: 0 }), {
              description:
                "each run: how many host-contention episodes started within its simulated span (the model's episode_rate per second; a parked thread woken inside one takes episode_wake_latency)",
            }),
          ),
        },
        {
          additionalProperties: false,
          description:
            "simulated: run-level variation, from the model's calibrated between-run dispersion (run_speed_sd, run_wake_sd, run_noise_sd) and between-window dispersion (window_speed_sd), each widened by its own uncertainty (a Student-t predictive with samples − 1 degrees of freedom)",
        },
      ),
    ),
    metrics: Type.Record(Type.String(), AcrossRunsSchema, {
      description: 'recordsPerSec, p50Us, p90Us, p99Us, p999Us, maxUs, meanUs, yieldsPerRecord, cpuUs, records',
    }),
    regimes: Type.Optional(
      Type.Object(
        { metric: Type.String(), groups: Type.Array(RegimeSchema) },
        { additionalProperties: false, description: 'the runs split into separated clusters of this metric (warning DS3020)' },
      ),
    ),
  },
  { additionalProperties: false },
);

export const ResultSchema = Type.Object(
  {
    $schema: Type.Optional(Type.String()),
    source: Type.Union([Type.Literal('simulated'), Type.Literal('analytic'), Type.Literal('measured')]),
    scenario: Type.Object({ name: Type.String(), hash: Type.String(), file: Type.Optional(Type.String()) }, { additionalProperties: false }),
    model: Type.Object(
      {
        name: Type.String(),
        profile: Type.String(),
        provenance: Type.String(),
        file: Type.Optional(Type.String()),
        tokio: Type.Optional(Type.String({ description: 'the tokio release the cost model was calibrated on' })),
      },
      { additionalProperties: false },
    ),
    runtime: Type.Object(
      {
        flavor: Type.String(),
        workers: Num,
        cores: Num,
        driver: Type.String(),
        tokio: Type.Optional(
          Type.String({ description: "simulated/analytic: the tokio version whose semantics were modelled; measured: the release the probe was built against" }),
        ),
      },
      { additionalProperties: false },
    ),
    seed: Num,
    records: Num,
    recordsInFlight: Num,
    simulatedUs: Num,
    throughput: Type.Object({ recordsPerSec: Num }, { additionalProperties: false }),
    latencyUs: LatencySchema,
    latencyBuckets: Type.Array(Type.Tuple([Num, Num]), { description: '[lowNs, count] of the streaming histogram' }),
    yieldsPerRecord: Num,
    tasks: Type.Record(Type.String(), TaskResultSchema),
    workers: Type.Array(WorkerResultSchema),
    breakdownUs: Counts,
    cpuUs: Type.Object({ useful: Num, waiting: Num, scheduler: Num, total: Num }, { additionalProperties: false }),
    outputs: Counts,
    coresBusy: Type.Optional(
      Type.Object(
        { busy: Num, useful: Num, waiting: Num, scheduler: Num, of: Num, basis: Type.String() },
        {
          additionalProperties: false,
          description:
            'CPU in use on average, in cores: cpuUs over simulatedUs (busy = useful + waiting + scheduler), of `of` cores; `basis` says how the CPU time was obtained',
        },
      ),
    ),
    approximation: Type.Optional(Type.String()),
    bottleneck: Type.Optional(Type.String()),
    truncated: Type.Optional(Type.Object({ reason: Type.String() }, { additionalProperties: false })),
    runs: Type.Optional(RunsSchema),
    warnings: Type.Array(Type.Object({ code: Type.String(), message: Type.String() }, { additionalProperties: false })),
    engine: Type.Object(
      {
        events: Num,
        eventsPerSec: Num,
        wallMs: Num,
        fastForward: Type.Optional(
          Type.Object(
            { jumps: Num, skippedUs: Num },
            { additionalProperties: false, description: 'cycles of idle spinning skipped in one step (counted, not stepped)' },
          ),
        ),
        threads: Type.Optional(
          Type.Object(
            { workers: Num, why: Type.String(), speedup: Type.Optional(Num) },
            {
              additionalProperties: false,
              description:
                "a run set's runs after run 0: on `workers` worker threads (0: in the main thread), and why; `speedup`: what that many busy threads measurably gave on this machine (how it ran, not what it predicts)",
            },
          ),
        ),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);
export type Result = Static<typeof ResultSchema>;
export type TaskResult = Static<typeof TaskResultSchema>;
export type WorkerResult = Static<typeof WorkerResultSchema>;
export type RunsBlock = Static<typeof RunsSchema>;
export type AcrossRuns = Static<typeof AcrossRunsSchema>;
