/**
 * The analytic model reads task programs back into structure (analytic/program.ts inverts what
 * plan/normalize.ts emits). Property: for any wait list a `while_open` may carry, compiling it
 * into the Plan's jumps and decompiling them gives the same wait steps back, and the body and
 * the statements around the loop survive too.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { normalizeScenario } from '../../src/plan/normalize.js';
import { decompileTask, type Stmt, type WaitStepAst } from '../../src/analytic/program.js';
import type { Scenario, WaitStep } from '../../src/schema/scenario.js';
import { validateDocument } from '../../src/schema/validate.js';
import { model } from '../helpers.js';

const us = fc.integer({ min: 0, max: 5000 }).map((n) => n / 10); // 0.1 µs steps: whole ns
const step: fc.Arbitrary<WaitStep> = fc.oneof(
  fc.constant({ kind: 'await_recv' as const }),
  fc.constant({ kind: 'yield_spin' as const }),
  fc.integer({ min: 1, max: 50 }).map((times) => ({ kind: 'yield_spin' as const, times })),
  us.map((u) => ({ kind: 'sleep' as const, us: u })),
  us.map((u) => ({ kind: 'spin' as const, us: u })),
  fc.constant({ kind: 'spin' as const }),
);

/** What the decompiler should give back for a scenario wait step. */
function expected(s: WaitStep): WaitStepAst {
  switch (s.kind) {
    case 'await_recv':
      return { kind: 'await_recv' };
    case 'yield_spin':
      return { kind: 'yield_spin', times: s.times ?? -1 };
    case 'sleep':
      return { kind: 'sleep', ns: Math.round(s.us * 1000) };
    case 'spin':
      return { kind: 'spin', ns: s.us === undefined ? -1 : Math.round(s.us * 1000) };
  }
}

function scenario(wait: WaitStep[]): Scenario {
  return {
    name: 'decompile-property',
    runtime: { flavor: 'multi_thread', workers: 2 },
    channels: { in: { kind: 'unbounded' } },
    tasks: {
      main: {
        start: 'block_on',
        program: [
          { op: 'compute', cost: 1 },
          {
            op: 'while_open',
            channel: 'in',
            wait,
            body: [{ op: 'record_start' }, { op: 'compute', cost: 2 }, { op: 'record_end' }],
          },
          { op: 'yield' },
        ],
      },
    },
    sources: { src: { channel: 'in', arrival: { kind: 'periodic', intervalUs: 100 }, records: 1, batches: 3 } },
  } as unknown as Scenario;
}

test('decompiling a compiled while_open gives its wait list back', () => {
  const m = model();
  fc.assert(
    fc.property(fc.array(step, { minLength: 1, maxLength: 8 }), (wait) => {
      const sc = scenario(wait);
      assert.deepEqual(validateDocument('scenario', sc, 'property'), []);
      const plan = normalizeScenario(sc, { model: m });
      const stmts = decompileTask(plan.tasks[0].code);
      assert.ok(stmts, `decompile failed for ${JSON.stringify(wait)}`);
      const kinds = stmts.map((s) => s.k);
      assert.deepEqual(kinds, ['compute', 'while_open', 'yield']);
      const loop = stmts[1] as Extract<Stmt, { k: 'while_open' }>;
      assert.deepEqual(loop.wait, wait.map(expected));
      assert.deepEqual(
        loop.body.map((s) => s.k),
        ['record_start', 'compute', 'record_end'],
      );
    }),
    { seed: 19, numRuns: 300 },
  );
});

// A coordinator written as a task: its send loop's body (paces, stamps, sends, work) in any order.
type LoopOp =
  | { op: 'sleep'; us: number }
  | { op: 'yield' }
  | { op: 'repeat'; n: number; body: [{ op: 'yield' }] }
  | { op: 'record_start' }
  | { op: 'send'; channel: 'out'; records: number }
  | { op: 'compute'; cost: number };
const loopOp: fc.Arbitrary<LoopOp> = fc.oneof(
  us.map((u) => ({ op: 'sleep' as const, us: u })),
  fc.constant({ op: 'yield' as const }),
  fc
    .integer({ min: 1, max: 20 })
    .map((n) => ({ op: 'repeat' as const, n, body: [{ op: 'yield' as const }] as [{ op: 'yield' }] })),
  fc.constant({ op: 'record_start' as const }),
  fc.integer({ min: 0, max: 64 }).map((records) => ({ op: 'send' as const, channel: 'out' as const, records })),
  fc.integer({ min: 1, max: 50 }).map((cost) => ({ op: 'compute' as const, cost })),
);

/** What the decompiler should give back for a loop-body op (channel 0, cost index in order of appearance). */
function expectedStmt(o: LoopOp, costIndex: () => number): Stmt {
  switch (o.op) {
    case 'sleep':
      return { k: 'sleep', ns: Math.round(o.us * 1000) };
    case 'yield':
      return { k: 'yield' };
    case 'repeat':
      return { k: 'repeat', n: o.n, body: [{ k: 'yield' }] };
    case 'record_start':
      return { k: 'record_start' };
    case 'send':
      return { k: 'send', channel: 0, items: 1, records: o.records };
    case 'compute':
      return { k: 'compute', cost: costIndex(), n: 1 };
  }
}

test('decompiling a compiled coordinator send loop gives its body back', () => {
  const m = model();
  fc.assert(
    fc.property(fc.array(loopOp, { minLength: 1, maxLength: 8 }), fc.integer({ min: 1, max: 1000 }), (body, n) => {
      const sc = {
        name: 'decompile-coordinator-loop',
        runtime: { flavor: 'current_thread', driver: 'timer' },
        channels: { out: { kind: 'unbounded' } },
        tasks: {
          coordinator: {
            start: 'block_on',
            program: [
              { op: 'repeat', n, body },
              { op: 'close', channel: 'out' },
            ],
          },
        },
      } as unknown as Scenario;
      assert.deepEqual(validateDocument('scenario', sc, 'property'), []);
      const plan = normalizeScenario(sc, { model: m });
      const stmts = decompileTask(plan.tasks[0].code);
      assert.ok(stmts, `decompile failed for ${JSON.stringify(body)}`);
      assert.equal(stmts.length, 2);
      const loop = stmts[0] as Extract<Stmt, { k: 'repeat' }>;
      assert.equal(loop.k, 'repeat');
      assert.equal(loop.n, n);
      // Costs are interned by value: the decompiled index must name a cost of the same value.
      const got = loop.body.map((st) => (st.k === 'compute' ? { ...st, cost: plan.costs[st.cost].cost } : st));
      let i = 0;
      const computes = body.filter((o): o is Extract<LoopOp, { op: 'compute' }> => o.op === 'compute');
      const want = body.map((o) =>
        o.op === 'compute'
          ? { k: 'compute', cost: { dist: 'const', ns: computes[i++].cost * 1000 }, n: 1 }
          : expectedStmt(o, () => -1),
      );
      assert.deepEqual(got, want);
      assert.deepEqual(stmts[1], { k: 'close', channel: 0 });
    }),
    { seed: 19, numRuns: 300 },
  );
});
