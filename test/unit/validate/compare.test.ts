/** Comparison math: signed error, tolerances, which figures are compared, summaries, median of repeats. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Value } from '@sinclair/typebox/value';
import { ValidationDocSchema } from '../../../src/schema/validation-doc.js';
import { wasserstein } from '../../../src/validate/distance.js';
import { formatSummary, formatValidationTable } from '../../../src/validate/table.js';
import { Prng } from '../../../src/engine/prng.js';
import {
  addCoverage,
  compareDistributions,
  compareFigures,
  configParams,
  figuresOf,
  parseTolerance,
  intervalScore,
  predictionInterval,
  RUNS_FOR_90PCT,
  signedErrorPct,
  summarize,
  toleranceFor,
  type Figures,
} from '../../../src/validate/compare.js';
import {
  combineRuns,
  medianRunIndex,
  phaseDiffUs,
  plannedTimerPhaseUs,
  sourceApart,
  timerOutputs,
  timerPhaseNote,
} from '../../../src/validate/measure.js';
import { executeCommand, probeThreads, traceRecords, type ProbeRun } from '../../../src/probe/execute.js';
import { loadScenario } from '../../../src/cli/load.js';
import { simulate } from '../../../src/runtime/simulate.js';
import { validateDocument } from '../../../src/schema/validate.js';
import type { Result } from '../../../src/schema/result.js';

test('signed error: positive when the model predicts more; measured 0 gives ±100 %, never Infinity', () => {
  assert.equal(signedErrorPct(110, 100), 10);
  assert.equal(signedErrorPct(90, 100), -10);
  assert.equal(signedErrorPct(50, 200), -75);
  assert.equal(signedErrorPct(0, 0), 0);
  assert.equal(signedErrorPct(5, 0), 100);
  assert.equal(signedErrorPct(-5, 0), -100);
});

test('tolerances: a default, per kind, per metric; bad specs are returned', () => {
  const { tolerance, bad } = parseTolerance(['10%', 'p99=50%', 'elapsed:coordinator=20', 'yieldsPerRecord=30%', 'p42=1%', 'ten']);
  assert.deepEqual(bad, ['p42=1%', 'ten']);
  assert.equal(toleranceFor(tolerance, 'throughput'), 10);
  assert.equal(toleranceFor(tolerance, 'p99'), 50);
  assert.equal(toleranceFor(tolerance, 'elapsed:coordinator'), 20);
  assert.equal(toleranceFor(tolerance, 'elapsed:partition[0]'), 10);
  assert.equal(toleranceFor(tolerance, 'yieldsPerRecord'), 30);
  assert.equal(parseTolerance(['25']).tolerance.defaultPct, 25);
  assert.equal(parseTolerance(['p50=5%,p99=40%']).tolerance.byMetric.p99, 40);
});

const figs = (o: Record<string, number>): Figures => new Map(Object.entries(o).map(([k, v]) => [k, { value: v }]));

test('rows: pass/fail at the tolerance boundary, kinds filter, metrics missing on one side', () => {
  const predicted = figs({ throughput: 1100, p50: 10, p99: 30, yieldsPerRecord: 0, 'elapsed:a': 1000, 'elapsed:b': 500 });
  const measured = figs({ throughput: 1000, p50: 9.5, p99: 20, yieldsPerRecord: 0, 'elapsed:a': 1000 });
  const { tolerance } = parseTolerance(['10%']);
  const ctx = { scenario: 's', flavor: 'current_thread', model: 'm', tolerance };
  const { rows, missing } = compareFigures(predicted, measured, ctx);
  assert.deepEqual(
    rows.map((r) => [r.metric, r.errorPct, r.pass]),
    [
      ['throughput', 10, true],
      ['p50', 5.26, true],
      ['p99', 50, false],
      ['elapsed:a', 0, true],
    ],
    'yields 0 vs 0 is not a comparison; exactly 10 % passes',
  );
  assert.deepEqual(missing, ['elapsed:b']);
  const only = compareFigures(predicted, measured, { ...ctx, kinds: ['p99'] }).rows;
  assert.deepEqual(
    only.map((r) => r.metric),
    ['p99'],
  );
  assert.equal(rows[0].unit, 'records/s');
  assert.equal(rows[0].tolerancePct, 10);
});

test('summary: median and worst |error| per flavor and kind', () => {
  const { tolerance } = parseTolerance(['10%']);
  const rows = [
    ...compareFigures(figs({ throughput: 110, p50: 1 }), figs({ throughput: 100, p50: 2 }), {
      scenario: 'a',
      flavor: 'current_thread',
      model: 'm',
      tolerance,
    }).rows,
    ...compareFigures(figs({ throughput: 98 }), figs({ throughput: 100 }), {
      scenario: 'b',
      flavor: 'current_thread',
      model: 'm',
      tolerance,
    }).rows,
    ...compareFigures(figs({ throughput: 130 }), figs({ throughput: 100 }), {
      scenario: 'c',
      flavor: 'multi_thread',
      model: 'm',
      tolerance,
    }).rows,
  ];
  const s = summarize(rows);
  const ct = s.find((l) => l.flavor === 'current_thread' && l.kind === 'throughput');
  assert.equal(ct?.n, 2);
  assert.equal(ct?.medianAbsPct, 6);
  assert.deepEqual(ct?.worst, { scenario: 'a', metric: 'throughput', errorPct: 10 });
  assert.equal(s.find((l) => l.kind === 'p50')?.failed, 1);
  assert.equal(s.find((l) => l.flavor === 'multi_thread')?.medianAbsPct, 30);
});

test('figures of a simulated Result: throughput, p50, p99, yields, per-task elapsed', () => {
  const { plan, model } = loadScenario('scenarios/validation/ct-await-1p.json');
  const r = simulate(plan, model);
  const f = figuresOf(r);
  assert.deepEqual([...f.keys()], ['throughput', 'yieldsPerRecord', 'p50', 'p99', 'elapsed:coordinator', 'elapsed:partition[0]']);
  assert.equal(f.get('p50')?.value, r.latencyUs.p50);
});

test('wasserstein: a shift is the shift, a swap of mass between modes is small, bounded below by the means', () => {
  // b is a shifted by 1 µs: the distance is 1 µs.
  const a = [
    [1000, 3],
    [2000, 1],
  ] as const;
  const b = [
    [3000, 1],
    [2000, 3],
  ] as const;
  assert.deepEqual(wasserstein(a, b), { distanceUs: 1, meanAUs: 1.25, meanBUs: 2.25 });
  // Two modes at 1 and 10 µs, 55/45 vs 45/55: the p50 jumps from 1 to 10 µs, the distance is
  // 10 % of the mass moved 9 µs = 0.9 µs.
  const bimodalA = [
    [1000, 55],
    [10000, 45],
  ] as const;
  const bimodalB = [
    [1000, 45],
    [10000, 55],
  ] as const;
  const d = wasserstein(bimodalA, bimodalB);
  assert.ok(d && Math.abs(d.distanceUs - 0.9) < 1e-9, `${d?.distanceUs}`);
  assert.ok(d.distanceUs >= Math.abs(d.meanAUs - d.meanBUs) - 1e-9);
  assert.equal(wasserstein(a, a)?.distanceUs, 0);
  assert.equal(wasserstein([], b), undefined);
});

test('compareDistributions: means side by side, the distance as % of the measured mean, signed, only when asked for', () => {
  const { tolerance } = parseTolerance(['10%', 'dist=25%']);
  const ctx = { scenario: 's', flavor: 'current_thread', model: 'm', tolerance };
  const bimodal = (fast: number) =>
    [
      [1000, fast],
      [10000, 100 - fast],
    ] as const;
  // p50 1 µs vs 10 µs (−90 %), but only 10 % of the records moved 9 µs: 0.9 / 5.95 µs = 15.1 %.
  const row = compareDistributions(bimodal(55), bimodal(45), ctx);
  assert.ok(row);
  assert.equal(row.metric, 'dist');
  assert.equal(row.predicted, 5.05);
  assert.equal(row.measured, 5.95);
  assert.equal(row.errorPct, -15.13);
  assert.equal(row.tolerancePct, 25);
  assert.equal(row.pass, true);
  assert.ok(Value.Check(ValidationDocSchema, [row]), 'a valid validation document row');
  assert.equal(compareDistributions(bimodal(45), bimodal(55), ctx)?.errorPct, 17.82, 'positive: the model is slower');
  assert.equal(compareDistributions(bimodal(1), bimodal(1), { ...ctx, kinds: ['p50'] }), undefined);
  assert.match(formatValidationTable([row]), /\| dist +\| µs \(mean\) \| 5\.05 +\| 5\.95 +\| -15\.1% \| 25% \| ok/);
});

test('combineRuns: the median of each figure, spread kept in outputs, a schema-valid Result', () => {
  const { plan, model } = loadScenario('scenarios/validation/ct-await-1p.json');
  const base = simulate(plan, model);
  const run = (tput: number, p50: number): Result => ({
    ...structuredClone(base),
    source: 'measured',
    throughput: { recordsPerSec: tput },
    latencyUs: { ...base.latencyUs, p50 },
  });
  const r = combineRuns([run(300, 9), run(100, 7), run(200, 30)], plan);
  assert.equal(r.source, 'measured');
  assert.equal(r.throughput.recordsPerSec, 200);
  assert.equal(r.latencyUs.p50, 9, 'each figure has its own median');
  assert.equal(r.outputs['spread.throughput.min'], 100);
  assert.equal(r.outputs['spread.p50.max'], 30);
  assert.deepEqual(validateDocument('result', r, 'combined'), []);
});

test('combineRuns keeps every repeat as a run set, with its regimes (DS3020) when the repeats split', () => {
  const { plan, model } = loadScenario('scenarios/validation/ct-await-1p.json');
  const base = simulate(plan, model);
  const run = (p50: number): Result => ({ ...structuredClone(base), source: 'measured', latencyUs: { ...base.latencyUs, p50 } });
  const r = combineRuns([run(500), run(77_000), run(59_000)], plan);
  assert.deepEqual(r.runs?.metrics.p50Us.values, [500, 77_000, 59_000]);
  assert.equal(r.runs?.count, 3);
  assert.deepEqual(
    r.runs?.regimes?.groups.map((g) => g.runs),
    [[1, 2], [0]],
  );
  assert.match(r.warnings.find((w) => w.code === 'DS3020')?.message ?? '', /2 of 3 runs: p50 ≈ 68 ms; 1 of 3: ≈ 500 µs/);
  assert.deepEqual(validateDocument('result', r, 'combined'), []);
});

test("coverage: the share of measured runs inside the predicted runs' prediction interval, beside the error of medians", () => {
  const { plan, model } = loadScenario('scenarios/validation/ct-await-1p.json');
  const base = simulate(plan, model);
  const withRuns = (p50s: number[], source: Result['source']): Result => ({
    ...structuredClone(base),
    source,
    runs: {
      count: p50s.length,
      representative: 0,
      metrics: { p50Us: { values: p50s, median: 0, p10: 0, p90: 0 } },
    },
  });
  // 5 predicted runs 100..120 µs: the interval is min–max (j = 1), nominal 4/6 = 66.7 %.
  const predicted = withRuns([100, 105, 110, 115, 120], 'simulated');
  const measured = withRuns([102, 118, 125, 90], 'measured');
  const ctx = { scenario: 's', flavor: 'current_thread', model: 'm', tolerance: { defaultPct: 10, byMetric: {} } };
  const rows = compareFigures(new Map([['p50', { value: 110 }]]), new Map([['p50', { value: 110 }]]), ctx).rows;
  addCoverage(rows, predicted, measured);
  assert.equal(rows[0].predictedP5, 100);
  assert.equal(rows[0].predictedP95, 120);
  assert.equal(rows[0].coveragePct, 50, '102 and 118 inside, 125 and 90 outside');
  assert.equal(rows[0].coverageNominalPct, 66.7);
  assert.equal(rows[0].coverageBelowPct, 25);
  assert.equal(rows[0].coverageAbovePct, 25);
  assert.equal(rows[0].predictedRuns, 5);
  assert.equal(rows[0].repeats, 4, 'the measured runs counted, also when the measurement came from a file');
  assert.ok(Value.Check(ValidationDocSchema, rows));
  assert.match(formatValidationTable(rows), /100–120 \(5\) +\| 50% of 4 \(66\.7%\) 25\/25%/);
  const sum = summarize(rows)[0];
  assert.equal(sum.coveragePct, 50);
  assert.equal(sum.coverageNominalPct, 66.7);
  assert.match(formatSummary(rows), /\| 50% \(66\.7%\), 25% \/ 25% \|/);
  // One predicted run, or a measurement without per-run values: no coverage.
  const bare = compareFigures(new Map([['p50', { value: 110 }]]), new Map([['p50', { value: 110 }]]), ctx).rows;
  addCoverage(bare, withRuns([110], 'simulated'), measured);
  addCoverage(bare, predicted, base);
  assert.equal(bare[0].coveragePct, undefined);
});

test('prediction interval: order statistics X(j), X(n+1−j); nominal (n+1−2j)/(n+1), 90 % from 19 runs', () => {
  assert.deepEqual(predictionInterval([5, 1, 4, 2, 3, 8, 7, 6]), { lo: 1, hi: 8, j: 1, nominalPct: (100 * 7) / 9 });
  const n19 = Array.from({ length: 19 }, (_, i) => 19 - i);
  assert.deepEqual(predictionInterval(n19), { lo: 1, hi: 19, j: 1, nominalPct: 90 });
  assert.equal(RUNS_FOR_90PCT, 19);
  const n39 = Array.from({ length: 39 }, (_, i) => i);
  assert.deepEqual(predictionInterval(n39), { lo: 1, hi: 37, j: 2, nominalPct: 90 });
});

test('a right model covers the nominal share: measured and predicted runs drawn from one distribution', () => {
  // The honesty check of the coverage figure: when the model is exactly right, the mean coverage
  // must come out at the nominal level printed beside it, for any n (the sample p5–p95 of 8 runs
  // covered about 70 %, of 19 about 81 %: read against "90 %" it blamed a right model).
  const prng = new Prng(11, 'coverage-honesty');
  const ctx = { scenario: 's', flavor: 'current_thread', model: 'm', tolerance: { defaultPct: 10, byMetric: {} } };
  const { plan, model } = loadScenario('scenarios/validation/ct-await-1p.json');
  const base = simulate(plan, model);
  const runsOf = (values: number[]): Result => ({
    ...base,
    runs: { count: values.length, representative: 0, metrics: { p50Us: { values, median: 0, p10: 0, p90: 0 } } },
  });
  // A skewed (log-normal) run-to-run distribution, as latencies are.
  const draw = () => 100 * Math.exp(0.3 * prng.normal());
  for (const n of [8, 19]) {
    const trials = 3000;
    let covered = 0;
    let nominal = 0;
    for (let t = 0; t < trials; t++) {
      const rows = compareFigures(new Map([['p50', { value: 1 }]]), new Map([['p50', { value: 1 }]]), ctx).rows;
      addCoverage(rows, runsOf(Array.from({ length: n }, draw)), runsOf(Array.from({ length: 7 }, draw)));
      covered += rows[0].coveragePct!;
      nominal = rows[0].coverageNominalPct!;
    }
    const mean = covered / trials;
    assert.ok(Math.abs(mean - nominal) < 2, `n = ${n}: mean coverage ${mean.toFixed(1)} % vs nominal ${nominal} %`);
  }
});

test("timer phase: the plan's grid in the scenario's convention, medians on the circle, a note past 20 µs", () => {
  const { plan, model } = loadScenario('scenarios/validation/ct-sleep-2p.json');
  assert.equal(plannedTimerPhaseUs(plan), 0, 'absent = aligned');
  // timerPhaseUs 300 = ticks at 700 µs + k ms of scenario time.
  const shifted = { ...plan, runtime: { ...plan.runtime, timerPhaseNs: 700_000 } };
  assert.equal(plannedTimerPhaseUs(shifted), 300);
  assert.equal(phaseDiffUs(999, 1), -2);
  assert.equal(phaseDiffUs(1, 999), 2);
  assert.equal(phaseDiffUs(320, 300), 20);
  const base = simulate(plan, model);
  const run = (phase: number, gap: number): Result => ({
    ...structuredClone(base),
    source: 'measured',
    outputs: { 'measure.timerPhaseUs': phase, 'measure.timerStartUncertaintyUs': gap, 'measure.timerStartUs': gap / 2 },
  });
  // Around 0 the runs' phases straddle the wrap: their median is near 0, not near 500.
  const out = timerOutputs([run(999.5, 10), run(0.25, 2), run(0.5, 3)], plan);
  assert.deepEqual(out, { 'measure.timerPhaseUs': 0.25, 'measure.timerStartUncertaintyUs': 3, 'measure.timerStartUs': 1.5 });
  assert.deepEqual(timerOutputs([structuredClone(base)], plan), {}, 'an older probe reports nothing');
  const combined = combineRuns([run(300.5, 40), run(299.5, 60), run(300, 50)], shifted);
  assert.equal(combined.outputs['measure.timerPhaseUs'], 300);
  assert.equal(timerPhaseNote(shifted, combined), undefined);
  const off = combineRuns([run(340, 40)], shifted);
  assert.match(timerPhaseNote(shifted, off) ?? '', /phase 340 µs .* plan's is 300 µs \(\+40 µs; .* took 40 µs\)/);
  assert.equal(timerPhaseNote(plan, combineRuns([run(985, 40)], plan)), undefined, '15 µs before the tick is within 20 µs');
});

test('validation rows record the configuration they measured, so a report can place them on sweep axes', () => {
  const scenario = {
    machine: { cores: 2 },
    runtime: { flavor: 'multi_thread', workers: 2 },
    template: { kind: 'pipeline', partitions: 4 },
  };
  assert.deepEqual(configParams(scenario), { '/machine/cores': 2, '/runtime/workers': 2, '/template/partitions': 4 });
  assert.deepEqual(configParams({ runtime: { flavor: 'current_thread' } }), {});
});

test('a traced run: polls become trace records named by task, tokio workers numbered by first poll', () => {
  const { plan } = loadScenario('scenarios/validation/mt-await-2p.json');
  const { records, names } = traceRecords(
    {
      threads: ['tokio-runtime-worker', 'tokio-runtime-worker', 'main'],
      spans: [
        [0, 0, 1000, 1500],
        [1, 1, 1200, 99_200],
        [2, 2, 2000, 2100],
      ],
      dropped: 0,
    },
    plan,
  );
  assert.deepEqual(names, ['tokio-runtime-worker #1', 'tokio-runtime-worker #2', 'main']);
  assert.deepEqual(
    records.map((r) => [r.task, 'thread' in r ? r.thread : -1, r.startNs, r.endNs]),
    plan.tasks.slice(0, 3).map((t, i) => [t.name, i, [1000, 1200, 2000][i], [1500, 99_200, 2100][i]]),
  );
  // The probe is asked for the polls only when tracing.
  const o = { repeat: 3, warmup: 1, timeoutS: 60 };
  assert.ok(!executeCommand('probe', 'p.json', o).args.includes('--trace-spans'));
  assert.deepEqual(executeCommand('probe', 'p.json', { ...o, traceSpans: 500 }).args.slice(-2), ['--trace-spans', '500']);
  // The source thread is placed only when asked (the CLI's default asks).
  assert.ok(!executeCommand('probe', 'p.json', { ...o, place: 'os' }).args.includes('--place'));
  assert.deepEqual(executeCommand('probe', 'p.json', { ...o, place: 'apart' }).args.slice(-2), ['--place', 'apart']);
});

test('the median run: the middle throughput (the lower of the two middles)', () => {
  const { plan, model } = loadScenario('scenarios/validation/ct-await-1p.json');
  const base = simulate(plan, model);
  const at = (tput: number): Result => ({ ...base, throughput: { recordsPerSec: tput } });
  assert.equal(medianRunIndex([at(300), at(100), at(200)]), 2);
  assert.equal(medianRunIndex([at(400), at(100), at(300), at(200)]), 3);
  assert.equal(medianRunIndex([at(5)]), 0);
});

/** The `probe` part of a probe result line: nothing late or dropped; `sched` and `placement` as given. */
function probeSection(sched: ProbeRun['probe']['sched'], placement?: 'apart' | 'os' | 'none'): ProbeRun['probe'] {
  return {
    sourceLatenessUs: { p50: 0, p99: 0, max: 0 },
    droppedBatches: 0,
    wallMs: 1,
    sched,
    ...(placement ? { placement } : {}),
  };
}

