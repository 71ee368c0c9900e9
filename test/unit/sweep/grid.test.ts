import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyAxes, applyValues, buildAxes, expandGrid, getAt, parseVary } from '../../../src/sweep/grid.js';
import { parseShard } from '../../../src/sweep/shard.js';
import { InputError } from '../../../src/schema/diagnostics.js';

const codeOf = (code: string) => (e: unknown) => e instanceof InputError && e.diagnostics[0].code === code;

test('parseVary: lists, integer ranges, log ranges, mixed', () => {
  assert.deepEqual(parseVary('/template/partitions=1,2,4').values, [1, 2, 4]);
  assert.deepEqual(parseVary('/runtime/workers=1..4').values, [1, 2, 3, 4]);
  assert.deepEqual(parseVary('/template/partitions=1..64:log2').values, [1, 2, 4, 8, 16, 32, 64]);
  assert.deepEqual(parseVary('/x=1..100:log10').values, [1, 10, 100]);
  assert.deepEqual(parseVary('/x=1..3,16').values, [1, 2, 3, 16]);
  assert.deepEqual(parseVary('/runtime/flavor=current_thread,multi_thread').values, ['current_thread', 'multi_thread']);
  assert.deepEqual(parseVary('/runtime/lifoSlot=true,false').values, [true, false]);
  for (const bad of ['runtime/workers=1', '/x=', '/x=4..1', '/x=0..8:log2', '/x=1..8:log1', '/x', '/x=1,,2'])
    assert.throws(() => parseVary(bad), codeOf('DS1601'), bad);
});

test('pointers must exist; the grid is row-major with the first axis outermost', () => {
  const scenario = { runtime: { workers: 2 }, template: { partitions: 4, 'a/b': 1 } };
  assert.throws(
    () => buildAxes(scenario, [parseVary('/template/nope=1,2')], 's.json'),
    (e: unknown) =>
      e instanceof InputError && e.diagnostics[0].code === 'DS1602' && e.diagnostics[0].pointer === '/template/nope',
  );
  assert.equal(getAt(scenario, '/template/a~1b').value, 1);
  const axes = buildAxes(scenario, [parseVary('/template/partitions=1,2'), parseVary('/runtime/workers=1..3')], 's.json');
  assert.deepEqual(
    axes.map((a) => a.label),
    ['partitions', 'workers'],
  );
  assert.deepEqual(expandGrid(axes), [
    [1, 1],
    [1, 2],
    [1, 3],
    [2, 1],
    [2, 2],
    [2, 3],
  ]);
  const copy = applyValues(scenario, ['/template/partitions', '/runtime/workers'], [8, 3]);
  assert.deepEqual(copy, { runtime: { workers: 3 }, template: { partitions: 8, 'a/b': 1 } });
  assert.equal(scenario.template.partitions, 4, 'input not mutated');
});

test('tied axes: pointers joined by + take the same value', () => {
  const scenario = { machine: { cores: 2 }, runtime: { workers: 2 }, template: { partitions: 4 } };
  assert.deepEqual(parseVary('/machine/cores+/runtime/workers=1..3'), {
    pointer: '/machine/cores',
    also: ['/runtime/workers'],
    values: [1, 2, 3],
  });
  for (const bad of ['/machine/cores+=1', '/machine/cores+runtime/workers=1'])
    assert.throws(() => parseVary(bad), codeOf('DS1601'), bad);
  assert.throws(
    () => buildAxes(scenario, [parseVary('/machine/cores+/runtime/nope=1,2')], 's.json'),
    (e: unknown) => e instanceof InputError && e.diagnostics.length === 1 && e.diagnostics[0].pointer === '/runtime/nope',
  );
  const axes = buildAxes(
    scenario,
    [parseVary('/machine/cores+/runtime/workers=1,8'), parseVary('/template/partitions=1,2')],
    's.json',
  );
  assert.deepEqual(axes[0], { pointer: '/machine/cores', also: ['/runtime/workers'], label: 'cores', values: [1, 8] });
  assert.equal(expandGrid(axes).length, 4);
  assert.deepEqual(applyAxes(scenario, axes, [8, 2]), {
    machine: { cores: 8 },
    runtime: { workers: 8 },
    template: { partitions: 2 },
  });
});

test('parseShard', () => {
  assert.deepEqual(parseShard('2/3'), { index: 2, count: 3 });
  for (const bad of ['0/3', '4/3', '1', 'a/b']) assert.throws(() => parseShard(bad), codeOf('DS1604'), bad);
});
