/**
 * docs/scenarios.md is the user reference of the scenario language: it cannot go stale.
 *
 * Every object of the scenario schema has a section (`### \`heading\``) whose table lists exactly
 * that object's fields, and every full scenario example in the page (a ```json block with a
 * `runtime`) is valid and simulates. A field added to the schema, or removed from it, fails here
 * until the page says so.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ScenarioSchema, toAjvSchema } from '../../../src/schema/scenario.js';
import { validateDocument } from '../../../src/schema/validate.js';
import { normalizeScenario } from '../../../src/plan/normalize.js';
import { simulate } from '../../../src/runtime/simulate.js';
import type { Scenario } from '../../../src/schema/scenario.js';
import { ROOT, model } from '../../helpers.js';

type Node = Record<string, unknown>;
const DISCRIMINATORS = ['op', 'kind', 'dist'];

/** heading → field names, for every object schema in the scenario schema. */
export function schemaSections(): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  const walk = (n: unknown, heading: string): void => {
    if (Array.isArray(n)) return n.forEach((x) => walk(x, heading));
    if (n === null || typeof n !== 'object') return;
    const node = n as Node;
    const props = node.properties as Record<string, Node> | undefined;
    let here = heading;
    if (props) {
      const key = DISCRIMINATORS.find((k) => props[k]?.const !== undefined);
      if (key) here = `${key}: ${String(props[key].const)}`;
      const fields = out.get(here) ?? new Set<string>();
      for (const k of Object.keys(props)) fields.add(k);
      out.set(here, fields);
      for (const [k, v] of Object.entries(props)) walk(v, here === 'scenario' ? k : `${here.replace(/^[a-z]+: /, '')}.${k}`);
    }
    for (const k of ['items', 'anyOf', 'oneOf', 'additionalProperties', 'patternProperties']) {
      const v = node[k];
      if (k === 'patternProperties' && v && typeof v === 'object') Object.values(v).forEach((x) => walk(x, here));
      else if (v && typeof v === 'object') walk(v, here);
    }
  };
  walk(toAjvSchema(ScenarioSchema), 'scenario');
  return out;
}

/** heading → field names, from the page's `### \`heading\`` sections and their `| \`field\` |` rows. */
function docSections(text: string): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  let cur: Set<string> | undefined;
  for (const line of text.split('\n')) {
    const h = /^### `([^`]+)`/.exec(line);
    if (h) {
      cur = new Set();
      out.set(h[1], cur);
      continue;
    }
    if (/^#{1,3} /.test(line)) cur = undefined;
    const row = /^\| `([^`]+)` \|/.exec(line);
    if (row && cur) cur.add(row[1]);
  }
  return out;
}

const page = readFileSync(join(ROOT, 'docs/scenarios.md'), 'utf8');

test('docs/scenarios.md documents every object and field of the scenario schema, and no other', () => {
  const want = schemaSections();
  const got = docSections(page);
  const problems: string[] = [];
  for (const [h, fields] of want) {
    const doc = got.get(h);
    if (!doc) {
      problems.push(`missing section ### \`${h}\` (fields ${[...fields].join(', ')})`);
      continue;
    }
    for (const f of fields) if (!doc.has(f)) problems.push(`section ${h}: field '${f}' not documented`);
    for (const f of doc) if (!fields.has(f)) problems.push(`section ${h}: documents '${f}', which the schema does not have`);
  }
  for (const h of got.keys()) if (!want.has(h)) problems.push(`section ${h} is not an object of the schema`);
  assert.deepEqual(problems, []);
});

test('every full scenario example in docs/scenarios.md is valid and simulates', () => {
  const blocks = [...page.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => m[1]);
  const full = blocks.filter((b) => b.includes('"runtime"'));
  assert.ok(full.length >= 3, `${full.length} full examples`);
  const m = model();
  for (const b of full) {
    const s = JSON.parse(b) as Scenario;
    assert.deepEqual(validateDocument('scenario', s, s.name), [], s.name);
    const r = simulate(normalizeScenario(s, { file: s.name, model: m }), m);
    assert.ok(r.records > 0 && !r.truncated, `${s.name}: ${r.records} records, truncated ${r.truncated?.reason}`);
  }
  // Fragments are JSON too.
  for (const b of blocks) assert.doesNotThrow(() => JSON.parse(b), b.slice(0, 80));
});
