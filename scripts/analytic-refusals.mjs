// Runs `analyze` over every bundled scenario (scenarios/) and counts its refusals by code, with
// each refused scenario's reason (--list): the figure #19 asks for before and after a change to
// the analytic model. With --grid, the same count over generated coordinator-as-task programs
// (no source; a block_on or spawned task paces its sends by sleeping or yielding): 384 variants
// of flavor × tokio × pace × a sleep before closing × how the consumer waits × one or two
// consumers. Needs a build (`npm run build`); --dist DIR counts with another build's dist/.
// Usage: node scripts/analytic-refusals.mjs [--list] [--grid] [--dist DIR]
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const args = process.argv.slice(2);
const list = args.includes('--list');
const grid = args.includes('--grid');
const distArg = args.indexOf('--dist');
const dist = resolve(distArg >= 0 ? args[distArg + 1] : join(import.meta.dirname, '..', 'dist'));
const load = (p) => import(pathToFileURL(join(dist, p)).href);
const { loadScenario, planScenario } = await load('src/cli/load.js');
const { analyze } = await load('src/analytic/analyze.js');
const { InputError } = await load('src/schema/diagnostics.js');
const { ROOT, listJson, model } = await load('test/helpers.js');

function coordinatorTask(v) {
  const send = (ch) => ({ op: 'send', channel: ch, records: 10 });
  const chans = v.consumers === 2 ? ['p0', 'p1'] : ['p0'];
  const sends = chans.map(send);
  const body = v.pace === 'none' ? sends : v.first === 'send' ? [...sends, v.paceOp] : [v.paceOp, ...sends];
  const rec = [...(v.consumer === 'record_start' ? [{ op: 'record_start' }] : []), { op: 'compute', cost: 1 }, { op: 'record_end' }];
  const wait =
    v.consumer === 'yield_spin' ? [{ kind: 'yield_spin' }] : v.consumer === 'backoff' ? [{ kind: 'spin', us: 100 }, { kind: 'sleep', us: 10 }] : undefined;
  const tasks = {
    coordinator: {
      start: 'block_on',
      program: [
        ...chans.map((_, i) => ({ op: 'spawn', task: `c${i}` })),
        { op: 'repeat', n: 50, body },
        ...(v.tail ? [{ op: 'sleep', us: 20000 }] : []),
        ...chans.map((channel) => ({ op: 'close', channel })),
        ...chans.map((_, i) => ({ op: 'join', task: `c${i}` })),
      ],
    },
  };
  chans.forEach((ch, i) => {
    tasks[`c${i}`] = { start: 'child', program: [{ op: 'while_open', channel: ch, ...(wait ? { wait } : {}), body: [{ op: 'for_each_record', body: rec }] }] };
  });
  return {
    name: 'coordinator-task-grid',
    runtime: { flavor: v.flavor, ...(v.flavor === 'multi_thread' ? { workers: 2 } : {}), tokio: v.tokio, driver: 'timer' },
    machine: { cores: 2, noise: false },
    channels: Object.fromEntries(chans.map((c) => [c, { kind: v.consumer === 'backoff' ? 'lockfree' : 'unbounded' }])),
    tasks,
  };
}

function* gridVariants() {
  const paces = [
    ['sleep', 'pace', { op: 'sleep', us: 1000 }],
    ['sleep', 'send', { op: 'sleep', us: 1000 }],
    ['yield', 'pace', { op: 'yield' }],
    ['yield', 'send', { op: 'yield' }],
    ['yield3', 'pace', { op: 'repeat', n: 3, body: [{ op: 'yield' }] }],
    ['none', 'send', undefined],
  ];
  for (const flavor of ['current_thread', 'multi_thread'])
    for (const tokio of ['1.24', '1.53'])
      for (const [pace, first, paceOp] of paces)
        for (const tail of [false, true])
          for (const consumer of ['await', 'record_start', 'yield_spin', 'backoff'])
            for (const consumers of [1, 2]) yield { flavor, tokio, pace, first, paceOp, tail, consumer, consumers };
}

const byCode = new Map();
let total = 0;
const note = (code, row) => {
  const rows = byCode.get(code) ?? [];
  rows.push(row);
  byCode.set(code, rows);
};
const attempt = (plan, m, row) => {
  try {
    analyze(plan, m);
    note('answered', row);
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    for (const d of e.diagnostics) note(d.code, `${row}: ${d.message}`);
  }
};
if (grid) {
  const m = model();
  for (const v of gridVariants()) {
    total++;
    const { paceOp: _p, ...shown } = v;
    attempt(planScenario(coordinatorTask(v), m), m, JSON.stringify(shown));
  }
} else
  for (const rel of listJson('scenarios')) {
    total++;
    const { plan, model: m } = loadScenario(join(ROOT, rel));
    attempt(plan, m, rel);
  }
const refused = [...byCode].filter(([c]) => c !== 'answered').reduce((s, [, r]) => s + r.length, 0);
process.stdout.write(`${refused} of ${total} ${grid ? 'generated coordinator-as-task programs' : 'bundled scenarios'} refused by analyze (${dist})\n`);
for (const [code, rows] of [...byCode].sort()) {
  process.stdout.write(`  ${code}: ${rows.length}\n`);
  if (list) for (const r of rows) process.stdout.write(`    ${r}\n`);
}
