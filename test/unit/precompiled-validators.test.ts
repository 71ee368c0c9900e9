/**
 * The precompiled validators (schema/validators.cjs, ajv standalone code) are what the schemas
 * generate (`dispatchsim schema --write`), validation uses them instead of compiling a schema,
 * and they answer exactly as a validator compiled at run time with the same options: same
 * verdict, same errors (keyword, paths, params, message, schema and data), on every bundled
 * scenario and model, every invalid-input case, and seeded fuzz mutations of them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { ValidateFunction } from 'ajv';
import { validatorsText } from '../../src/schema/json-schema.js';
import {
  MAX_JSON_DEPTH,
  newAjv,
  parseJsonText,
  validateDocument,
  validatorOrigin,
  VALIDATORS_FILE,
  type DocumentKind,
} from '../../src/schema/validate.js';
import { schemaFor } from '../../src/schema/schemas.js';
import { Prng } from '../../src/engine/prng.js';
import { mutate } from '../../bench/fuzz-mutate.js';
import { listJson, ROOT } from '../helpers.js';

const file = join(ROOT, 'schema', VALIDATORS_FILE);

test(`schema/${VALIDATORS_FILE} is up to date (dispatchsim schema --write)`, () => {
  assert.ok(existsSync(file), `${file} is missing`);
  assert.ok(readFileSync(file, 'utf8') === validatorsText(), `${file} is stale: run 'dispatchsim schema --write'`);
});

test('validation uses the precompiled validators: no schema is compiled', () => {
  for (const kind of ['scenario', 'model', 'result', 'plan'] as const) {
    validateDocument(kind, {}, '<test>');
    assert.equal(validatorOrigin.get(kind), 'precompiled', kind);
  }
});

test('the precompiled validators give the errors of validators compiled at run time', () => {
  const pre = createRequire(import.meta.url)(file) as { validators: Record<DocumentKind, ValidateFunction> };
  const ajv = newAjv();
  const fresh = new Map<DocumentKind, ValidateFunction>();
  const compiled = (k: DocumentKind) => fresh.get(k) ?? fresh.set(k, ajv.compile(schemaFor(k))).get(k)!;
  const docs: { kind: DocumentKind; name: string; doc: unknown }[] = [];
  // As a command reads it: parseJsonText refuses documents nested deeper than MAX_JSON_DEPTH (DS1223).
  const parse = (text: string): unknown => {
    try {
      return parseJsonText(text, '<test>').value;
    } catch {
      return undefined;
    }
  };
  const bundled = [
    ...listJson('scenarios').map((f) => ({ f, kind: 'scenario' as const })),
    ...listJson('models').map((f) => ({ f, kind: 'model' as const })),
  ];
  const rng = new Prng(20261207, 'precompiled-validators');
  for (const { f, kind } of bundled) {
    const doc = JSON.parse(readFileSync(join(ROOT, f), 'utf8')) as unknown;
    docs.push({ kind, name: f, doc });
    for (let i = 0; i < 3; i++) {
      const m = mutate(doc, kind, rng);
      if (m.text.length > 1e6) continue;
      const d = parse(m.text);
      if (d !== undefined) docs.push({ kind, name: `${f} + ${m.names.join(', ')}`, doc: d });
    }
  }
  // A deeply nested document: `repeat` bodies nested MAX_JSON_DEPTH JSON levels deep, the deepest a command
  // lets through (at about 450 both validators exhaust the stack alike: a limitation of ajv's recursive
  // code, not of precompiling; test/unit/deep-json.test.ts).
  let op: unknown = { op: 'yield' };
  for (let depth = 6; depth + 2 <= MAX_JSON_DEPTH; depth += 2) op = { op: 'repeat', n: 1, body: [op] };
  const deep = { name: 'deep', runtime: { flavor: 'current_thread' }, tasks: { main: { start: 'block_on', program: [op] } } };
  assert.ok(parse(JSON.stringify(deep)) !== undefined);
  docs.push({ kind: 'scenario', name: 'deep', doc: deep });
  for (const f of listJson('test/invalid')) {
    const d = parse(readFileSync(join(ROOT, f), 'utf8'));
    if (d !== undefined) docs.push({ kind: f.includes('model') ? 'model' : 'scenario', name: f, doc: d });
  }
  let invalid = 0;
  const outcome = (v: ValidateFunction, doc: unknown) => {
    try {
      const ok = v(doc);
      return { ok, errors: v.errors ?? null };
    } catch (e) {
      return { threw: (e as Error).message };
    }
  };
  for (const { kind, name, doc } of docs) {
    const a = outcome(pre.validators[kind], doc);
    assert.deepEqual(a, outcome(compiled(kind), doc), name);
    if (a.ok === false) invalid++;
  }
  // The comparison covered failures, not only valid documents.
  assert.ok(invalid > 100, `only ${invalid} invalid documents`);
});
