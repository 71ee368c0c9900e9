/**
 * The capacity question of issue 17, answered the way a user would, with the CLI only:
 *
 *   "my coordinator fans batches out to 4 partition tasks that yield_now() while idle, on a
 *    4-core box: what p99 and how many cores at 200k records/s, and would awaiting recv() be better?"
 *
 *   new (yield, await) ─► simulate --runs 3 --out ─► plan --json --runs 3 (wait=yield,await)
 *                       ─► compare ─► report
 *
 * It prints the final numbers (run with --test-reporter=spec to read them): each strategy's p99 as
 * the median of 3 runs with their p10–p90, its cores busy, the comparison, and the plan's answer.
 * It checks the answer is the one the simulator gives: awaiting frees the cores the yield loop
 * burns at about the same p99, so at equal cost the plan picks await (fewer cores busy).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../helpers.js';

const BIN = join(ROOT, 'bin', 'dispatchsim.js');

test("issue 17's question, from nothing to an answer with new, simulate --runs, plan --json, compare and report", () => {
  const dir = mkdtempSync(join(tmpdir(), 'ds-question-'));
  const ds = (...args: string[]) =>
    execFileSync(process.execPath, [BIN, ...args], { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const facts = ['--partitions', '4', '--cores', '4', '--rate', '200k/s', '--work', '5us', '--batch', '100'];
  ds('new', 'pipeline', ...facts, '--wait', 'yield', '--out', 'yield.json');
  ds('new', 'pipeline', ...facts, '--wait', 'await', '--out', 'await.json');
  const ySummary = ds('simulate', 'yield.json', '--runs', '3', '--out', 'yield-result.json');
  ds('simulate', 'await.json', '--runs', '3', '--out', 'await-result.json');
  const planJson = ds(
    'plan',
    'yield.json',
    '--slo',
    'p99<=1ms',
    '--rate',
    '200k/s',
    '--vary',
    'wait=yield,await',
    '--vary',
    '/template/partitions=4',
    '--runs',
    '3',
    '--json',
  );
  writeFileSync(join(dir, 'plan.json'), planJson);
  const cmp = ds('compare', 'yield-result.json', 'await-result.json');
  ds('report', 'yield-result.json', 'await-result.json', 'plan.json', '--out', 'answer.html');

  const y = JSON.parse(readFileSync(join(dir, 'yield-result.json'), 'utf8')) as {
    latencyUs: { p99: number };
    coresBusy: { busy: number; useful: number };
    runs: { count: number; metrics: Record<string, { median: number; p10: number; p90: number }> };
  };
  const a = JSON.parse(readFileSync(join(dir, 'await-result.json'), 'utf8')) as typeof y;
  type Cand = { values: unknown[]; metrics: Record<string, number> };
  const plan = JSON.parse(planJson) as { answer?: Cand; runnerUp?: Cand; tried: Cand[] };
  const p99 = (r: typeof y) => {
    const m = r.runs.metrics.p99Us;
    return `p99 ${m.median.toFixed(1)} µs (median of ${r.runs.count} runs; p10–p90 ${m.p10.toFixed(1)}–${m.p90.toFixed(1)})`;
  };
  const line = (t: string, re: RegExp) =>
    t
      .split('\n')
      .find((l) => re.test(l))
      ?.trim() ?? '(missing)';
  const answer = [
    'Question: 4 yield_now() partitions on a 4-core box at 200k records/s — p99, cores, and is awaiting recv() better?',
    `  yield_now(): ${p99(y)} · ${line(ySummary, /^\s*cores busy/)}`,
    `  await recv(): ${p99(a)} · cores busy ${a.coresBusy.busy.toFixed(2)} of 4 (useful ${a.coresBusy.useful.toFixed(2)})`,
    `  compare (A = yield, B = await): ${line(cmp, /p99 latency/)}`,
    `                                  ${line(cmp, /^\s*cores busy/)}`,
    ...plan.tried.map(
      (c) =>
        `  plan tried wait=${String(c.values[0])}: p99 ${c.metrics.p99Us.toFixed(1)} µs, cores busy ${c.metrics.coresBusy.toFixed(2)} (mean of 3 runs)`,
    ),
    `  plan's answer at p99 ≤ 1 ms, 200k records/s: wait=${String(plan.answer?.values[0])} (runner-up ${String(plan.runnerUp?.values[0])}: same cost, more cores busy)`,
    `  report: ${join(dir, 'answer.html')}`,
  ];
  console.log(answer.join('\n'));
  assert.ok(existsSync(join(dir, 'answer.html')));
  assert.equal(y.runs.count, 3);
  assert.equal(a.runs.count, 3);
  assert.match(ySummary, /across 3 runs/);
  assert.ok(y.latencyUs.p99 > 0 && a.latencyUs.p99 > 0);
  // The yield loop keeps (nearly) every core busy; awaiting needs about the useful work's cores.
  assert.ok(y.coresBusy.busy > 2 * a.coresBusy.busy, `yield ${y.coresBusy.busy} vs await ${a.coresBusy.busy} cores`);
  assert.match(cmp, /cores busy .*A is [\d.]+× higher \(worse\)/);
  assert.equal(plan.tried.length, 2);
  // Both meet the target at the same cost (4 cores): the one with fewer cores busy is the answer.
  assert.equal(plan.answer?.values[0], 'await');
  assert.equal(plan.runnerUp?.values[0], 'yield');
});
