/**
 * The core keeps the layer direction of DESIGN.md: engine/ imports nothing of ours; runtime,
 * plan, analytic, model, schema and selftest import only the folders the table in
 * eslint/layers.js allows, and do no I/O (no fs, child processes, yargs or process.*) outside the
 * I/O modules that file names, each with its reason. The lint
 * rule `layers/import-direction` checks every folder; this test holds the core to it in `npm test`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT } from '../helpers.js';

interface LayersModule {
  IO_PACKAGES: string[];
  IO_MODULES: string[];
  layerOf(rel: string): string | undefined;
  layerViolation(from: string | undefined, target: string | undefined): string | undefined;
}

const CORE = ['engine', 'runtime', 'plan', 'analytic', 'model', 'schema', 'selftest'];

function filesUnder(rel: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(join(ROOT, rel)).sort()) {
    const p = `${rel}/${e}`;
    if (statSync(join(ROOT, p)).isDirectory()) out.push(...filesUnder(p));
    else if (e.endsWith('.ts')) out.push(p);
  }
  return out;
}

function resolveRel(fromRel: string, spec: string): string {
  const parts = fromRel.split('/').slice(0, -1);
  for (const seg of spec.split('/')) {
    if (seg === '..') parts.pop();
    else if (seg !== '.') parts.push(seg);
  }
  return parts.join('/');
}

test('the core imports down the layer table and does no I/O', async () => {
  const L = (await import(pathToFileURL(join(ROOT, 'eslint/layers.js')).href)) as LayersModule;
  const problems: string[] = [];
  for (const layer of CORE) {
    for (const file of filesUnder(`src/${layer}`)) {
      const text = readFileSync(join(ROOT, file), 'utf8');
      for (const m of text.matchAll(/^\s*(?:import|export)\b[^'";]*?from\s+'([^']+)'|\bimport\(\s*'([^']+)'\s*\)/gm)) {
        const spec = m[1] ?? m[2];
        if (spec.startsWith('.')) {
          const why = L.layerViolation(layer, L.layerOf(resolveRel(file, spec)));
          if (why) problems.push(`${file}: '${spec}': ${why}`);
        } else if (L.IO_PACKAGES.includes(spec) && !L.IO_MODULES.some((m) => file.startsWith(m)))
          // The I/O modules eslint/layers.js names (each with its reason) may (src/schema/validate.ts).
          problems.push(`${file}: imports '${spec}' (I/O)`);
      }
      for (const m of text.matchAll(/\bprocess\.(stdout|stderr|stdin|argv|exit|exitCode|cwd|chdir|env)\b/g))
        problems.push(`${file}: uses process.${m[1]} (I/O)`);
    }
  }
  assert.deepEqual(problems, []);
});

test('engine/ imports nothing of ours', async () => {
  const L = (await import(pathToFileURL(join(ROOT, 'eslint/layers.js')).href)) as LayersModule;
  assert.equal(L.layerViolation('engine', 'schema'), 'src/engine/ may not import src/schema/ (allowed: nothing of ours)');
});
