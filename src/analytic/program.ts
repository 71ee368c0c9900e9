/**
 * Task programs read back into structure: the Plan's flat instruction lists (jumps, loop slots)
 * turned into nested statements (`repeat`, `while_open` with its wait steps), so the shape
 * recognizer can match patterns instead of instruction offsets.
 *
 * Phase: analyze (set-up). Pure. It inverts exactly the patterns `plan/normalize.ts` emits; an
 * instruction sequence it does not recognize yields `undefined` (the caller then refuses the
 * plan as "shape not recognized" rather than guessing).
 */
import type { Instr } from '../plan/types.js';

export type WaitStepAst =
  | { kind: 'await_recv' }
  | { kind: 'yield_spin'; times: number } // -1 = until a message arrives
  | { kind: 'sleep'; ns: number }
  | { kind: 'spin'; ns: number }; // -1 = forever

export type Stmt =
  | { k: 'compute'; cost: number; n: number }
  | { k: 'spin'; cost: number }
  | { k: 'yield' }
  | { k: 'self_wake' }
  | { k: 'sleep'; ns: number }
  | { k: 'send'; channel: number; items: number; records: number }
  | { k: 'recv'; channel: number }
  | { k: 'try_recv'; channel: number }
  | { k: 'close'; channel: number }
  | { k: 'spawn'; task: number }
  | { k: 'join'; task: number }
  | { k: 'lock'; mutex: number }
  | { k: 'unlock'; mutex: number }
  | { k: 'record_start' }
  | { k: 'record_end' }
  | {
      k: 'route';
      channel: number;
      partitions: number;
      policy: 'round_robin' | 'hash' | 'sticky' | 'all_to_one';
      skew: number;
      cost: number;
    }
  | { k: 'repeat'; n: number; body: Stmt[] } // n = -1: once per record of the last message
  | { k: 'while_open'; channel: number; wait: WaitStepAst[]; body: Stmt[] };

/** Decompiles a whole task program (which ends with `end`). */
export function decompileTask(code: Instr[]): Stmt[] | undefined {
  if (code.length === 0 || code[code.length - 1].op !== 'end') return undefined;
  return decompileRange(code, 0, code.length - 1);
}

function decompileRange(code: Instr[], from: number, to: number): Stmt[] | undefined {
  const out: Stmt[] = [];
  let pc = from;
  while (pc < to) {
    const ins = code[pc];
    switch (ins.op) {
      case 'compute':
        out.push({ k: 'compute', cost: ins.cost, n: ins.n ?? 1 });
        pc++;
        break;
      case 'spin':
        out.push({ k: 'spin', cost: ins.cost });
        pc++;
        break;
      case 'yield_now':
        out.push({ k: 'yield' });
        pc++;
        break;
      case 'self_wake':
        out.push({ k: 'self_wake' });
        pc++;
        break;
      case 'sleep':
        out.push({ k: 'sleep', ns: ins.ns });
        pc++;
        break;
      case 'send':
        out.push({ k: 'send', channel: ins.channel, items: ins.items, records: ins.records });
        pc++;
        break;
      case 'close':
        out.push({ k: 'close', channel: ins.channel });
        pc++;
        break;
      case 'spawn':
        out.push({ k: 'spawn', task: ins.task });
        pc++;
        break;
      case 'join':
        out.push({ k: 'join', task: ins.task });
        pc++;
        break;
      case 'lock':
        out.push({ k: 'lock', mutex: ins.mutex });
        pc++;
        break;
      case 'unlock':
        out.push({ k: 'unlock', mutex: ins.mutex });
        pc++;
        break;
      case 'record_start':
        out.push({ k: 'record_start' });
        pc++;
        break;
      case 'record_end':
        out.push({ k: 'record_end' });
        pc++;
        break;
      case 'route':
        out.push({
          k: 'route',
          channel: ins.channel,
          partitions: ins.partitions,
          policy: ins.policy,
          skew: ins.skew,
          cost: ins.cost,
        });
        pc++;
        break;
      case 'loop_init': {
        const exit = ins.exit;
        const next = code[exit - 1];
        if (exit <= pc + 1 || exit > to || next?.op !== 'loop_next' || next.slot !== ins.slot || next.target !== pc + 1)
          return undefined;
        const body = decompileRange(code, pc + 1, exit - 1);
        if (!body) return undefined;
        out.push({ k: 'repeat', n: ins.n, body });
        pc = exit;
        break;
      }
      case 'recv':
        if (ins.closed < 0) {
          out.push({ k: 'recv', channel: ins.channel });
          pc++;
          break;
        }
        return whileOpenAt(code, pc, to, out);
      case 'try_recv':
        if (ins.got === pc + 1 && ins.closed === pc + 1) {
          out.push({ k: 'try_recv', channel: ins.channel });
          pc++;
          break;
        }
        return whileOpenAt(code, pc, to, out);
      case 'loop_next':
      case 'jump':
      case 'end':
      case 'spin_wait':
      case 'interval': // analyze refuses interval plans before decompiling
        return undefined; // outside the patterns normalize emits
      default: {
        const missing: never = ins;
        throw new Error(`internal: decompile has no case for ${JSON.stringify(missing)}`);
      }
    }
  }
  return out;
}

