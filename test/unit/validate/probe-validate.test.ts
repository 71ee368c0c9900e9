/**
 * Integration: builds the Rust probe (offline against Debian's crates where installed) and runs
 * `measure` and `validate` on real tokio. This is CI's smoke test: a small subset, one run each,
 * a tolerance generous enough never to flake on a loaded 2-vCPU machine; it checks that the
 * pipeline works and that exact figures (record counts) agree, not the model's accuracy — the
 * tight figures live in docs/accuracy.md. A missing cargo fails them (requirements.ts); skipped
 * only on purpose, with DISPATCHSIM_TEST_SKIP=probe.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { main } from '../../../src/cli/main.js';
import { loadScenario } from '../../../src/cli/load.js';
import { simulate } from '../../../src/runtime/simulate.js';
import { validateDocument } from '../../../src/schema/validate.js';
import { classifyDocument } from '../../../src/report/inputs.js';
import type { Result } from '../../../src/schema/result.js';
import type { ValidationDoc } from '../../../src/schema/validation-doc.js';
import { requirement } from '../../requirements.js';

const PROBE = requirement('probe');
const skip = PROBE.skip;
const SUBSET = ['scenarios/validation/ct-await-1p.json', 'scenarios/validation/mt-await-2p.json'];

test(
  'measure: a schema-valid measured Result that processed every record of the plan, and its poll trace',
  { skip, timeout: 300_000 },
  async () => {
    PROBE.check();
    const dir = mkdtempSync(join(tmpdir(), 'ds-measure-'));
    const out = join(dir, 'm.json');
    const traceFile = join(dir, 'trace.json');
    const code = await main(['measure', SUBSET[0], '--repeat', '2', '--warmup', '0', '--out', out, '--trace', traceFile]);
    assert.equal(code, 0);
    // The real run's polls as a Chrome trace the report reads: every poll a task of the plan, on
    // the one thread a current_thread runtime has; the source's sends (where latencies start)
    // as instant events on the source's own thread, one per batch.
    const trace = JSON.parse(readFileSync(traceFile, 'utf8')) as {
      traceEvents: { ph: string; name: string; ts?: number; dur?: number; tid: number }[];
    };
    assert.equal(classifyDocument(trace, traceFile).kind, 'trace');
    const spans = trace.traceEvents.filter((e) => e.ph === 'X');
    const polls = spans;
    const sends = trace.traceEvents.filter((e) => e.ph === 'i' && e.name === 'batch sent');
    assert.ok(polls.length >= 2, `${polls.length} polls`);
    assert.deepEqual([...new Set(polls.map((e) => e.name))].sort(), ['coordinator', 'partition[0]']);
    assert.equal(new Set(polls.map((e) => e.tid)).size, 1, 'one runtime thread');
    const { plan: p0 } = loadScenario(SUBSET[0]);
    assert.equal(sends.length, p0.sources[0].batches);
    assert.ok(sends.every((e) => e.tid !== polls[0].tid && e.dur === undefined));
    assert.ok(spans.every((e) => (e.ts ?? -1) >= 0 && (e.dur ?? -1) >= 0));
    const r = JSON.parse(readFileSync(out, 'utf8')) as Result;
    assert.deepEqual(validateDocument('result', r, out), []);
    assert.equal(r.source, 'measured');
    const { plan, model } = loadScenario(SUBSET[0]);
    const predicted = simulate(plan, model);
    assert.equal(r.records, predicted.records, 'every batch of the plan reached a partition and was processed');
    assert.equal(r.recordsInFlight, 0);
    assert.ok(r.tasks.coordinator.completed && r.tasks['partition[0]'].completed);
    assert.ok(r.latencyUs.p50 > 0 && r.latencyUs.p50 <= r.latencyUs.p99);
    // measure places the source thread apart from the runtime thread by default, and says so.
    const placed = r.warnings.filter((w) => w.code === 'DS1814').map((w) => w.message);
    assert.equal(placed.length, 1, JSON.stringify(r.warnings));
    assert.equal(r.outputs['measure.sourceApart'], availableParallelism() >= 2 ? 1 : 0);
    assert.match(
      placed[0],
      availableParallelism() >= 2
        ? /^the source thread ran on CPU \d+, the runtime's threads on CPUs [\d,]+ \(--place apart\)$/
        : /could not have a CPU of its own: 1 allowed CPUs/,
    );
  },
);

test(
  'validate on a small subset with a generous tolerance: exit 0 and a report-readable document',
  { skip, timeout: 300_000 },
  async () => {
    PROBE.check();
    const out = join(mkdtempSync(join(tmpdir(), 'ds-validate-')), 'validation.json');
    const code = await main([
      'validate',
      ...SUBSET,
      '--model',
      'models/host-release.json',
      '--repeat',
      '1',
      '--warmup',
      '0',
      '--metrics',
      'throughput,elapsed',
      '--tolerance',
      '300%',
      '--out',
      out,
    ]);
    const doc = JSON.parse(readFileSync(out, 'utf8')) as ValidationDoc;
    assert.equal(
      code,
      0,
      doc
        .filter((r) => !r.pass)
        .map((r) => `${r.scenario} ${r.metric} ${r.errorPct}%`)
        .join('; '),
    );
    assert.equal(classifyDocument(doc, out).kind, 'validation');
    assert.deepEqual([...new Set(doc.map((r) => r.flavor))].sort(), ['current_thread', 'multi_thread']);
    assert.ok(doc.some((r) => r.metric === 'throughput') && doc.some((r) => r.metric === 'elapsed:coordinator'));
  },
);

test(
  "measure honours the plan's timer phase: t = 0 placed on tokio's 1 ms grid where runtime.timerPhaseUs says",
  { skip, timeout: 300_000 },
  async () => {
    PROBE.check();
    const dir = mkdtempSync(join(tmpdir(), 'ds-phase-'));
    const scenario = JSON.parse(readFileSync('scenarios/validation/ct-sleep-2p.json', 'utf8')) as {
      model: string;
      runtime: Record<string, unknown>;
      template: { source: Record<string, unknown> };
    };
    scenario.model = resolve('models/host-release.json');
    scenario.runtime.timerPhaseUs = 300;
    scenario.template.source.batches = 10;
    writeFileSync(join(dir, 's.json'), JSON.stringify(scenario));
    const out = join(dir, 'm.json');
    const code = await main(['measure', join(dir, 's.json'), '--repeat', '2', '--warmup', '0', '--out', out]);
    assert.equal(code, 0);
    const r = JSON.parse(readFileSync(out, 'utf8')) as Result;
    assert.equal(r.outputs['measure.timerPhaseUs'], 300, 'phase against the measured start of the time driver');
    const gap = r.outputs['measure.timerStartUncertaintyUs'];
    assert.ok(gap !== undefined && gap >= 0);
    const start = r.outputs['measure.timerStartUs'];
    assert.ok(
      start !== undefined && start >= 0 && start <= gap,
      `the driver start (${start} µs) lies inside the build (${gap} µs)`,
    );
  },
);
