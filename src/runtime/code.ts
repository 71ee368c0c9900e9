/**
 * Task programs as flat Int32Arrays: 5 integers per instruction (opcode and operands), so the
 * simulator's hot loop reads numbers, not objects.
 *
 * Phase: simulate (set-up). `encodeProgram` turns the Plan's instructions into this form.
 */
import type { Instr } from '../plan/types.js';

export const OP_END = 0;
export const OP_COMPUTE = 1;
export const OP_SPIN = 2;
export const OP_YIELD = 3;
export const OP_SELF_WAKE = 4;
export const OP_SLEEP = 5;
export const OP_SEND = 6;
export const OP_RECV = 7;
export const OP_TRY_RECV = 8;
export const OP_SPIN_WAIT = 9;
export const OP_CLOSE = 10;
export const OP_SPAWN = 11;
export const OP_JOIN = 12;
export const OP_LOCK = 13;
export const OP_UNLOCK = 14;
export const OP_LOOP_INIT = 15;
export const OP_LOOP_NEXT = 16;
export const OP_JUMP = 17;
export const OP_RECORD_START = 18;
export const OP_RECORD_END = 19;
export const OP_ROUTE = 20;
export const OP_INTERVAL = 21;
export const W = 5; // ints per instruction

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
    }
  });
  return out;
}
