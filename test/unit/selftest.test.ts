/**
 * `dispatchsim selftest`: the suite passes in its fast configuration, the CLI maps pass/fail to
 * exit 0/6 and prints JSON with --json, and the statistics it rests on are right.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { main } from '../../src/cli/main.js';
import { runSelftest, SELFTEST_FAST, selftestSeeds } from '../../src/selftest/run-selftest.js';
import { studentTCritical } from '../../src/engine/student-t.js';
import { erlangC, mm1, mmc } from '../../src/selftest/queueing-formulas.js';
import { yieldRoundsNs } from '../../src/selftest/yield-check.js';
import type { SelftestReport } from '../../src/selftest/run-selftest.js';

async function runMain(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const ow = process.stdout.write.bind(process.stdout);
  const ew = process.stderr.write.bind(process.stderr);
  // The CLI writes strings; binary chunks are the test runner reporting a finished test to its
  // parent on this same stdout, which can happen while main awaits (it imports the command's
  // module): those pass through, as in ../helpers.ts.
  const into = (sink: string[], through: typeof process.stdout.write) =>
    ((chunk: string | Uint8Array) =>
      typeof chunk === 'string' ? (sink.push(chunk), true) : through(chunk)) as typeof process.stdout.write;
  process.stdout.write = into(out, ow);
  process.stderr.write = into(err, ew);
  try {
    const code = await main(argv);
    return { code, out: out.join(''), err: err.join('') };
  } finally {
    process.stdout.write = ow;
    process.stderr.write = ew;
  }
}

test('Student-t critical values match the tables', () => {
  assert.ok(Math.abs(studentTCritical(0.95, 10) - 2.228) < 1e-3);
  assert.ok(Math.abs(studentTCritical(0.99, 9) - 3.25) < 1e-3);
  assert.ok(Math.abs(studentTCritical(0.95, 1) - 12.706) < 1e-3);
  assert.ok(Math.abs(studentTCritical(0.95, 1000) - 1.962) < 1e-3);
});

test('queueing formulas: M/M/c with c = 1 is M/M/1; Erlang C of a known case', () => {
  assert.ok(Math.abs(mmc(1, 0.07, 10).wUs - mm1(0.07, 10).wUs) < 1e-9);
  // c = 2, a = 1: C = (1/2 · 2) / (1 + 1 + 1) = 1/3.
  assert.ok(Math.abs(erlangC(2, 1) - 1 / 3) < 1e-12);
});

test('yield round formula: one spinner, one round is driver + remote + 2 polls + a yield', () => {
  // Ticks 0 (success, ≡ 0 mod 31: remote checked first), 1 (failing pick), 2 (final poll).
  assert.equal(yieldRoundsNs(1, 1), 106 + 14 + 2 * 45 + 27 + 14);
});

test('replication seeds are distinct and reproducible', () => {
  const a = selftestSeeds(1, 50);
  assert.equal(new Set(a).size, 50);
  assert.deepEqual(a, selftestSeeds(1, 50));
});

test('the self-test passes (fast configuration)', () => {
  const rep = runSelftest({ ...SELFTEST_FAST });
  const failed = rep.rows
    .filter((r) => !r.pass)
    .map((r) => `${r.name}: expected ${r.expected}, got ${r.mean} ± ${r.halfWidth} ${r.problems.join('; ')}`);
  assert.deepEqual(failed, []);
  for (const id of ['mm1', 'md1', 'mg1', 'mmc', 'pipeline', 'timer-idle-100', 'timer-busy-100', 'yield-k4'])
    assert.ok(
      rep.rows.some((r) => r.check === id),
      id,
    );
});

test('dispatchsim selftest --json: exit 0, a report on stdout, progress on stderr', async () => {
  const r = await runMain(['selftest', '--json', '--customers', '2000', '--replications', '3', '--only', 'pipeline', 'yield-k1']);
  assert.equal(r.code, 0, r.err);
  const rep = JSON.parse(r.out) as SelftestReport;
  assert.equal(rep.passed, true);
  assert.deepEqual([...new Set(rep.rows.map((x) => x.check))], ['pipeline', 'yield-k1']);
  assert.match(r.err, /selftest: pipeline done/);
});

test('dispatchsim selftest exits 6 when a figure fails', async () => {
  // One replication per check cannot form an interval; two with a 1e-12 confidence level gives
  // an interval too narrow for any stochastic figure to hit its exact value.
  const r = await runMain([
    'selftest',
    '--customers',
    '1000',
    '--replications',
    '2',
    '--confidence',
    '1e-12',
    '--only',
    'mm1',
    '--quiet',
  ]);
  assert.equal(r.code, 6, r.out + r.err);
  assert.match(r.out, /FAIL/);
});

test('dispatchsim selftest rejects a bad option with exit 2', async () => {
  const r = await runMain(['selftest', '--replications', '1']);
  assert.equal(r.code, 2);
});
