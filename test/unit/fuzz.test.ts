/**
 * A short fuzzing run (bench/fuzz.ts, 40 s, fixed seed) in the test suite: every mutated
 * scenario and model must make the CLI exit 0 with a valid Result or 3/5 with located
 * diagnostics — no stack trace, hang, other exit code or leftover output. Findings are saved in
 * .fuzz/ (git-ignored). Longer runs: `npm run fuzz -- --budget-s 600`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from '../helpers.js';

const BUDGET_S = 40;
const SEED = 20250101;

test(`fuzz: ${BUDGET_S} s budget, seed ${SEED}, finds nothing`, { timeout: (BUDGET_S + 120) * 1000 }, () => {
  const args = [join(ROOT, 'dist/bench/fuzz.js'), '--budget-s', String(BUDGET_S), '--seed', String(SEED), '--jobs', '2'];
  const r = spawnSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8' });
  const summary = r.stdout.trim();
  assert.match(summary, /fuzz: seed \d+: \d+ runs/, r.stderr);
  assert.equal(
    r.status,
    0,
    `${summary}\n(inputs saved in .fuzz/; rerun one with node dist/bench/fuzz.js --seed ${SEED} --case I)`,
  );
  const runs = Number(/(\d+) runs/.exec(summary)?.[1]);
  assert.ok(runs >= 10, `only ${runs} runs in ${BUDGET_S} s`);
});
