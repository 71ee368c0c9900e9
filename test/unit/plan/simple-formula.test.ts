/**
 * Simple output formulas (src/plan/formula.ts) are parsed and evaluated without mathjs, exactly
 * as mathjs would: every formula of the simple grammar parses in mathjs, is in the allowed
 * subset, and evaluates to the same number, or the simple evaluation declines and mathjs answers
 * (missing fields, non-numbers, objects that are not plain). A default `simulate` of a bundled
 * scenario with outputs then never loads mathjs.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { evaluateSimple, formulaProblem, simpleFormula } from '../../../src/plan/formula.js';
import { mathjs } from '../../../src/engine/lazy-math.js';
import { evaluateOutputs } from '../../../src/plan/result-parts.js';
import type { Result } from '../../../src/schema/result.js';
import { listJson, ROOT, run } from '../../helpers.js';

const result = run({
  name: 'simple-formula',
  runtime: { flavor: 'current_thread' },
  tasks: { main: { start: 'block_on', program: [{ op: 'repeat', n: 20, body: [{ op: 'yield' }] }] } },
}).result;
// Fields mathjs must answer for: a boolean, a missing task, a task whose name shadows `constructor`.
const scope: Record<string, unknown> = {
  ...result,
  tasks: { ...result.tasks, constructor: { busyUs: 1 } },
  outputs: { done: 2.5, zero: 0, neg: -3 },
};
const plainScope: Record<string, unknown> = { ...result, outputs: { done: 2.5, zero: 0, neg: -3 } };

const fields = [
  'records',
  'simulatedUs',
  'throughput.recordsPerSec',
  'latencyUs.p50',
  'latencyUs.count',
  'yieldsPerRecord',
  'tasks.main.busyUs',
  'tasks.main.elapsedUs',
  'tasks.main.completed',
  'tasks.nobody.busyUs',
  'tasks.main.waitUs.yield',
  'cpuUs.total',
  'outputs.done',
  'outputs.zero',
  'outputs.neg',
  'outputs.later',
  'latencyUs',
  'workers',
  'engine.events',
];
const numbers = ['0', '1', '2.5', '1e6', '3E-2', '1000', '0.001', '007'];
const formula: fc.Arbitrary<string> = fc.letrec<{ e: string }>((tie) => ({
  e: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom(...numbers),
    fc.constantFrom(...fields),
    fc
      .tuple(tie('e'), fc.constantFrom(' + ', ' - ', ' * ', ' / ', '+', '-', '*', '/', '\t/ '), tie('e'))
      .map(([a, o, b]) => a + o + b),
    tie('e').map((a) => `(${a})`),
    tie('e').map((a) => `-${a}`),
    tie('e').map((a) => `+ ${a}`),
  ),
})).e;

test('a simple formula parses in mathjs, is in the allowed subset and evaluates to what mathjs gives', () => {
  fc.assert(
    fc.property(formula, (expr) => {
      const f = simpleFormula(expr);
      assert.ok(f, `not simple: ${expr}`);
      assert.doesNotThrow(() => mathjs().parse(expr));
      assert.equal(formulaProblem(expr), undefined);
      for (const s of [scope, plainScope]) {
        const v = evaluateSimple(f, s);
        if (v === undefined) continue; // mathjs answers (tested through evaluateOutputs below)
        const m = mathjs().evaluate(expr, s);
        assert.ok(Object.is(v, m), `${expr}: ${v} vs mathjs ${String(m)}`);
      }
    }),
    { numRuns: 2000, seed: 20261207 },
  );
});

test('anything else is left to mathjs', () => {
  for (const expr of [
    '',
    'pi * 2',
    'e',
    'records mod 2',
    'tasks.mod',
    'tasks.main.to',
    '2records',
    '2 records',
    '.5 * records',
    '1.5.2',
    'records ^ 2',
    'records % 2',
    'latencyUs.p99 > 1 ? 1 : 0',
    'tasks["main"].busyUs',
    'max(records, 1)',
    'records\n+ 1',
    'unknown + 1',
    'tasks.main.$x',
    'records +',
    '(records',
    'records)',
    'tasks . main',
    '0x10',
  ])
    assert.equal(simpleFormula(expr), undefined, expr);
});

test('evaluateOutputs gives the same outputs and warnings with or without the simple path', () => {
  const outputs: Record<string, string> = {
    a: 'throughput.recordsPerSec / 1000',
    b: 'cpuUs.waiting / cpuUs.total',
    c: 'outputs.a * 2 - -1',
    d: 'tasks.nobody.busyUs / 2',
    e: 'tasks.main.completed + 1',
    f: 'records / 0',
    g: 'outputs.zz + 1',
    h: 'latencyUs / 2',
  };
  const viaMathjs = (r: Result) => {
    const out: Record<string, number> = {};
    for (const [name, expr] of Object.entries(outputs)) {
      try {
        const v: unknown = mathjs().evaluate(expr, { ...r, outputs: out });
        if (typeof v === 'number' && Number.isFinite(v)) out[name] = Math.round(v * 1e6) / 1e6;
        else r.warnings.push({ code: 'DS3003', message: `output '${name}' is not a finite number` });
      } catch (e) {
        r.warnings.push({ code: 'DS3003', message: `output '${name}': ${(e as Error).message}` });
      }
    }
    return out;
  };
  const r1 = structuredClone(result);
  const r2 = structuredClone(result);
  assert.deepEqual(evaluateOutputs(outputs, r1), viaMathjs(r2));
  assert.deepEqual(r1.warnings, r2.warnings);
  assert.ok(r1.warnings.length >= 4);
});

test('every bundled output formula is simple, and a default simulate of one loads neither mathjs nor the ajv compiler', () => {
  const withOutputs = listJson('scenarios').filter((f) => {
    const s = JSON.parse(readFileSync(join(ROOT, f), 'utf8')) as { outputs?: Record<string, string> };
    for (const expr of Object.values(s.outputs ?? {})) assert.ok(simpleFormula(expr), `${f}: ${expr}`);
    return s.outputs !== undefined;
  });
  assert.ok(withOutputs.length > 10);
  const script = `
    import { createRequire } from 'node:module';
    const { main } = await import(${JSON.stringify(join(ROOT, 'dist/src/cli/main.js'))});
    const code = await main(['simulate', ${JSON.stringify(join(ROOT, withOutputs[0]))}, '--json', '--runs', '2', '--jobs', '1']);
    const loaded = Object.keys(createRequire(${JSON.stringify(join(ROOT, 'package.json'))}).cache);
    process.stderr.write(JSON.stringify({ code, mathjs: loaded.some((k) => k.includes('/node_modules/mathjs/')), ajv: loaded.some((k) => k.includes('/node_modules/ajv/dist/core.js')) }));`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8' });
  const last = JSON.parse(r.stderr.trim().split('\n').pop()!) as { code: number; mathjs: boolean; ajv: boolean };
  assert.deepEqual(last, { code: 0, mathjs: false, ajv: false }, r.stderr);
  assert.match(r.stdout, /"outputs": \{\n\s+"/);
});
