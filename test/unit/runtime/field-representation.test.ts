/**
 * PERF (issue 20): a run set's runs keep the simulator's optimised code. V8 gives a class field the
 * representation of the first value stored in it (a small integer, a double, an object) and lets
 * optimised code rely on it, and on a field never stored again after its initialisation staying
 * what it is; the first store that breaks either (a clock that becomes a non-integer, the events a
 * fast-forward jump adds, endNs at the run's end, the source's close) throws away every piece of
 * optimised code that depended on the field ('marking dependent code … code dependencies' under
 * --trace-deopt): the rest of the run and the start of the next one ran unoptimised (v2-yield-2p-2c,
 * run 1: 260–330 ms CPU where a warm run takes ~50). The Simulator and its parts store those
 * values once at construction (simulator.ts, the constructor). This runs two runs of a yield-spin
 * pipeline with the fast-forward (its jumps and the run's end are where the stores were; the Result
 * is not assembled) in a process of its own under --trace-deopt and asks that no optimised code was
 * thrown away for that reason. It is about speed only: the Results are the same either way.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT } from '../../helpers.js';

test('two runs of a yield-spin pipeline throw away no optimised code for a field that changed representation or constness', () => {
  const url = (rel: string) => pathToFileURL(join(ROOT, rel)).href;
  const script = [
    `const { loadScenario } = await import(${JSON.stringify(url('dist/src/cli/load.js'))});`,
    `const { createSimulator } = await import(${JSON.stringify(url('dist/src/runtime/simulate.js'))});`,
    `const { plan, model } = loadScenario(${JSON.stringify(join(ROOT, 'scenarios/architectures/v2-yield-2p-2c.json'))});`,
    // The runs only (the Result's assembly is not the engine's hot code).
    `for (let i = 0; i < 2; i++) createSimulator(plan, model, {}).run();`,
    `console.log('RUNS DONE');`,
  ].join('\n');
  const r = spawnSync(process.execPath, ['--trace-deopt', '--input-type=module', '-e', script], {
    encoding: 'utf8',
    maxBuffer: 256 * 2 ** 20,
  });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /RUNS DONE/);
  // The trace is on (other deoptimisations, e.g. a rare path's first use, are printed): a V8 that
  // prints it differently must not make this test pass by saying nothing.
  assert.match(r.stdout, /\[bailout \(kind: /, 'no --trace-deopt output: the check below would be vacuous');
  const thrownAway = [...r.stdout.matchAll(/marking dependent code .*?<SharedFunctionInfo ([^>]*)>.*code dependencies/g)].map(
    (m) => m[1],
  );
  assert.deepEqual(thrownAway, [], `optimised code thrown away for code dependencies: ${thrownAway.join(', ')}`);
});
