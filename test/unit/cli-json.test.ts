/**
 * `--json` on the inspection commands (`check`, `model show`, `model diff`): one JSON document on
 * stdout, nothing else, matching its schema in src/schema/cli-docs.ts (docs/json-output.md), with
 * the same exit code as the plain output.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Value } from '@sinclair/typebox/value';
import { CheckOutputSchema, ModelDiffOutputSchema, ModelShowOutputSchema } from '../../src/schema/cli-docs.js';
import type { CostModel } from '../../src/schema/model.js';
import { diffModels } from '../../src/calibrate/table.js';
import { readJson, runMain } from '../helpers.js';

const REL = 'models/tokio-1.24-2vcpu-release.json';
const DBG = 'models/tokio-1.24-2vcpu-debug.json';

function parse<T>(out: string): T {
  return JSON.parse(out) as T; // throws if anything but the one document was printed
}

test('check --json: per file its kind, verdict and diagnostics, and the exit code', async () => {
  const r = await runMain([
    'check',
    'scenarios/validation/ct-await-1p.json',
    REL,
    'test/invalid/01-json-trailing-comma.json',
    '--json',
  ]);
  assert.equal(r.code, 3);
  const doc = parse<{
    files: { file: string; kind: string; ok: boolean; diagnostics: { code: string; severity: string }[] }[];
    exitCode: number;
  }>(r.out);
  assert.ok(
    Value.Check(CheckOutputSchema, doc),
    [...Value.Errors(CheckOutputSchema, doc)].map((e) => `${e.path} ${e.message}`).join('; '),
  );
  assert.deepEqual(
    doc.files.map((f) => [f.file, f.kind, f.ok]),
    [
      ['scenarios/validation/ct-await-1p.json', 'scenario', true],
      [REL, 'model', true],
      ['test/invalid/01-json-trailing-comma.json', 'scenario', false],
    ],
  );
  assert.ok(
    doc.files[2].diagnostics.length > 0 &&
      doc.files[2].diagnostics.every((d) => d.severity === 'error' && /^DS\d{4}$/.test(d.code)),
  );
  assert.equal(doc.exitCode, 3);
  const ok = await runMain(['check', REL, '--json']);
  assert.equal(ok.code, 0);
  assert.equal(parse<{ exitCode: number }>(ok.out).exitCode, 0);
});

test('model show --json: the header and every parameter, in the file’s order', async () => {
  const r = await runMain(['model', 'show', REL, '--json']);
  assert.equal(r.code, 0);
  const doc = parse<{ name: string; profile: string; parameters: ({ name: string } & CostModel['parameters'][string])[] }>(r.out);
  assert.ok(
    Value.Check(ModelShowOutputSchema, doc),
    [...Value.Errors(ModelShowOutputSchema, doc)].map((e) => `${e.path} ${e.message}`).join('; '),
  );
  const m = readJson<CostModel>(REL);
  assert.equal(doc.name, m.name);
  assert.equal(doc.profile, m.profile);
  assert.deepEqual(
    doc.parameters.map(({ name, ...p }) => [name, p]),
    Object.entries(m.parameters),
  );
});

test('model diff --json: values and ratio b/a per parameter, in the table’s order; null where a side is missing', async () => {
  const r = await runMain(['model', 'diff', REL, DBG, '--json']);
  assert.equal(r.code, 0);
  const doc = parse<{ rows: { name: string; a: { value: number } | null; b: { value: number } | null; ratio: number | null }[] }>(
    r.out,
  );
  assert.ok(
    Value.Check(ModelDiffOutputSchema, doc),
    [...Value.Errors(ModelDiffOutputSchema, doc)].map((e) => `${e.path} ${e.message}`).join('; '),
  );
  const expected = diffModels(readJson<CostModel>(REL), readJson<CostModel>(DBG));
  assert.deepEqual(
    doc.rows.map((x) => [x.name, x.ratio]),
    expected.map((x) => [x.name, x.ratio ?? null]),
  );
  for (const x of doc.rows) if (x.a && x.b && x.ratio !== null) assert.ok(Math.abs(x.ratio - x.b.value / x.a.value) < 1e-12);
});
