/** The yield-loop scenario the order tests share (orders.test.ts, versions.test.ts). */
import type { Op, Scenario, TaskDef } from '../../../src/schema/scenario.js';

/** A block_on body spawning `n` tasks that each yield `yields` − 1 times (`kind`), then joining them. */
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
