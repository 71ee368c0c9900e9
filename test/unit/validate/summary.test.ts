/** The printed summary says where its figures came from: measured outputs are not "predicted", notes are not warnings. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatSummary } from '../../../src/cli/summary.js';
import { loadScenario } from '../../../src/cli/load.js';
import { simulate } from '../../../src/runtime/simulate.js';

test('a measured Result: derived outputs labelled measured, DS1812/DS1814 as notes, others as warnings', () => {
  const { plan, model } = loadScenario('scenarios/validation/ct-await-1p.json');
  const predicted = simulate(plan, model);
  const outputs = { 'x.y': 1 };
  const planWithOutput = { ...plan, outputs: { 'x.y': 'a derived figure' } };
  const simulated = formatSummary({ ...predicted, outputs }, planWithOutput);
  assert.match(simulated, /outputs \(derived, predicted\):/);
  const measured = formatSummary(
    {
      ...predicted,
      source: 'measured',
      outputs,
      warnings: [
        { code: 'DS1814', message: 'the source thread ran on CPU 1' },
        { code: 'DS1812', message: 'busyUs counts compute only' },
        { code: 'DS1810', message: 'batches were sent late' },
      ],
    },
    planWithOutput,
  );
  assert.match(measured, /outputs \(derived, measured\):/);
  assert.match(measured, /\n {2}note: the source thread ran on CPU 1 \[DS1814\]/);
  assert.match(measured, /\n {2}note: busyUs counts compute only \[DS1812\]/);
  assert.match(measured, /\n {2}warning: batches were sent late \[DS1810\]/);
});
