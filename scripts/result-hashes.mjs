// Byte-identity across builds (issue 20): hash every bundled scenario's Result under ten variants
// (fast-forward on/off, noise on/off, another seed, an event limit with and without noise, a trace,
// tokio 1.53 with and without noise), plus synthetic yield-spinner cases the bench's hot path runs
// (current_thread and multi_thread, 1.24 and 1.53, with and without records' compute cost). Wall
// time and events/s are left out; engine.events and the fast-forward's jumps are kept.
//
//   node scripts/result-hashes.mjs <root> [filter] > hashes.txt
//
// <root> is a checkout with dist/ built (a copy of another commit's tree: compare two outputs with
// diff). Slow: ~10 min for everything on the shared 2-core machine; a filter (a substring of the
// scenario path, or 'synthetic') runs a part.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(process.argv[2] ?? '.');
const filter = process.argv[3] ?? '';
const { loadScenario } = await import(join(root, 'dist/src/cli/load.js'));
const { simulate, simulateWithTrace } = await import(join(root, 'dist/src/runtime/simulate.js'));
const { normalizeScenario } = await import(join(root, 'dist/src/plan/normalize.js'));

function list(d) {
  const out = [];
  for (const f of readdirSync(d).sort()) {
    const p = join(d, f);
    if (statSync(p).isDirectory()) out.push(...list(p));
    else if (f.endsWith('.json')) out.push(p);
  }
  return out;
}
const h = (v) => createHash('sha256').update(JSON.stringify(v)).digest('hex').slice(0, 12);
const strip = (r) => {
  const { wallMs: _w, eventsPerSec: _e, ...e } = r.engine;
  const s = { ...r, engine: e };
  if (s.scenario) s.scenario = { ...s.scenario, file: undefined };
  if (s.model) s.model = { ...s.model, file: undefined };
  return s;
};
const variants = [
  ['default', {}, {}],
  ['step', {}, { fastForward: false }],
  ['quiet', { noise: false }, {}],
  ['quiet-step', { noise: false }, { fastForward: false }],
  ['seed7', { seed: 7 }, {}],
  ['ev', { noise: false }, { maxEvents: 40_009 }],
  ['ev-noise', {}, { maxEvents: 77_777, fastForward: false }],
  ['trace', {}, { traceSpans: 3001 }],
  ['t153', { tokio: '1.53', noise: false }, {}],
  ['t153n', { tokio: '1.53' }, { fastForward: false }],
];

function one(run) {
  try {
    return h(run());
  } catch (e) {
    return h({ err: String(e.message ?? e).slice(0, 200) });
  }
}

const t0 = Date.now();
let n = 0;
if (filter !== 'synthetic') {
  for (const f of list(join(root, 'scenarios')).filter((f) => f.includes(filter))) {
    const parts = [];
    for (const [name, lo, so] of variants) {
      parts.push(
        `${name}=${one(() => {
          const { plan, model } = loadScenario(f, undefined, lo.seed, lo.noise, lo.tokio);
          if (so.traceSpans) {
            const x = simulateWithTrace(plan, model, so);
            return { res: strip(x.result), spans: x.spans, tr: x.truncated };
          }
          return strip(simulate(plan, model, so));
        })}`,
      );
    }
    console.log(f.slice(root.length + 1), parts.join(' '));
    n++;
  }
}

// Synthetic yield spinners: the bench's case at small sizes, the idealised machine and with noise.
if (filter === '' || filter === 'synthetic') {
  const models = {
    1.24: JSON.parse(readFileSync(join(root, 'models/tokio-1.24-2vcpu-release.json'), 'utf8')),
    1.53: JSON.parse(readFileSync(join(root, 'models/tokio-1.53-2vcpu-release.json'), 'utf8')),
  };
  for (const tokio of ['1.24', '1.53'])
    for (const workers of [0, 1, 2, 3])
      for (const tasks of [1, 3, 8, 70])
        for (const recordCost of [undefined, 0.2]) {
          const runtime = workers === 0 ? { flavor: 'current_thread' } : { flavor: 'multi_thread', workers };
          const s = {
            name: `synthetic/yield-${workers}w-${tasks}t`,
            runtime: { ...runtime, tokio },
            machine: { cores: 2 },
            template: { kind: 'multi_yield', tasks, records: 300, yieldsPerRecord: 7, ...(recordCost ? { recordCost } : {}) },
          };
          const parts = [];
          for (const [name, noise, so] of [
            ['quiet-step', false, { fastForward: false }],
            ['quiet', false, {}],
            ['noise', true, { fastForward: false }],
            ['ev', false, { maxEvents: 9_001, fastForward: false }],
            ['trace', false, { traceSpans: 501 }],
          ]) {
            parts.push(
              `${name}=${one(() => {
                const model = models[tokio];
                const plan = normalizeScenario(s, { model, noise });
                if (so.traceSpans) {
                  const x = simulateWithTrace(plan, model, so);
                  return { res: strip(x.result), spans: x.spans, tr: x.truncated };
                }
                return strip(simulate(plan, model, so));
              })}`,
            );
          }
          console.log(`${s.name}-${tokio}${recordCost ? '-cost' : ''}`, parts.join(' '));
          n++;
        }
}
console.error(`done ${n} cases in ${Date.now() - t0} ms`);
