/**
 * The library API as a user gets it: `npm pack` the repository, install the tarball into a fresh
 * folder (offline: the tarball is unpacked into node_modules/dispatchsim and its dependencies are
 * this repository's node_modules), then `import { … } from 'dispatchsim'` by name — at run time
 * from an .mjs file, and for types with tsc on a .ts file.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../../helpers.js';

test('the packed package imports by name, simulates, and type-checks', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ds-pack-'));
  // --ignore-scripts: the build already ran (dist/ is what is packed); never rebuild mid-test.
  execFileSync('npm', ['pack', '--ignore-scripts', '--pack-destination', dir, '--silent'], { cwd: ROOT, stdio: 'pipe' });
  const tgz = readdirSync(dir).find((f) => f.endsWith('.tgz'));
  assert.ok(tgz, 'npm pack wrote a tarball');
  const app = join(dir, 'app');
  const pkg = join(app, 'node_modules', 'dispatchsim');
  mkdirSync(pkg, { recursive: true });
  execFileSync('tar', ['-xzf', join(dir, tgz), '-C', pkg, '--strip-components=1']);
  symlinkSync(join(ROOT, 'node_modules'), join(pkg, 'node_modules'), 'dir');
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', type: 'module', private: true }));
  writeFileSync(
    join(app, 'run.mjs'),
    [
      "import { loadScenario, simulate, analyze, validateScenario, advise, compareResults, scaffoldPipeline, planScenario, loadModel, DEFAULT_MODEL } from 'dispatchsim';",
      "const { plan, model } = loadScenario('node_modules/dispatchsim/scenarios/architectures/v2-await-2p-2c.json');",
      'const r = simulate(plan, model);',
      "const s = scaffoldPipeline({ name: 'x', flavor: 'multi_thread', cores: 2, ratePerSec: 20000, workUs: 2, batchRecords: 100, durationMs: 5, arrival: 'periodic', seed: 1, partitions: 2, wait: 'await', sleepUs: 1000 });",
      'const m = loadModel(DEFAULT_MODEL);',
      'const r2 = simulate(planScenario(s, m), m);',
      'console.log(JSON.stringify({ records: r.records, cores: r.coresBusy.busy, valid: validateScenario(s).length, advice: advise({ scenario: s, model: m, result: r2 }).length, rows: compareResults(r, r2).length, analytic: typeof analyze }));',
    ].join('\n'),
  );
  const out = JSON.parse(execFileSync(process.execPath, ['run.mjs'], { cwd: app, encoding: 'utf8' })) as Record<
    string,
    number | string
  >;
  assert.equal(out.records, 20000);
  assert.ok((out.cores as number) > 0);
  assert.equal(out.valid, 0);
  assert.equal(out.advice, 0);
  assert.ok((out.rows as number) > 5);
  assert.equal(out.analytic, 'function');
  writeFileSync(
    join(app, 'typed.ts'),
    [
      "import { loadScenario, simulate, type Result } from 'dispatchsim';",
      "const { plan, model } = loadScenario('x.json');",
      'const r: Result = simulate(plan, model, { seed: 2 });',
      'const p99: number = r.latencyUs.p99;',
      'export { p99 };',
    ].join('\n'),
  );
  const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  const args = ['--noEmit', '--strict', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--skipLibCheck', 'typed.ts'];
  execFileSync(process.execPath, [tsc, ...args], { cwd: app, stdio: 'pipe' });
  // A wrong type is caught: the test can fail.
  writeFileSync(join(app, 'typed.ts'), "import { simulate } from 'dispatchsim';\nconst n: number = simulate;\nexport { n };\n");
  assert.throws(() => execFileSync(process.execPath, [tsc, ...args], { cwd: app, stdio: 'pipe' }));
});
