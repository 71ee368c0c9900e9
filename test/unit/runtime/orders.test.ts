/**
 * Exact scheduling orders of tokio 1.24 (tokio-mechanics.md §10.6), asserted on the simulator's
 * poll trace. These are structural facts measured on real tokio, so they must hold exactly. The
 * scenarios pin `runtime.tokio: "1.24"`; the orders newer versions give (defer list woken LIFO)
 * are in versions.test.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Op, Scenario, TaskDef } from '../../../src/schema/scenario.js';
import { pollOrder } from '../../helpers.js';

export function yielders(
  n: number,
  yields: number,
  kind: 'yield_now' | 'self_wake',
  flavor: 'current_thread' | 'multi_thread',
  tokio: '1.24' | '1.47' | '1.53' = '1.24',
): Scenario {
  const tasks: Record<string, TaskDef> = {};
  const main: Op[] = [];
  for (let i = 0; i < n; i++) {
    tasks[`t${i}`] = { start: 'child', program: [{ op: 'repeat', n: yields - 1, body: [{ op: 'yield', kind }] }] };
    main.push({ op: 'spawn', task: `t${i}` });
  }
  for (let i = 0; i < n; i++) main.push({ op: 'join', task: `t${i}` });
  tasks.main = { start: 'block_on', program: main };
  return { name: 'order', runtime: flavor === 'multi_thread' ? { flavor, tokio, workers: 1 } : { flavor, tokio }, tasks };
}

const isT = (n: string) => /^t\d$/.test(n);
const digits = (o: string[]) => o.map((n) => n.slice(1)).join(' ');

test('current_thread: 4 tasks × 4 yield_now run in rounds 0 1 2 3 0 1 2 3 …', () => {
  assert.equal(
    digits(pollOrder(yielders(4, 4, 'yield_now', 'current_thread'), undefined, isT)),
    '0 1 2 3 0 1 2 3 0 1 2 3 0 1 2 3',
  );
});

test('current_thread: self-wake gives the same order', () => {
  assert.equal(
    digits(pollOrder(yielders(4, 4, 'self_wake', 'current_thread'), undefined, isT)),
    '0 1 2 3 0 1 2 3 0 1 2 3 0 1 2 3',
  );
});

test('multi_thread 1 worker: yield_now rotates through the LIFO slot (tasks spawned from block_on)', () => {
  assert.equal(digits(pollOrder(yielders(4, 4, 'yield_now', 'multi_thread'), undefined, isT)), '0 1 2 3 3 0 1 2 2 3 0 1 1 2 3 0');
});

test('multi_thread 1 worker: self-wake keeps the local queue ahead of the inject queue', () => {
  assert.equal(digits(pollOrder(yielders(4, 4, 'self_wake', 'multi_thread'), undefined, isT)), '0 0 0 0 1 1 1 1 2 2 2 2 3 3 3 3');
});

function spawner(flavor: 'current_thread' | 'multi_thread'): Scenario {
  const tasks: Record<string, TaskDef> = {};
  const prog: Op[] = [];
  for (let i = 0; i < 6; i++) {
    tasks[`t${i}`] = { start: 'child', program: [] };
    prog.push({ op: 'spawn', task: `t${i}` });
  }
  tasks.parent = { start: 'spawn', program: prog };
  return {
    name: 'spawn-order',
    runtime: flavor === 'multi_thread' ? { flavor, tokio: '1.24', workers: 2 } : { flavor, tokio: '1.24' },
    tasks,
  };
}

test('spawn order of 6 children from a task: current_thread 0 1 2 3 4 5', () => {
  assert.equal(digits(pollOrder(spawner('current_thread'), undefined, isT)), '0 1 2 3 4 5');
});

test('spawn order of 6 children from a task: multi_thread 5 0 1 2 3 4 (last spawned sits in the LIFO slot)', () => {
  assert.equal(digits(pollOrder(spawner('multi_thread'), undefined, isT)), '5 0 1 2 3 4');
});