/** Parses a `while_open` starting at `top`, appends it, and continues after its exit. */
function whileOpenAt(code: Instr[], top: number, to: number, out: Stmt[]): Stmt[] | undefined {
  const first = code[top];
  if (first.op !== 'recv' && first.op !== 'try_recv') return undefined;
  const ch = first.channel;
  const exit = first.closed;
  const back = code[exit - 1];
  if (exit <= top || exit > to || back?.op !== 'jump' || back.target !== top) return undefined;
  let bodyAt: number;
  if (first.op === 'try_recv') bodyAt = first.got;
  else {
    const j = code[top + 1];
    if (j?.op !== 'jump') return undefined;
    bodyAt = j.target;
  }
  const endJump = code[bodyAt - 1];
  if (bodyAt <= top || bodyAt > exit - 1 || endJump?.op !== 'jump' || endJump.target !== top) return undefined;
  const wait = parseWait(code, top, bodyAt - 1, ch, bodyAt, exit);
  if (!wait) return undefined;
  const body = decompileRange(code, bodyAt, exit - 1);
  if (!body) return undefined;
  out.push({ k: 'while_open', channel: ch, wait, body });
  const rest = decompileRange(code, exit, to);
  return rest ? out.concat(rest) : undefined;
}

/** The wait section [top, end): wait steps as `normalize.whileOpen` compiles them. */
function parseWait(code: Instr[], top: number, end: number, ch: number, bodyAt: number, exit: number): WaitStepAst[] | undefined {
  const steps: WaitStepAst[] = [];
  const isTry = (i: number) => {
    const x = code[i];
    return x?.op === 'try_recv' && x.channel === ch && x.got === bodyAt && x.closed === exit;
  };
  let pc = top;
  if (code[top].op === 'try_recv') {
    if (!isTry(top)) return undefined;
    pc++;
  }
  while (pc < end) {
    const ins = code[pc];
    if (ins.op === 'recv') {
      const j = code[pc + 1];
      if (ins.channel !== ch || ins.closed !== exit || j?.op !== 'jump' || j.target !== bodyAt) return undefined;
      steps.push({ kind: 'await_recv' });
      pc += 2;
    } else if (ins.op === 'yield_now') {
      const j = code[pc + 2];
      if (!isTry(pc + 1) || j?.op !== 'jump' || j.target !== pc) return undefined;
      steps.push({ kind: 'yield_spin', times: -1 });
      pc += 3;
    } else if (ins.op === 'loop_init') {
      const y = code[pc + 1];
      const nx = code[pc + 3];
      if (
        y?.op !== 'yield_now' ||
        !isTry(pc + 2) ||
        nx?.op !== 'loop_next' ||
        nx.slot !== ins.slot ||
        nx.target !== pc + 1 ||
        ins.exit !== pc + 4
      )
        return undefined;
      steps.push({ kind: 'yield_spin', times: ins.n });
      pc += 4;
    } else if (ins.op === 'sleep') {
      if (!isTry(pc + 1)) return undefined;
      steps.push({ kind: 'sleep', ns: ins.ns });
      pc += 2;
    } else if (ins.op === 'spin_wait') {
      if (ins.channel !== ch || !isTry(pc + 1)) return undefined;
      steps.push({ kind: 'spin', ns: ins.ns });
      pc += 2;
    } else return undefined;
  }
  return steps.length > 0 ? steps : undefined;
}
