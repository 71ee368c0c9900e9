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
import { yielders } from './yielders.js';

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
