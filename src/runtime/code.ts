/**
 * Task programs as flat Int32Arrays: 5 integers per instruction (opcode and operands), so the
 * simulator's hot loop reads numbers, not objects.
 *
 * Phase: simulate (set-up). `encodeProgram` turns the Plan's instructions into this form.
 */
import type { Instr } from '../plan/types.js';

/**
 * Opcodes and the instruction width as a const enum: tsc writes each `Code.X` as its number, so
 * the interpreter's `switch` (poll.ts imports it as `O`) has literal labels and compiles to a jump
 * table; over imported `const`s it would test the labels one by one (PERF, issue 20). The named
 * exports below are the same numbers.
 */
/* eslint-disable @typescript-eslint/no-duplicate-enum-values -- named numbers, not a type: the groups reuse values */
export const enum Code {
  OP_END = 0,
  OP_COMPUTE = 1,
  OP_SPIN = 2,
  OP_YIELD = 3,
  OP_SELF_WAKE = 4,
  OP_SLEEP = 5,
  OP_SEND = 6,
  OP_RECV = 7,
  OP_TRY_RECV = 8,
  OP_SPIN_WAIT = 9,
  OP_CLOSE = 10,
  OP_SPAWN = 11,
  OP_JOIN = 12,
  OP_LOCK = 13,
  OP_UNLOCK = 14,
  OP_LOOP_INIT = 15,
  OP_LOOP_NEXT = 16,
  OP_JUMP = 17,
  OP_RECORD_START = 18,
  OP_RECORD_END = 19,
  OP_ROUTE = 20,
  OP_INTERVAL = 21,
  /** Ints per instruction. */
  W = 5,
}
/* eslint-enable @typescript-eslint/no-duplicate-enum-values */

export const OP_END = Code.OP_END;
export const OP_COMPUTE = Code.OP_COMPUTE;
export const OP_SPIN = Code.OP_SPIN;
export const OP_YIELD = Code.OP_YIELD;
export const OP_SELF_WAKE = Code.OP_SELF_WAKE;
export const OP_SLEEP = Code.OP_SLEEP;
export const OP_SEND = Code.OP_SEND;
export const OP_RECV = Code.OP_RECV;
export const OP_TRY_RECV = Code.OP_TRY_RECV;
export const OP_SPIN_WAIT = Code.OP_SPIN_WAIT;
export const OP_CLOSE = Code.OP_CLOSE;
export const OP_SPAWN = Code.OP_SPAWN;
export const OP_JOIN = Code.OP_JOIN;
export const OP_LOCK = Code.OP_LOCK;
export const OP_UNLOCK = Code.OP_UNLOCK;
export const OP_LOOP_INIT = Code.OP_LOOP_INIT;
export const OP_LOOP_NEXT = Code.OP_LOOP_NEXT;
export const OP_JUMP = Code.OP_JUMP;
export const OP_RECORD_START = Code.OP_RECORD_START;
export const OP_RECORD_END = Code.OP_RECORD_END;
export const OP_ROUTE = Code.OP_ROUTE;
export const OP_INTERVAL = Code.OP_INTERVAL;
export const W = Code.W; // ints per instruction

const POLICY = { round_robin: 0, hash: 1, sticky: 2, all_to_one: 3 } as const;

/** Encodes instructions; `sleep` durations and skews that do not fit an int32 go to `extra`. */
export function encodeProgram(code: Instr[], extra: number[]): Int32Array {
  const out = new Int32Array(code.length * W);
  code.forEach((ins, i) => {
    const o = i * W;
    const set = (op: number, a = 0, b = 0, c = 0, d = 0) => {
      out[o] = op;
      out[o + 1] = a;
      out[o + 2] = b;
      out[o + 3] = c;
      out[o + 4] = d;
    };
    switch (ins.op) {
      case 'end':
        return set(OP_END);
      case 'compute':
        return set(OP_COMPUTE, ins.cost, ins.n ?? 1);
      case 'spin':
        return set(OP_SPIN, ins.cost);
      case 'yield_now':
        return set(OP_YIELD);
      case 'self_wake':
        return set(OP_SELF_WAKE);
      case 'sleep':
        extra.push(ins.ns);
        return set(OP_SLEEP, extra.length - 1);
      case 'interval':
        extra.push(ins.ns);
        return set(OP_INTERVAL, ins.slot, extra.length - 1);
      case 'send':
        return set(OP_SEND, ins.channel, ins.items, ins.records);
      case 'recv':
        return set(OP_RECV, ins.channel, ins.closed);
      case 'try_recv':
        return set(OP_TRY_RECV, ins.channel, ins.got, ins.closed);
      case 'spin_wait':
        extra.push(ins.ns);
        return set(OP_SPIN_WAIT, ins.channel, extra.length - 1);
      case 'close':
        return set(OP_CLOSE, ins.channel);
      case 'spawn':
        return set(OP_SPAWN, ins.task);
      case 'join':
        return set(OP_JOIN, ins.task);
      case 'lock':
        return set(OP_LOCK, ins.mutex);
      case 'unlock':
        return set(OP_UNLOCK, ins.mutex);
      case 'loop_init':
        return set(OP_LOOP_INIT, ins.slot, ins.n, ins.exit);
      case 'loop_next':
        return set(OP_LOOP_NEXT, ins.slot, ins.target);
      case 'jump':
        return set(OP_JUMP, ins.target);
      case 'record_start':
        return set(OP_RECORD_START);
      case 'record_end':
        return set(OP_RECORD_END);
      case 'route':
        extra.push(ins.skew);
        return set(OP_ROUTE, ins.channel, ins.partitions, POLICY[ins.policy] + 4 * (extra.length - 1), ins.cost);
      default: {
        // A Plan instruction without a case here would run as OP_END (0): refuse to compile.
        const missing: never = ins;
        throw new Error(`internal: encodeProgram has no opcode for ${JSON.stringify(missing)}`);
      }
    }
  });
  return out;
}

/**
 * Per pc of an encoded program: the loop slot when the op there is the step back of a loop whose
 * body is one `yield_now` (the op just before it), else -1. The hot paths' common poll (PERF,
 * issue 20): resumed at that step, a yielder's poll is the step and the yield, nothing else.
 */
export function yieldLoopSteps(code: Int32Array): Int32Array {
  const out = new Int32Array(code.length / W).fill(-1);
  for (let pc = 1; pc < out.length; pc++) {
    const o = pc * W;
    if (code[o] === OP_LOOP_NEXT && code[o + 2] === pc - 1 && code[(pc - 1) * W] === OP_YIELD) out[pc] = code[o + 1];
  }
  return out;
}

/**
 * Per pc of an encoded program: where a yield-spin poll resumed there yields, when the op there is
 * a `try_recv` whose "nothing yet" continuation (the next op) is a jump to a `yield_now` — the
 * partitions' `yield_spin` wait (`loop { if let Some(m) = q.try_recv() { … } yield_now().await }`)
 * — else -1. multi_thread's yieldStep runs that poll, on an empty open channel, without the
 * interpreter (PERF, issue 20).
 */
export function spinYieldSteps(code: Int32Array): Int32Array {
  const out = new Int32Array(code.length / W).fill(-1);
  for (let pc = 0; pc + 1 < out.length; pc++) {
    const o = pc * W;
    const j = (pc + 1) * W;
    if (code[o] !== OP_TRY_RECV || code[j] !== OP_JUMP) continue;
    const target = code[j + 1];
    if (target >= 0 && target < out.length && code[target * W] === OP_YIELD) out[pc] = target;
  }
  return out;
}
