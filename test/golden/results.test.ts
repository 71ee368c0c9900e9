/**
 * Every bundled scenario's Result against the hashes stored in test/golden/results.json (see
 * results.ts). A failure names the scenario, the back-end and the fields that changed; when the
 * change is meant, refresh the file with `npm run golden:update` and say why in the commit.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { computeGoldens, diffGolden, readGoldens, resultHashes } from './results.js';
import { loadScenario } from '../../src/cli/load.js';
import { simulate } from '../../src/runtime/simulate.js';
import { join } from 'node:path';
import { ROOT } from '../helpers.js';

test('every bundled scenario matches its stored golden (npm run golden:update refreshes them)', () => {
  const stored = readGoldens();
  const now = computeGoldens();
  const problems: string[] = [];
  for (const [rel, g] of Object.entries(now)) problems.push(...diffGolden(rel, stored[rel], g));
  for (const rel of Object.keys(stored)) if (!(rel in now)) problems.push(`${rel}: stored golden but no such scenario`);
  assert.deepEqual(problems, [], `goldens differ; if the change is meant, run 'npm run golden:update':\n${problems.join('\n')}`);
});

test('the golden diff names the scenario and the fields that changed', () => {
  const rel = 'scenarios/architectures/v1-sequential-2c.json';
  const { plan, model } = loadScenario(join(ROOT, rel));
  const r = simulate(plan, model);
  const before = { simulated: resultHashes(r), analytic: { refused: 'DS4002' } };
  const changed = { ...r, records: r.records + 1, latencyUs: { ...r.latencyUs, p99: r.latencyUs.p99 * 2 } };
  const after = { simulated: resultHashes(changed), analytic: { refused: 'DS4002' } };
  assert.deepEqual(diffGolden(rel, before, after), [`${rel} simulated: records, latencyUs changed`]);
  // The engine block (timing) and file paths are not part of the golden.
  const timing = {
    ...r,
    engine: { ...r.engine, wallMs: r.engine.wallMs + 1 },
    scenario: { ...r.scenario, file: 'elsewhere.json' },
  };
  assert.deepEqual(diffGolden(rel, before, { simulated: resultHashes(timing), analytic: { refused: 'DS4002' } }), []);
  assert.deepEqual(diffGolden(rel, before, { ...before, analytic: { records: 'x' } }), [
    `${rel} analytic: refused DS4002 → answered`,
  ]);
});
