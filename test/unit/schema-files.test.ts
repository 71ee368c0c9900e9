/**
 * The committed JSON Schema files are what the TypeBox sources generate (regenerate with
 * `dispatchsim schema --write`), every document's `$schema` names one of them, and each file
 * works standalone: a fresh ajv accepts every scenario and model in the repository with it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { Ajv } from 'ajv';
import { jsonSchemaText, schemaFileName, SCHEMA_KINDS } from '../../src/schema/json-schema.js';
import { listJson, ROOT } from '../helpers.js';

for (const kind of SCHEMA_KINDS) {
  test(`schema/${schemaFileName(kind)} is up to date (dispatchsim schema --write)`, () => {
    const file = join(ROOT, 'schema', schemaFileName(kind));
    assert.ok(existsSync(file), `${file} is missing`);
    assert.equal(readFileSync(file, 'utf8'), jsonSchemaText(kind), `${file} is stale: run 'dispatchsim schema --write'`);
  });
}

const documents = [
  ...listJson('scenarios').map((f) => ({ f, kind: 'scenario' as const })),
  ...listJson('models').map((f) => ({ f, kind: 'model' as const })),
];

// Scenarios must name their schema; models written by `calibrate` (models/host-*.json) carry no
// `$schema` yet, so for models the field is checked where present.
test('every scenario (and model with $schema) names its schema file, and the file accepts it', () => {
  const ajv = new Ajv({ allErrors: true, strict: true, discriminator: true, allowUnionTypes: true, strictRequired: false });
  const validators = new Map(
    SCHEMA_KINDS.map((k) => [
      k,
      ajv.compile(JSON.parse(readFileSync(join(ROOT, 'schema', schemaFileName(k)), 'utf8')) as object),
    ]),
  );
  for (const { f, kind } of documents) {
    const doc = JSON.parse(readFileSync(join(ROOT, f), 'utf8')) as { $schema?: string };
    if (kind === 'scenario') assert.ok(doc.$schema, `${f} has no $schema`);
    if (doc.$schema)
      assert.equal(resolve(ROOT, dirname(f), doc.$schema), join(ROOT, 'schema', schemaFileName(kind)), `${f}: $schema`);
    const v = validators.get(kind)!;
    assert.ok(v(doc), `${f}: ${JSON.stringify(v.errors?.slice(0, 3))}`);
  }
});
