/**
 * `npm run bench:scenarios`: a default `dispatchsim simulate <file>` (its default run set,
 * `--runs auto`, noise as the scenario and model say) of every scenario under scenarios/, one
 * after another, each as its own process as a user runs it. Prints the wall time of each, the
 * CPU time the process used (user + system, all its threads: what the wall time would be on an
 * idle machine, give or take the worker threads' overlap), the engine's share of the wall time (the
 * Result's engine.wallMs: the run set, threads included), the runs and their events (all runs together), then the
 * slowest five against the target (under 2 s each on the 2-vCPU machine, quiet).
 *
 *   node dist/bench/scenario-times.js [--filter SUBSTRING] [--repeat N] [--keep DIR] [--against CHECKOUT]
 *
 * With --repeat N each scenario runs N times and the median wall time is reported. With --keep
 * DIR each scenario's Result (its last repeat) is kept as DIR/<path with / as __>. With --against
 * CHECKOUT (another built checkout of dispatchsim, e.g. a worktree of main) each repeat runs that
 * checkout's CLI and then this one's, alternately, so both see the same machine load; the table
 * shows both medians and their ratio, and the two Results of each scenario must be byte-identical
 * (`engine` aside: how long it took, not what it predicts). The load average is printed before and
 * after: on a shared machine the figures are only as quiet as it.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const args = process.argv.slice(2);
const opt = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const filter = opt('--filter') ?? '';
const repeat = Math.max(1, Number(opt('--repeat') ?? 1));
const keep = opt('--keep');
if (keep) mkdirSync(keep, { recursive: true });
const against = opt('--against') ? resolve(opt('--against')!) : undefined;
const TARGET_MS = 2000;

function scenarioFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...scenarioFiles(p));
    else if (name.endsWith('.json')) out.push(p);
  }
  return out;
}

/** One checkout's figures for one scenario (medians over the repeats). */
interface Side {
  wallMs: number;
  /** User + system CPU time of the whole process (every thread). */
  cpuMs: number;
  engineMs: number;
  runs: number;
  events: number;
  exit: number | null;
  /** The Result without `engine` (undefined: the CLI refused the scenario). */
  text?: string;
}
interface Row {
  file: string;
  ours: Side;
  base?: Side;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const load = () =>
  loadavg()
    .map((x) => x.toFixed(1))
    .join(', ');

const files = scenarioFiles(join(root, 'scenarios')).filter((f) => f.includes(filter));
const tmp = mkdtempSync(join(tmpdir(), 'dispatchsim-scenario-times-'));
// Preloaded into each child: writes the process's CPU time (ms, every thread) to $SCENARIO_TIMES_CPU at exit.
const CPU_HOOK =
  'data:text/javascript,' +
  encodeURIComponent(
    "import { writeFileSync } from 'node:fs'; process.on('exit', () => { const u = process.cpuUsage(); " +
      'writeFileSync(process.env.SCENARIO_TIMES_CPU, String((u.user + u.system) / 1000)); });',
  );

/** One default `simulate` of `rel` (a path relative to the checkout) by the CLI of `checkout`. */
function once(checkout: string, rel: string): Side & { resultFile?: string } {
  const cpuFile = join(tmp, 'cpu');
  const out = join(tmp, 'result.json');
  const t0 = performance.now();
  const r = spawnSync(
    process.execPath,
    ['--import', CPU_HOOK, join(checkout, 'bin/dispatchsim.js'), 'simulate', join(checkout, rel), '--out', out],
    {
      cwd: checkout,
      stdio: ['ignore', 'ignore', 'pipe'],
      encoding: 'utf8',
      env: { ...process.env, SCENARIO_TIMES_CPU: cpuFile },
    },
  );
  const wallMs = performance.now() - t0;
  let cpuMs = NaN;
  try {
    cpuMs = Number(readFileSync(cpuFile, 'utf8'));
    rmSync(cpuFile);
  } catch {
    /* the process died before its exit hook */
  }
  const side: Side = { wallMs, cpuMs, engineMs: NaN, runs: 1, events: NaN, exit: r.status };
  try {
    const res = JSON.parse(readFileSync(out, 'utf8')) as {
      engine: { wallMs: number; events: number };
      runs?: { count: number };
    };
    side.engineMs = res.engine.wallMs;
    side.events = res.engine.events;
    side.runs = res.runs?.count ?? 1;
    side.text = JSON.stringify({ ...res, engine: null });
    if (keep && checkout === root) copyFileSync(out, join(keep, rel.replace(/\//g, '__')));
    rmSync(out);
  } catch {
    /* a scenario the CLI refused (exit code below): no Result */
  }
  return side;
}

function fold(sides: Side[]): Side {
  return { ...sides[sides.length - 1], wallMs: median(sides.map((s) => s.wallMs)), cpuMs: median(sides.map((s) => s.cpuMs)) };
}

const ms = (x: number) => x.toFixed(0).padStart(6);
const rows: Row[] = [];
const differ: string[] = [];
console.log(
  `default simulate of ${files.length} scenarios (--runs auto), ${repeat} time(s) each${against ? `, alternating with ${against}` : ''}; load average ${load()}`,
);
try {
  for (const file of files) {
    const rel = relative(root, file);
    const ours: Side[] = [];
    const base: Side[] = [];
    for (let k = 0; k < repeat; k++) {
      if (against) base.push(once(against, rel));
      ours.push(once(root, rel));
    }
    const row: Row = { file: rel, ours: fold(ours), ...(against ? { base: fold(base) } : {}) };
    rows.push(row);
    const o = row.ours;
    const same = !row.base || row.base.text === o.text;
    if (!same) differ.push(rel);
    console.log(
      `${rel.padEnd(58)} ${ms(o.wallMs)} ms wall ${ms(o.cpuMs)} ms CPU  engine ${ms(o.engineMs)} ms  ` +
        `${String(o.runs).padStart(2)} runs  ${(o.events / 1e6).toFixed(2).padStart(6)} M events (all runs)${o.exit === 0 ? '' : `  exit ${o.exit}`}` +
        (row.base
          ? `  | base ${ms(row.base.wallMs)} ms wall ${ms(row.base.cpuMs)} ms CPU  ${(o.wallMs / row.base.wallMs).toFixed(2)}× wall${same ? '' : '  RESULT DIFFERS'}`
          : ''),
    );
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
const slowest = (side: (r: Row) => Side, key: 'wallMs' | 'cpuMs') =>
  [...rows].sort((a, b) => side(b)[key] - side(a)[key]).slice(0, 5);
const print = (label: string, side: (r: Row) => Side) => {
  console.log(
    `\nslowest five by wall time, ${label} (target: under ${TARGET_MS} ms wall each on this machine; load average now ${load()}):`,
  );
  for (const r of slowest(side, 'wallMs')) {
    const s = side(r);
    console.log(
      `  ${r.file.padEnd(58)} ${ms(s.wallMs)} ms wall ${ms(s.cpuMs)} ms CPU  ${s.wallMs < TARGET_MS ? 'ok' : 'OVER'}  ` +
        `(engine ${s.engineMs.toFixed(0)} ms, ${s.runs} runs, ${(s.events / 1e6).toFixed(2)} M events, all runs)`,
    );
  }
  const over = (k: 'cpuMs' | 'wallMs') => rows.filter((r) => side(r)[k] >= TARGET_MS).length;
  console.log(`  at or over ${TARGET_MS} ms: ${over('wallMs')} of ${rows.length} by wall time, ${over('cpuMs')} by CPU time`);
};
print('this checkout', (r) => r.ours);
if (against) {
  print(`baseline ${against}`, (r) => r.base!);
  const sum = (f: (r: Row) => number) => rows.reduce((a, r) => a + f(r), 0);
  console.log(
    `\ntotal wall ${sum((r) => r.ours.wallMs).toFixed(0)} ms vs baseline ${sum((r) => r.base!.wallMs).toFixed(0)} ms; ` +
      `total CPU ${sum((r) => r.ours.cpuMs).toFixed(0)} ms vs ${sum((r) => r.base!.cpuMs).toFixed(0)} ms; ` +
      `Results byte-identical (engine aside): ${rows.length - differ.length} of ${rows.length}${differ.length ? ` (differ: ${differ.join(', ')})` : ''}`,
  );
  if (differ.length) process.exitCode = 1;
}
