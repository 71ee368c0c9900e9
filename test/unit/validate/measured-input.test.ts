/** `--measured` input: a Result document or a metric,value CSV, with located errors. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseMeasuredCsv, parseMetricValue, readMeasured } from '../../../src/validate/measured-input.js';
import { InputError } from '../../../src/schema/diagnostics.js';

const FIX = 'test/fixtures/validate';

test('values with units: time metrics in µs, throughput in records/s', () => {
  assert.equal(parseMetricValue('p50', '12.5'), 12.5);
  assert.equal(parseMetricValue('p50', '12.5us'), 12.5);
  assert.equal(parseMetricValue('p99', '2ms'), 2000);
  assert.equal(parseMetricValue('p99', '1500ns'), 1.5);
  assert.equal(parseMetricValue('elapsed:coordinator', '0.3s'), 300000);
  assert.equal(parseMetricValue('throughput', '200k/s'), 200000);
  assert.equal(parseMetricValue('throughput', '1.5M'), 1500000);
  assert.equal(parseMetricValue('throughput', '12ms'), undefined, 'a time is not a rate');
  assert.equal(parseMetricValue('yieldsPerRecord', '3'), 3);
  assert.equal(parseMetricValue('p50', 'fast'), undefined);
});

test('CSV: header, comments, optional min/max columns', () => {
  const f = readMeasured(`${FIX}/study-yield.csv`).figures;
  assert.deepEqual(f.get('throughput'), { value: 319000, min: 291000, max: 326000 });
  assert.deepEqual(f.get('p50'), { value: 2.95, min: 2.92, max: 3.03 });
  assert.deepEqual(f.get('elapsed:yielder'), { value: 15700 });
  assert.equal(f.get('yieldsPerRecord')?.value, 1);
});

test('CSV: every bad line is reported with its line number', () => {
  // `dist` compares distributions: a CSV line cannot hold one.
  const text = 'metric,value\nthroughput,12k\np50\nlatency,3\np99,soon\ndist,5\n';
  assert.throws(
    () => parseMeasuredCsv(text, 'm.csv'),
    (e: unknown) =>
      e instanceof InputError && e.diagnostics.map((d) => `${d.code}@${d.line}`).join() === 'DS1802@3,DS1803@4,DS1802@5,DS1803@6',
  );
});

test('a measured Result: its figures and the spread measure stored with it', () => {
  const { figures, result } = readMeasured(`${FIX}/study-context-switching.measured.json`);
  assert.equal(result?.source, 'measured');
  const p50 = figures.get('p50');
  assert.equal(p50?.value, result?.latencyUs.p50);
  assert.ok(p50?.min !== undefined && p50.max !== undefined && p50.min <= p50.value && p50.value <= p50.max);
  assert.ok(figures.has('elapsed:worker7'));
});

test('a Result that is not schema-valid is rejected with located diagnostics', () => {
  assert.throws(
    () => readMeasured('test/fixtures/calibrate/criterion-mapping.json'),
    (e: unknown) => e instanceof InputError && e.diagnostics.length > 0,
  );
});