test('source placement: measure.sourceApart only when every run placed it apart, the table says apart/os', () => {
  const probeRun = (placement?: 'apart' | 'os' | 'none') =>
    ({ probe: probeSection(null, placement) }) as unknown as Parameters<typeof sourceApart>[0][number];
  assert.equal(sourceApart([probeRun('apart'), probeRun('apart')]), 1);
  assert.equal(sourceApart([probeRun('apart'), probeRun('os')]), 0);
  assert.equal(sourceApart([probeRun('none')]), undefined, 'no source thread');
  assert.equal(sourceApart([probeRun()]), undefined, 'an older probe');
  const row = { scenario: 's', metric: 'p50', predicted: 1, measured: 1, errorPct: 0 };
  const table = formatValidationTable([{ ...row, sourceApart: true }, { ...row, sourceApart: false }, row]);
  const cells = table
    .trim()
    .split('\n')
    .slice(2)
    .map((l) => l.split('|').at(-2)!.trim());
  assert.deepEqual(cells, ['apart', 'os', '']);
  assert.ok(Value.Check(ValidationDocSchema, [{ ...row, sourceApart: true }]));
});

test("cpu wait (DS1811) is put on the probe's own threads when they outnumber the CPUs, else on other processes", () => {
  const { plan: mt, model } = loadScenario('scenarios/validation/mt-await-4p-blockon.json');
  const { plan: ct } = loadScenario('scenarios/validation/ct-await-1p.json');
  assert.equal(probeThreads(mt), 4, '2 workers + the block_on thread + the source');
  assert.equal(probeThreads(ct), 2);
  const busy = probeSection({ cpuMs: 70, runQueueWaitMs: 30 });
  const ds1811 = (plan: typeof mt, cpus?: number) => {
    const r = simulate(plan, model);
    const c = combineRuns([r], plan, [{ result: r, probe: busy }], cpus);
    return c.warnings.find((w) => w.code === 'DS1811')?.message ?? '';
  };
  assert.match(ds1811(mt, 2), /its own 4 threads \(runtime and sources\) share 2 CPU\(s\)/);
  assert.match(ds1811(ct, 2), /the machine was busy: .*other processes' load/);
  assert.match(ds1811(mt), /the machine was busy/, 'CPU count unknown: as before');
});

test('interval score: log width plus 2/α × each miss; a right spread scores best, too narrow or too wide worse', () => {
  // [100, 200] as a 90 % interval: width ln 2; 400 lies ln 2 above it, charged 20 × ln 2.
  const w = Math.log(2);
  assert.ok(Math.abs(intervalScore(100, 200, [150], 0.1)! - 100 * w) < 1e-9);
  assert.ok(Math.abs(intervalScore(100, 200, [150, 400], 0.1)! - (100 * (2 * w + 20 * w)) / 2) < 1e-9);
  assert.equal(intervalScore(0, 200, [150], 0.1), undefined, 'the log scale needs positive values');
  // Properness, as validate uses it: measured runs from one log-normal, predicted runs from a
  // log-normal of the right spread, half of it, and twice it (19 runs: min–max, α = 0.1).
  const prng = new Prng(5, 'interval-score');
  const mean = (sd: number) => {
    let s = 0;
    const trials = 2000;
    for (let t = 0; t < trials; t++) {
      const p = Array.from({ length: 19 }, () => 100 * Math.exp(sd * prng.normal()));
      const m = Array.from({ length: 7 }, () => 100 * Math.exp(0.2 * prng.normal()));
      const { lo, hi, nominalPct } = predictionInterval(p);
      s += intervalScore(lo, hi, m, 1 - nominalPct / 100)!;
    }
    return s / trials;
  };
  const right = mean(0.2);
  assert.ok(mean(0.1) > right * 1.2, `too narrow ${mean(0.1)} vs right ${right}`);
  assert.ok(mean(0.4) > right * 1.2, `too wide ${mean(0.4)} vs right ${right}`);
  // In the rows and the summary.
  const { plan, model } = loadScenario('scenarios/validation/ct-await-1p.json');
  const base = simulate(plan, model);
  const runsOf = (values: number[]): Result => ({
    ...base,
    runs: { count: values.length, representative: 0, metrics: { p50Us: { values, median: 0, p10: 0, p90: 0 } } },
  });
  const ctx = { scenario: 's', flavor: 'current_thread', model: 'm', tolerance: { defaultPct: 10, byMetric: {} } };
  const rows = compareFigures(new Map([['p50', { value: 150 }]]), new Map([['p50', { value: 150 }]]), ctx).rows;
  addCoverage(rows, runsOf([100, 120, 150, 180, 200]), runsOf([150, 400]));
  // 5 runs: min–max, nominal 4/6, α = 1/3: (2 ln 2 + 6 ln 2) / 2 × 100.
  assert.equal(rows[0].intervalScore, Math.round(10 * ((100 * 8 * w) / 2)) / 10);
  assert.ok(Value.Check(ValidationDocSchema, rows));
  assert.equal(summarize(rows)[0].intervalScore, rows[0].intervalScore);
  assert.match(formatSummary(rows), new RegExp(`\\| ${rows[0].intervalScore!.toFixed(1)} \\|$`, 'm'));
});
