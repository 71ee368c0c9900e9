/**
 * The Plan: the intermediate form that every back-end reads (simulator, analytic model, the
 * probe's `execute`). Plain JSON data; costs are resolved to nanosecond distributions against a
 * cost model, control flow is compiled to jumps, channels/tasks/mutexes are referred to by index.
 *
 * Phase: normalize → (simulate | analyze | measure). Produced by `normalizeScenario`.
 */

/** A cost distribution in integer nanoseconds. */
export type PlanCost =
  | { dist: 'const'; ns: number }
  | { dist: 'uniform'; minNs: number; maxNs: number }
  | { dist: 'exponential'; meanNs: number }
  | { dist: 'lognormal'; medianNs: number; sigma: number }
  | { dist: 'quantiles'; p: number[]; ns: number[] };

export interface PlanCostEntry {
  /** What it is: a model parameter name, or `literal`. */
  source: string;
  /** Breakdown category this cost is accounted under (`compute`, `clone`, `spin`, …). */
  category: string;
  cost: PlanCost;
}

/**
 * Instructions. Each has an `op` and integer operands; `target`s are instruction indices in the
 * same task's program. Semantics are in docs/semantics.md.
 */
export type Instr =
  | { op: 'end' }
  | { op: 'compute'; cost: number; n?: number }
  | { op: 'spin'; cost: number }
  | { op: 'yield_now' }
  | { op: 'self_wake' }
  | { op: 'sleep'; ns: number }
  | { op: 'interval'; slot: number; ns: number }
  | { op: 'send'; channel: number; items: number; records: number }
  | { op: 'recv'; channel: number; closed: number }
  | { op: 'try_recv'; channel: number; got: number; closed: number }
  | { op: 'spin_wait'; channel: number; ns: number }
  | { op: 'close'; channel: number }
  | { op: 'spawn'; task: number }
  | { op: 'join'; task: number }
  | { op: 'lock'; mutex: number }
  | { op: 'unlock'; mutex: number }
  | { op: 'loop_init'; slot: number; n: number; exit: number }
  | { op: 'loop_next'; slot: number; target: number }
  | { op: 'jump'; target: number }
  | { op: 'record_start' }
  | { op: 'record_end' }
  | {
      op: 'route';
      channel: number;
      partitions: number;
      policy: 'round_robin' | 'hash' | 'sticky' | 'all_to_one';
      skew: number;
      cost: number;
    };

export interface PlanTask {
  name: string;
  start: 'block_on' | 'spawn' | 'child';
  code: Instr[];
  /** Number of loop slots the code uses. */
  slots: number;
  /** Role, for reports: coordinator, partition, producer, consumer, … */
  role?: string;
}

export interface PlanChannel {
  name: string;
  kind: 'unbounded' | 'bounded' | 'lockfree';
  capacity: number; // 0 = unbounded
}

export interface PlanSource {
  name: string;
  channel: number;
  arrival:
    | { kind: 'periodic'; intervalNs: number; phaseNs: number }
    | { kind: 'poisson'; ratePerSec: number }
    | { kind: 'bursty'; ratePerSec: number; onNs: number; offNs: number }
    | { kind: 'trace'; timesNs: number[]; records: number[] };
  records: number;
  batches: number; // -1 = until durationNs
  durationNs: number; // -1 = until batches
  close: boolean;
}

export interface PlanRuntime {
  flavor: 'current_thread' | 'multi_thread';
  workers: number;
  cores: number;
  driver: 'none' | 'timer' | 'timer_io';
  eventInterval: number;
  globalQueueInterval: number;
  lifoSlot: boolean;
  timerResolutionNs: number;
  /** Timer grid offset: ticks are at phase + k·resolution (ns, 0 ≤ phase < resolution). */
  timerPhaseNs?: number;
  timesliceNs: number;
  noise: boolean;
}

export interface Plan {
  version: 1;
  scenario: { name: string; hash: string; file?: string };
  model: { name: string; profile: string; provenance: string; file?: string };
  seed: number;
  runtime: PlanRuntime;
  channels: PlanChannel[];
  mutexes: string[];
  costs: PlanCostEntry[];
  tasks: PlanTask[];
  sources: PlanSource[];
  outputs: Record<string, string>;
  limits: { maxSimulatedNs: number; maxEvents: number; maxWallMs: number };
}
