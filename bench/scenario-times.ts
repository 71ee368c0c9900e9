/**
 * `npm run bench:scenarios`: a default `dispatchsim simulate <file>` (its default run set,
 * `--runs auto`, noise as the scenario and model say) of every scenario under scenarios/, one
 * after another, each as its own process as a user runs it. Prints the wall time of each, the
 * CPU time the process used (user + system, all its threads: what the wall time would be on an
 * idle machine, give or take the worker threads' overlap), the engine's share of the wall time (the
 * Result's engine.wallMs: the run set, threads included), the runs and their events (all runs together), then the
 * slowest five against the target (under 2 s each on the 2-vCPU machine, quiet).
 *
 *   node dist/bench/scenario-times.js [--filter SUBSTRING] [--repeat N]
 *
 * With --repeat N each scenario runs N times and the median wall time is reported. The load
 * average is printed before and after: on a shared machine the figures are only as quiet as it.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const args = process.argv.slice(2);
const opt = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const filter = opt('--filter') ?? '';
const repeat = Math.max(1, Number(opt('--repeat') ?? 1));
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

interface Row {
  file: string;
  wallMs: number;
  /** User + system CPU time of the whole process (every thread). */
  cpuMs: number;
  engineMs: number;
  runs: number;
  events: number;
  exit: number | null;
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
const rows: Row[] = [];
console.log(`default simulate of ${files.length} scenarios (--runs auto), ${repeat} time(s) each; load average ${load()}`);
try {
  for (const file of files) {
    const walls: number[] = [];
    const cpus: number[] = [];
    const cpuFile = join(tmp, 'cpu');
    let row: Row | undefined;
    for (let k = 0; k < repeat; k++) {
      const out = join(tmp, 'result.json');
      const t0 = performance.now();
      const r = spawnSync(
        process.execPath,
        ['--import', CPU_HOOK, join(root, 'bin/dispatchsim.js'), 'simulate', file, '--out', out],
        {
          cwd: root,
          stdio: ['ignore', 'ignore', 'pipe'],
          encoding: 'utf8',
          env: { ...process.env, SCENARIO_TIMES_CPU: cpuFile },
        },
      );
      walls.push(performance.now() - t0);
      try {
        cpus.push(Number(readFileSync(cpuFile, 'utf8')));
        rmSync(cpuFile);
      } catch {
        cpus.push(NaN);
      }
      let engineMs = NaN;
      let runs = 1;
      let events = NaN;
      try {
        const res = JSON.parse(readFileSync(out, 'utf8')) as {
          engine: { wallMs: number; events: number };
          runs?: { count: number };
        };
        engineMs = res.engine.wallMs;
        events = res.engine.events;
        runs = res.runs?.count ?? 1;
        rmSync(out);
      } catch {
        /* a scenario the CLI refused (exit code below): no Result */
      }
      row = { file: relative(root, file), wallMs: 0, cpuMs: 0, engineMs, runs, events, exit: r.status };
    }
    row!.wallMs = median(walls);
    row!.cpuMs = median(cpus);
    rows.push(row!);
    console.log(
      `${row!.file.padEnd(58)} ${row!.wallMs.toFixed(0).padStart(6)} ms wall ${row!.cpuMs.toFixed(0).padStart(6)} ms CPU  engine ${row!.engineMs.toFixed(0).padStart(6)} ms  ` +
        `${String(row!.runs).padStart(2)} runs  ${(row!.events / 1e6).toFixed(2).padStart(6)} M events (all runs)${row!.exit === 0 ? '' : `  exit ${row!.exit}`}`,
    );
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
// Ranked by CPU time: on a shared machine the wall time mostly says how busy the others were.
const slow = [...rows].sort((a, b) => b.cpuMs - a.cpuMs).slice(0, 5);
console.log(
  `\nslowest five by CPU time (target: under ${TARGET_MS} ms wall each on this machine, quiet; load average now ${load()}):`,
);
for (const r of slow)
  console.log(
    `  ${r.file.padEnd(58)} ${r.cpuMs.toFixed(0).padStart(6)} ms CPU ${r.wallMs.toFixed(0).padStart(6)} ms wall  ${r.cpuMs < TARGET_MS ? 'ok' : 'OVER'}  ` +
      `(engine ${r.engineMs.toFixed(0)} ms, ${r.runs} runs, ${(r.events / 1e6).toFixed(2)} M events, all runs)`,
  );
const over = (k: 'cpuMs' | 'wallMs') => rows.filter((r) => r[k] >= TARGET_MS).length;
console.log(`at or over ${TARGET_MS} ms: ${over('cpuMs')} of ${rows.length} by CPU time, ${over('wallMs')} by wall time`);
