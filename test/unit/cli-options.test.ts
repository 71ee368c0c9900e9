/**
 * The CLI-options table (issue 18, items 5, 6, 11 and 12): every numeric option is one finite
 * number in its range, given once; an option that takes a value has one; a negative value is
 * quoted back, not split into short flags. Each row is a command line that exit 0'd, or exit 3'd,
 * with a wrong or silently changed result before options were checked in one place
 * (src/cli/options.ts, applied to every command by main.ts). Then the rules themselves, and
 * standard output that cannot be written (exit 5, one line).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, runMain } from '../helpers.js';
import { checkOptions, joinNegativeValues } from '../../src/cli/options.js';

const dir = mkdtempSync(join(tmpdir(), 'dispatchsim-options-'));
const S = join(dir, 's.json');
writeFileSync(
  S,
  JSON.stringify({ name: 'x', runtime: { flavor: 'current_thread' }, template: { kind: 'async_call', calls: 3 } }),
);
test.after(() => rmSync(dir, { recursive: true, force: true }));

/** [arguments after the command, the option the message must name] */
const SIMULATE: Array<[string[], string]> = [
  [['--seed', 'abc'], '--seed'],
  [['--seed', '1', '--seed', '2'], '--seed'],
  [['--seed', '-1'], '--seed'],
  [['--seed', '1.5'], '--seed'],
  [['--seed', '1e30'], '--seed'],
  [['--seed', '4294967296'], '--seed'],
  [['--seed'], '--seed'],
  [['--max-wall-ms', 'abc'], '--max-wall-ms'],
  [['--max-events', 'abc'], '--max-events'],
  [['--max-events', '0'], '--max-events'],
  [['--max-simulated-ms', 'NaN'], '--max-simulated-ms'],
  [['--max-simulated-ms', '-1'], '--max-simulated-ms'],
  [['--trace-events', '-1'], '--trace-events'],
  [['--trace-events', '1000000000', '--trace', join(dir, 't.json')], '--trace-events'],
  [['--out'], '--out'],
  [['--out', '--json'], '--out'],
  [['--model'], '--model'],
  [['--trace'], '--trace'],
  [['--out', join(dir, 'a.json'), '--out', join(dir, 'b.json')], '--out'],
];

for (const [args, option] of SIMULATE) {
  test(`simulate s.json ${args.map((a) => a.replace(dir, '<tmp>')).join(' ')}: exit 2 naming ${option}`, async () => {
    const r = await runMain(['simulate', S, ...args]);
    assert.equal(r.code, 2, r.out);
    assert.match(r.out, new RegExp(`^dispatchsim: ${option} `), r.out);
    assert.doesNotMatch(r.out, /\n\s+at /);
  });
}

/** Other commands get the same checks without declaring anything. */
const OTHERS: Array<[string[], string]> = [
  [['analyze', S, '--seed', 'x'], '--seed'],
  [['sweep', S, '--vary', '/template/calls=1,2', '--out', join(dir, 'w.json'), '--jobs', '0'], '--jobs'],
  [['sweep', S, '--vary', '/template/calls=1,2', '--out', join(dir, 'w.json'), '--replications', 'many'], '--runs'],
  [['sweep', 'merge', join(dir, 'a.json'), '--out'], '--out'],
  [['selftest', '--confidence', '2'], '--confidence'],
  [['validate', S, '--tolerance', '-5%'], '--tolerance'],
];
for (const [args, option] of OTHERS) {
  test(`${args.map((a) => a.replace(dir, '<tmp>')).join(' ')}: exit 2 or 3 naming ${option}`, async () => {
    const r = await runMain(args);
    assert.ok(r.code === 2 || r.code === 3, r.out);
    assert.match(r.out, new RegExp(option.replace(/^--/, '')), r.out);
    assert.doesNotMatch(r.out, /Unknown arguments|\n\s+at /);
  });
}

test('valid values still pass: --seed 0 and 4294967295, --max-simulated-ms 0.5', async () => {
  for (const args of [['--seed', '0'], ['--seed', '4294967295'], ['--max-simulated-ms', '0.5'], ['--seed=7']]) {
    const r = await runMain(['simulate', S, '--json', ...args]);
    assert.equal(r.code, 0, r.out);
  }
});

test('checkOptions: a number option nobody listed still has to be one finite number', () => {
  const declared = { number: ['runs-per-thing'], string: [], array: [], boolean: [] };
  assert.match(checkOptions({ 'runs-per-thing': NaN }, declared, ['--runs-per-thing', 'x']) ?? '', /runs-per-thing/);
  assert.equal(checkOptions({ 'runs-per-thing': 3 }, declared, ['--runs-per-thing', '3']), undefined);
  assert.deepEqual(joinNegativeValues(['--tolerance', '-5%', '-x']), ['--tolerance=-5%', '-x']);
});

test(
  'stdout that cannot be written (/dev/full, a closed pipe): exit 5, one line, no stack',
  { skip: process.platform !== 'linux' },
  () => {
    const bin = join(ROOT, 'bin/dispatchsim.js');
    const full = spawnSync('sh', ['-c', `node "${bin}" simulate "${S}" --json > /dev/full`], { encoding: 'utf8' });
    assert.equal(full.status, 5, full.stderr);
    // One line for the failure (the model's warnings, if any, come before it, one line at most).
    const lines = full.stderr.trim().split('\n');
    assert.equal(lines.filter((l) => !/ warning: /.test(l)).length, 1, full.stderr);
    assert.ok(lines.length <= 2, full.stderr);
    assert.match(full.stderr, /cannot write to standard output: ENOSPC/);
    const pipe = spawnSync('sh', ['-c', `node "${bin}" simulate "${S}" --json | (exec 0<&-; true); exit 0`], {
      encoding: 'utf8',
    });
    assert.doesNotMatch(pipe.stderr, /\n\s+at |internal error/);
  },
);
