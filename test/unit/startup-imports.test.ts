/**
 * A `simulate` loads no more than it needs at start-up (issue 20: a small scenario's wall time was
 * ~0.7 s, of which the engine took 0.1 s). The precompiled validators are vouched for by the hash
 * of the schema modules' built text (validate.ts, `schemaSourcesHash`), so TypeBox and the schema
 * objects are not loaded; with other schema sources each validator is used only while its
 * schema's fingerprint matches, and a changed schema is compiled at run time.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT } from '../helpers.js';

/** The packages the static imports of `files` (built modules) reach, following relative imports. */
function staticPackages(files: string[]): Map<string, string> {
  const seen = new Set<string>();
  const packages = new Map<string, string>();
  const visit = (f: string): void => {
    if (seen.has(f)) return;
    seen.add(f);
    const text = readFileSync(f, 'utf8');
    for (const m of text.matchAll(/^(?:import|export)\s[^;]*?\sfrom\s+'([^']+)';|^import\s+'([^']+)';/gm)) {
      const spec = m[1] ?? m[2];
      if (spec.startsWith('.')) visit(resolve(dirname(f), spec));
      else if (!spec.startsWith('node:') && !packages.has(spec)) packages.set(spec, f);
    }
  };
  for (const f of files) visit(f);
  return packages;
}

test('the CLI and the simulate command import no schema builder, compiler, expression or chart package statically', () => {
  const dist = join(ROOT, 'dist', 'src', 'cli');
  const pkgs = staticPackages([join(dist, 'main.js'), join(dist, 'commands', 'simulate.js')]);
  for (const [spec, from] of pkgs)
    assert.ok(!/^(@sinclair\/typebox|ajv|mathjs|vega|vega-lite|vega-embed)(\/|$)/.test(spec), `${spec} is imported by ${from}`);
  assert.ok(pkgs.has('yargs'), 'the walk follows the imports');
});

/**
 * validate.js's decision in a process of its own, on a copy of the built schema folder and of
 * schema/validators.cjs (inside the repository, so that packages resolve), after `edit` of the
 * copy's scenario module: whether the validators were vouched for, and each kind's origin.
 */
function decision(edit: (scenarioJs: string) => string): { vouched: boolean; origin: Record<string, string> } {
  const tmp = mkdtempSync(join(ROOT, 'dist', 'startup-imports-'));
  try {
    // validate.js finds the validators at ../../../schema/ from dist/src/schema/: tmp/d/src/schema → tmp/schema.
    const schemaDir = join(tmp, 'd', 'src', 'schema');
    mkdirSync(dirname(schemaDir), { recursive: true });
    cpSync(join(ROOT, 'dist', 'src', 'schema'), schemaDir, { recursive: true });
    mkdirSync(join(tmp, 'schema'));
    cpSync(join(ROOT, 'schema', 'validators.cjs'), join(tmp, 'schema', 'validators.cjs'));
    const scenarioJs = join(schemaDir, 'scenario.js');
    writeFileSync(scenarioJs, edit(readFileSync(scenarioJs, 'utf8')));
    const url = pathToFileURL(join(schemaDir, 'validate.js')).href;
    const out = execFileSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `const v = await import(${JSON.stringify(url)});
         for (const k of ['scenario', 'model', 'result', 'plan']) v.validateDocument(k, {}, '<test>');
         console.log(JSON.stringify({ vouched: v.validatorsVouched, origin: Object.fromEntries(v.validatorOrigin) }));`,
      ],
      { encoding: 'utf8' },
    );
    return JSON.parse(out) as { vouched: boolean; origin: Record<string, string> };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

const all = (o: string) => ({ scenario: o, model: o, result: o, plan: o });

test('the precompiled validators are used without the schemas while the schema sources are those they were generated from', () => {
  assert.deepEqual(
    decision((s) => s),
    { vouched: true, origin: all('precompiled') },
  );
});

test('other schema sources: each precompiled validator is used while its schema fingerprint matches, a changed schema is compiled', () => {
  // A comment: the hash no longer vouches, the fingerprints still match.
  assert.deepEqual(
    decision((s) => s + '\n// an edit\n'),
    { vouched: false, origin: all('precompiled') },
  );
  // A changed schema (a scenario name may be longer): compiled at run time.
  const changed = decision((s) => {
    const t = s.replace(
      'const Name = Type.String({ minLength: 1, maxLength: 200 });',
      'const Name = Type.String({ minLength: 1, maxLength: 201 });',
    );
    assert.notEqual(t, s, 'the edit applies');
    return t;
  });
  assert.deepEqual(changed, { vouched: false, origin: { ...all('precompiled'), scenario: 'compiled' } });
});
