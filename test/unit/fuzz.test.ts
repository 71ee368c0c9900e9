/**
 * A short fuzzing run (bench/fuzz.ts, a fixed number of cases and seed, so the same work on a
 * loaded machine as on a quiet one — a 40 s budget ran only 8 cases at load 16) in the test suite: every mutated
 * scenario and model must make the CLI exit 0 with a valid Result or 3/5 with located
 * diagnostics — no stack trace, hang, other exit code or leftover output. Findings are saved in
 * .fuzz/ (git-ignored). Longer runs: `npm run fuzz -- --budget-s 600`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from '../helpers.js';

const CASES = 32;
const SEED = 20250101;
// Every case runs under --max-wall-ms 5000, so only a real hang reaches the harness's per-case
// timeout; 120 s (not the default 20) keeps a loaded machine's slow process start from reading as one.

test(`fuzz: ${CASES} cases, seed ${SEED}, finds nothing`, { timeout: 600_000 }, () => {
  const args = [
    join(ROOT, 'dist/bench/fuzz.js'),
    '--cases',
    String(CASES),
    '--seed',
    String(SEED),
    '--jobs',
    '2',
    '--timeout-s',
    '120',
  ];
  const r = spawnSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8' });
  const summary = r.stdout.trim();
  assert.match(summary, /fuzz: seed \d+: \d+ runs/, r.stderr);
  assert.equal(
    r.status,
    0,
    `${summary}\n(inputs saved in .fuzz/; rerun one with node dist/bench/fuzz.js --seed ${SEED} --case I)`,
  );
  const runs = Number(/(\d+) runs/.exec(summary)?.[1]);
  assert.equal(runs, CASES, summary);
});
