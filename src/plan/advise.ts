/**
 * The advisor: pitfalls that make a scenario, a cost model or a Result answer a different question
 * from the one the user asked, each a documented code (docs/errors.md, DS21xx) with a one-line
 * why and what to do.
 *
 *   scenario ─► ops of every task (templates expanded) ─┐
 *   model (profile, provenance vs this host) ───────────┼─► findings (code, severity, why, what to do)
 *   Result (yields/record, cores busy, sleeps, runs) ───┘
 *
 * Phase: plan (reads a Scenario, a CostModel and optionally a Result; pure: the caller passes the
 * host's CPU name). Thresholds are constants below, each with its reason.
 */
import type { Op, Scenario, TaskDef, WaitStep } from '../schema/scenario.js';
import type { CostModel } from '../schema/model.js';
import type { Result } from '../schema/result.js';
import { expandTemplate } from './templates.js';

export interface Finding {
  code: string;
  severity: 'warning' | 'note';
  /** One line: what was found and why it matters. */
  why: string;
  /** One line: what to do. */
  action: string;
}

/** tokio's timer wheel resolution: a sleep shorter than this waits for the next 1 ms tick. */
export const TIMER_TICK_US = 1000;
/** More yields per record than this: the scheduler, not the work, sets the cost (the study's 50-yield test). */
export const YIELDS_PER_RECORD_LIMIT = 10;
/** A single sleep this long is a harness pause, not a wait strategy. */
export const HARNESS_SLEEP_US = 10_000;
/** A harness sleep dominates when its task waits in it for more than this share of the run. */
export const HARNESS_SHARE = 0.5;
/** Cores busy beyond useful work that count as burnt: at least this many cores, and at least the useful work itself. */
export const BURN_MIN_CORES = 0.5;

interface Shape {
  sleeps: { us: number; task: string; inWait: boolean }[];
  yieldSpin: string[];
  spins: string[];
  blockOn: string[];
}

function walk(ops: readonly Op[], task: string, s: Shape): void {
  const waits = (w: readonly WaitStep[]) => {
    for (const step of w) {
      if (step.kind === 'sleep') s.sleeps.push({ us: step.us, task, inWait: true });
      if (step.kind === 'yield_spin') s.yieldSpin.push(task);
      if (step.kind === 'spin') s.spins.push(task);
    }
  };
  for (const op of ops) {
    if (op.op === 'sleep') s.sleeps.push({ us: op.us, task, inWait: false });
    if (op.op === 'spin') s.spins.push(task);
    if (op.op === 'while_open') waits(op.wait ?? []);
    if ('body' in op && Array.isArray(op.body)) walk(op.body as Op[], task, s);
  }
}

function shapeOf(scenario: Scenario): Shape {
  const tasks: Record<string, TaskDef> = scenario.template ? expandTemplate(scenario.template).tasks : (scenario.tasks ?? {});
  const s: Shape = { sleeps: [], yieldSpin: [], spins: [], blockOn: [] };
  for (const [name, t] of Object.entries(tasks)) {
    if (t.start === 'block_on') s.blockOn.push(name);
    walk(t.program, name, s);
  }
  return s;
}

const list = (xs: string[]) => {
  const u = [...new Set(xs)];
  return u.length > 3 ? `${u.slice(0, 3).join(', ')} and ${u.length - 3} more` : u.join(', ');
};

/** DS2111 is noted when records do less useful CPU than this each (µs). */
export const RECORD_NOTE_US = 1;

export interface AdviseInput {
  scenario?: Scenario;
  model?: Pick<CostModel, 'name' | 'profile' | 'provenance'> & Partial<Pick<CostModel, 'parameters'>>;
  result?: Result;
  /** This host's CPU model name, to tell whether the model was calibrated here. */
  hostCpu?: string;
  /** Warnings of a plan document (DS1707 margins). */
  planWarnings?: readonly { code: string; message: string }[];
}

/** Every finding, in code order. */
export function advise(input: AdviseInput): Finding[] {
  const out: Finding[] = [];
  const { scenario, result } = input;
  const model = input.model
    ? {
        name: input.model.name,
        profile: input.model.profile,
        kind: input.model.provenance.kind,
        cpu: input.model.provenance.machine?.cpu,
      }
    : result && { name: result.model.name, profile: result.model.profile, kind: result.model.provenance, cpu: undefined };
  const shape = scenario ? shapeOf(scenario) : undefined;
  const flavor = scenario?.runtime.flavor ?? result?.runtime.flavor;
  if (model?.profile === 'debug')
    out.push({
      code: 'DS2101',
      severity: 'warning',
      why: `model '${model.name}' was measured in a debug build: every op costs several times what it does in release`,
      action: 'simulate with a release model (models/tokio-1.24-2vcpu-release.json, or calibrate --profile release)',
    });
  if (flavor === 'current_thread' && shape && shape.blockOn.length > 0)
    out.push({
      code: 'DS2102',
      severity: 'warning',
      why: `a current_thread runtime driving block_on task '${shape.blockOn[0]}': that is #[tokio::test]'s runtime (one thread), not #[tokio::main]'s`,
      action: 'if production runs multi_thread, set runtime.flavor multi_thread with one worker per core (dispatchsim new does)',
    });
  const subTick = shape?.sleeps.filter((x) => x.us > 0 && x.us < TIMER_TICK_US) ?? [];
  if (subTick.length)
    out.push({
      code: 'DS2103',
      severity: 'warning',
      why: `sleep(${Math.min(...subTick.map((x) => x.us))} µs) in ${list(subTick.map((x) => x.task))}: tokio's timer has 1 ms ticks, so it waits until the next tick (up to ~1 ms)`,
      action: 'await the event itself (recv(), Notify) instead, or sleep ≥ 1 ms knowing it is rounded up to ticks',
    });
  if (result && result.yieldsPerRecord > YIELDS_PER_RECORD_LIMIT)
    out.push({
      code: 'DS2104',
      severity: 'warning',
      why: `${result.yieldsPerRecord.toFixed(1)} yields per record (more than ${YIELDS_PER_RECORD_LIMIT}): each yield is a trip through the scheduler, so the scheduler, not the work, sets the cost`,
      action: 'await recv() instead of yield_now() loops (compare with --vary wait=yield,await), or yield once per batch',
    });
  if (result && shape) {
    const long = shape.sleeps.filter((x) => !x.inWait && x.us >= HARNESS_SLEEP_US);
    const dominant = long.find((x) => (result.tasks[x.task]?.waitUs.sleep ?? 0) > HARNESS_SHARE * result.simulatedUs);
    if (dominant) {
      const share = (result.tasks[dominant.task].waitUs.sleep / result.simulatedUs) * 100;
      out.push({
        code: 'DS2105',
        severity: 'warning',
        why: `${share.toFixed(0)} % of the run is task '${dominant.task}' sleeping (a ${dominant.us / 1000} ms harness sleep): elapsed time ÷ records measures the sleep, not the dispatcher`,
        action: 'read per-record latency (the latency line) instead of elapsed time, or remove the harness sleep',
      });
    }
  }
  if (shape?.spins.length)
    out.push({
      code: 'DS2106',
      severity: 'warning',
      why: `busy-spin waits in ${list(shape.spins)}: a spinning task holds its worker without yielding; with as many spinners as workers nothing else runs (DS3005)`,
      action: 'await recv(), or bound the spin and yield between spins; keep spinners fewer than workers',
    });
  const c = result?.coresBusy;
  if (shape?.yieldSpin.length && c) {
    const burnt = c.busy - c.useful;
    if (burnt > BURN_MIN_CORES && burnt > c.useful)
      out.push({
        code: 'DS2107',
        severity: 'warning',
        why: `yield-spinning in ${list(shape.yieldSpin)} keeps ${c.busy.toFixed(2)} of ${c.of} cores busy for ${c.useful.toFixed(2)} cores of useful work`,
        action:
          'await recv() frees those cores (compare with --vary wait=yield,await); keep yield-spin only if its latency is needed',
      });
  }
  if (model) {
    const m = model.cpu;
    const here = input.hostCpu;
    const calibratedHere =
      model.kind === 'calibrated' && m !== undefined && here !== undefined && here.includes(m.split(' (')[0]);
    if (!calibratedHere && here !== undefined)
      out.push({
        code: 'DS2108',
        severity: 'note',
        why: `model '${model.name}' is ${model.kind}${m ? ` (measured on ${m})` : ''}, not calibrated on this host (${here}): wake-ups and polls cost what they cost there`,
        action: 'dispatchsim calibrate --profile release --out models/my-host.json, then --model models/my-host.json',
      });
  }
  // A model from before record_end existed: the per-record bookkeeping is charged nothing. Said
  // where it matters: records doing under RECORD_NOTE_US of useful CPU each (tens of ns of
  // bookkeeping is then several % of a record or more).
  const usefulPerRecordUs = result && result.records > 0 ? result.cpuUs.useful / result.records : Infinity;
  if (input.model?.parameters && !('record_end' in input.model.parameters) && usefulPerRecordUs < RECORD_NOTE_US)
    out.push({
      code: 'DS2111',
      severity: 'note',
      why: `model '${input.model.name}' has no record_end (nor record_start) and these records do ${usefulPerRecordUs.toFixed(3)} µs of useful CPU each: the per-record bookkeeping of a record (a loop step, a clock read, a histogram insert; ≈ 35–40 ns on the 2-vCPU VM) is unknown for it and charged 0, so records that do little work (W ≈ 0) come out too fast`,
      action: 'recalibrate (dispatchsim calibrate) to get record_end and record_start; docs/calibration.md',
    });
  // Hook for run sets (simulate --runs): the simulator reports a regime split as DS3020.
  for (const w of result?.warnings ?? [])
    if (w.code === 'DS3020')
      out.push({
        code: 'DS2109',
        severity: 'warning',
        why: `the runs split into regimes: ${w.message}`,
        action: 'report each regime (the median hides the split); look at what differs between the runs (timer phase, noise)',
      });
  for (const w of input.planWarnings ?? [])
    if (w.code === 'DS1707')
      out.push({
        code: 'DS2110',
        severity: 'warning',
        why: w.message,
        action: 'calibrate on the target machine and validate the answer, or plan for a stricter target',
      });
  return out;
}

/** `warning: … [DS2104]\n    → …` lines. */
export function formatFindings(findings: readonly Finding[], indent = ''): string[] {
  return findings.flatMap((f) => [`${indent}${f.severity}: ${f.why} [${f.code}]`, `${indent}  → ${f.action}`]);
}
