/**
 * `npm run fuzz -- [--budget-s 60 | --cases N] [--seed N] [--jobs 2] [--case I]`: mutate every scenario and
 * cost model in the repository and check that the CLI only ever
 *   - exits 0 with a schema-valid Result (simulate --out) or "ok" (check), or
 *   - exits 3 with located diagnostics, `file:line:col /pointer message [DSxxxx]`, every line, or
 *   - exits 5 with located DS5xxx diagnostics (a mutated `model` path naming no file),
 * and never prints a stack trace, hangs, exits 1 (or any other way), or leaves an output or temp
 * file behind when it fails.
 *
 *   corpus (scenarios/**, models/*) ─► case i: Prng(seed, i) ─► mutate (fuzz-mutate.ts)
 *     ─► child `node bin/dispatchsim.js simulate|check …` (timeout) ─► classify ─► findings
 *
 * One case in three is a command-line case instead (fuzz-cli.ts): options with bad values, given
 * twice or with no value, and output/input paths that are symlinks, FIFOs, devices, read-only or
 * folders, or the input itself, checked against the exit codes and the files' invariants. Scenario
 * mutations include `outputs` formulas (matrices, ranges, assignments, unknown names).
 *
 * Phase: bench. Case i depends only on (seed, i), so `--seed S --case I` reproduces one case and
 * keeps its files. Findings are saved under --save-dir (default .fuzz/, git-ignored) with the
 * command and output; the exit code is 1 when there is any finding.
 */
import { spawn } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Prng } from '../src/engine/prng.js';
import { validateDocument } from '../src/schema/validate.js';
import { listJsonFiles } from '../src/io/files.js';
import { mutate } from './fuzz-mutate.js';
import { cliCase } from './fuzz-cli.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** The CLI the children run: a snapshot of bin/ and dist/src (see snapshotCli). */
let BIN = join(ROOT, 'bin', 'dispatchsim.js');
/** A located diagnostic line as the CLI prints it. */
const LOCATED = /^.+:\d+:\d+ \/.* \[DS\d{4}\]$/;
const STACK = /internal error|\n\s+at \S+.*:\d+:\d+\)?|^\s+at /m;

interface Options {
  budgetS: number;
  seed: number;
  jobs: number;
  timeoutS: number;
  saveDir: string;
  oneCase?: number;
  /** Run exactly this many cases (0 … cases−1) instead of until the budget ends: the same work on any machine. */
  cases?: number;
}

interface Outcome {
  caseIndex: number;
  base: string;
  mutations: string[];
  argv: string[];
  status: 'ok' | 'invalid' | 'io' | 'usage' | 'finding';
  kind?: string;
  detail?: string;
  exit: number | null;
  signal: string | null;
  ms: number;
  stderr: string;
}

function parseArgs(argv: string[]): Options {
  const o: Options = { budgetS: 60, seed: Date.now() % 4294967296, jobs: 2, timeoutS: 60, saveDir: join(ROOT, '.fuzz') };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const v = () => {
      const x = argv[++i];
      if (x === undefined) throw new Error(`fuzz: ${a} needs a value`);
      return x;
    };
    const int = () => {
      const n = Number(v());
      if (!Number.isInteger(n) || n < 0) throw new Error(`fuzz: ${a} must be a non-negative integer`);
      return n;
    };
    if (a === '--budget-s') o.budgetS = int();
    else if (a === '--seed') o.seed = int();
    else if (a === '--jobs') o.jobs = Math.max(1, int());
    else if (a === '--timeout-s') o.timeoutS = Math.max(1, int());
    else if (a === '--save-dir') o.saveDir = resolve(v());
    else if (a === '--case') o.oneCase = int();
    else if (a === '--cases') o.cases = int();
    else throw new Error(`fuzz: unknown option ${a}`);
  }
  return o;
}

interface Seed {
  file: string;
  kind: 'scenario' | 'model';
  doc: unknown;
}

/** The corpus: every scenario and model, with relative file references made absolute. */
function corpus(): Seed[] {
  const seeds: Seed[] = [];
  for (const file of listJsonFiles(ROOT, 'scenarios')) {
    const doc = JSON.parse(readFileSync(join(ROOT, file), 'utf8')) as Record<string, unknown>;
    if (typeof doc.model === 'string') doc.model = resolve(ROOT, dirname(file), doc.model);
    seeds.push({ file, kind: 'scenario', doc });
  }
  for (const file of listJsonFiles(ROOT, 'models'))
    seeds.push({ file, kind: 'model', doc: JSON.parse(readFileSync(join(ROOT, file), 'utf8')) });
  return seeds;
}

/**
 * Copies the built CLI (bin/, dist/src, package.json; node_modules linked) into `work`, so a
 * rebuild of dist/ while the fuzzer runs cannot produce half-written modules (and false findings).
 */
function snapshotCli(work: string): string {
  const snap = join(work, 'cli');
  cpSync(join(ROOT, 'bin'), join(snap, 'bin'), { recursive: true });
  cpSync(join(ROOT, 'dist', 'src'), join(snap, 'dist', 'src'), { recursive: true });
  cpSync(join(ROOT, 'package.json'), join(snap, 'package.json'));
  // The package's own files, which the CLI finds from its package root (the default model, the
  // schema folder, the probe's sources): a snapshot without them is not the package.
  cpSync(join(ROOT, 'models'), join(snap, 'models'), { recursive: true });
  cpSync(join(ROOT, 'schema'), join(snap, 'schema'), { recursive: true });
  symlinkSync(join(ROOT, 'probe'), join(snap, 'probe'), 'dir');
  symlinkSync(join(ROOT, 'node_modules'), join(snap, 'node_modules'), 'dir');
  return join(snap, 'bin', 'dispatchsim.js');
}

function run(
  argv: string[],
  timeoutMs: number,
): Promise<{ exit: number | null; signal: string | null; stdout: string; stderr: string; ms: number; timedOut: boolean }> {
  return new Promise((done) => {
    const t0 = Date.now();
    const child = spawn(process.execPath, [BIN, ...argv], { cwd: ROOT, env: { ...process.env, DISPATCHSIM_PROGRESS: '0' } });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let size = 0;
    const keep = (sink: Buffer[]) => (b: Buffer) => {
      size += b.length;
      if (size < 4 * 1024 * 1024) sink.push(b);
    };
    child.stdout.on('data', keep(out));
    child.stderr.on('data', keep(err));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('close', (exit, signal) => {
      clearTimeout(timer);
      done({
        exit,
        signal,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
        ms: Date.now() - t0,
        timedOut,
      });
    });
  });
}

function classify(
  cmd: 'simulate' | 'check',
  r: Awaited<ReturnType<typeof run>>,
  outDir: string,
  outFile: string,
): Pick<Outcome, 'status' | 'kind' | 'detail'> {
  const finding = (kind: string, detail: string) => ({ status: 'finding' as const, kind, detail });
  if (r.timedOut) return finding('hang', `no exit within the timeout (${r.ms} ms)`);
  if (r.signal) return finding('signal', `killed by ${r.signal}`);
  if (STACK.test(r.stderr)) return finding('stack-trace', r.stderr.split('\n').slice(0, 3).join(' | '));
  const left = existsSync(outDir) ? readdirSync(outDir) : [];
  const lines = r.stderr.split('\n').filter((l) => l.trim() !== '');
  if (r.exit === 0) {
    const bad = lines.filter((l) => !LOCATED.test(l));
    if (bad.length) return finding('unlocated-warning', bad[0]);
    if (cmd === 'check') return /: ok \(/.test(r.stdout) ? { status: 'ok' } : finding('check-no-ok', r.stdout.slice(0, 200));
    if (left.length !== 1 || left[0] !== 'result.json') return finding('output-files', `exit 0 left [${left.join(', ')}]`);
    let doc: unknown;
    try {
      doc = JSON.parse(readFileSync(outFile, 'utf8'));
    } catch (e) {
      return finding('result-not-json', (e as Error).message);
    }
    const diags = validateDocument('result', doc, outFile);
    return diags.length ? finding('result-invalid', `${diags[0].pointer} ${diags[0].message}`) : { status: 'ok' };
  }
  if (r.exit === 3 || r.exit === 5) {
    if (left.length) return finding('partial-output', `exit ${r.exit} left [${left.join(', ')}]`);
    if (!lines.length) return finding('silent-failure', `exit ${r.exit} with nothing on stderr`);
    const bad = lines.filter((l) => !LOCATED.test(l));
    if (bad.length) return finding('unlocated-diagnostic', bad[0].slice(0, 300));
    if (r.exit === 5 && !lines.some((l) => /\[DS5\d{3}\]$/.test(l))) return finding('io-without-ds5', lines[0]);
    return { status: r.exit === 3 ? 'invalid' : 'io' };
  }
  return finding(`exit-${r.exit}`, (lines[0] ?? r.stdout.split('\n')[0] ?? '').slice(0, 300));
}

/** A command-line case (fuzz-cli.ts): options and paths mutated, over a small valid scenario. */
async function runCliCase(i: number, rng: Prng, opts: Options, work: string): Promise<Outcome> {
  const dir = join(work, `case-${i}`);
  mkdirSync(dir, { recursive: true });
  const base = JSON.parse(readFileSync(join(ROOT, CLI_SCENARIO), 'utf8')) as Record<string, unknown>;
  if (typeof base.model === 'string') base.model = resolve(ROOT, dirname(CLI_SCENARIO), base.model);
  const c = cliCase(rng, dir, JSON.stringify(base, null, 2) + '\n');
  const r = await run(c.argv, opts.timeoutS * 1000);
  let verdict: { kind: string; detail: string } | undefined;
  if (r.timedOut) verdict = { kind: 'hang', detail: `no exit within the timeout (${r.ms} ms)` };
  else if (r.signal) verdict = { kind: 'signal', detail: `killed by ${r.signal}` };
  else if (STACK.test(r.stderr)) verdict = { kind: 'stack-trace', detail: r.stderr.split('\n').slice(0, 3).join(' | ') };
  else verdict = c.check(r);
  const outcome: Outcome = {
    caseIndex: i,
    base: CLI_SCENARIO,
    mutations: c.names,
    argv: c.argv,
    status: verdict ? 'finding' : r.exit === 0 ? 'ok' : r.exit === 3 ? 'invalid' : r.exit === 2 ? 'usage' : 'io',
    ...(verdict ? { kind: verdict.kind, detail: verdict.detail } : {}),
    exit: r.exit,
    signal: r.signal,
    ms: r.ms,
    stderr: r.stderr,
  };
  if (verdict) {
    mkdirSync(opts.saveDir, { recursive: true });
    writeFileSync(
      join(opts.saveDir, `seed-${opts.seed}-case-${i}.txt`),
      [
        `${verdict.kind}: ${verdict.detail}`,
        `mutations: ${c.names.join(', ')}`,
        `command: dispatchsim ${c.argv.join(' ')}`,
        `exit ${r.exit} signal ${r.signal} after ${r.ms} ms`,
        '--- stderr ---',
        r.stderr.slice(0, 20000),
      ].join('\n'),
    );
  }
  if (opts.oneCase === undefined) rmSync(dir, { recursive: true, force: true });
  return outcome;
}

/** The scenario command-line cases run: small and valid, so every failure is the mutation's. */
const CLI_SCENARIO = 'scenarios/velostream/yield.json';

async function runCase(i: number, opts: Options, seeds: Seed[], work: string): Promise<Outcome> {
  const rng = new Prng(opts.seed, `fuzz-case-${i}`);
  // One case in three mutates the command line and paths instead of the document.
  if (rng.nextInt(3) === 0) return runCliCase(i, rng, opts, work);
  const seed = seeds[rng.nextInt(seeds.length)];
  const m = mutate(seed.doc, seed.kind, rng);
  const dir = join(work, `case-${i}`);
  const outDir = join(dir, 'out');
  mkdirSync(outDir, { recursive: true });
  const input = join(dir, 'input.json');
  writeFileSync(input, m.text);
  const outFile = join(outDir, 'result.json');
  const simulate = rng.nextInt(2) === 0;
  const argv =
    seed.kind === 'scenario'
      ? simulate
        ? ['simulate', input, '--out', outFile, '--max-wall-ms', '5000']
        : ['check', input]
      : simulate
        ? ['simulate', join(ROOT, 'scenarios/velostream/yield.json'), '--model', input, '--out', outFile, '--max-wall-ms', '5000']
        : ['check', input];
  const r = await run(argv, opts.timeoutS * 1000);
  const c = classify(argv[0] as 'simulate' | 'check', r, outDir, outFile);
  const outcome: Outcome = {
    caseIndex: i,
    base: seed.file,
    mutations: m.names,
    argv,
    ...c,
    exit: r.exit,
    signal: r.signal,
    ms: r.ms,
    stderr: r.stderr,
  };
  if (c.status === 'finding') {
    mkdirSync(opts.saveDir, { recursive: true });
    const stem = join(opts.saveDir, `seed-${opts.seed}-case-${i}`);
    writeFileSync(`${stem}.json`, m.text);
    writeFileSync(
      `${stem}.txt`,
      [
        `${c.kind}: ${c.detail}`,
        `base: ${seed.file}; mutations: ${m.names.join(', ')}`,
        `command: dispatchsim ${argv.map((a) => (a === input ? relative(ROOT, `${stem}.json`) : a)).join(' ')}`,
        `exit ${r.exit} signal ${r.signal} after ${r.ms} ms`,
        '--- stderr ---',
        r.stderr.slice(0, 20000),
        '--- stdout ---',
        r.stdout.slice(0, 5000),
      ].join('\n'),
    );
  }
  if (opts.oneCase === undefined) rmSync(dir, { recursive: true, force: true });
  return outcome;
}

async function main(): Promise<number> {
  const opts = parseArgs(process.argv.slice(2));
  const seeds = corpus();
  const work = mkdtempSync(join(tmpdir(), 'dispatchsim-fuzz-'));
  BIN = snapshotCli(work);
  process.stderr.write(
    `fuzz: seed ${opts.seed}, ${opts.cases !== undefined ? `${opts.cases} cases` : `budget ${opts.budgetS} s`}, ${opts.jobs} job(s), corpus ${seeds.length} files; reproduce a case with --seed ${opts.seed} --case I\n`,
  );
  if (opts.oneCase !== undefined) {
    const o = await runCase(opts.oneCase, opts, seeds, work);
    rmSync(join(work, 'cli'), { recursive: true, force: true });
    process.stdout.write(
      `case ${o.caseIndex}: ${o.status}${o.kind ? ` (${o.kind}: ${o.detail})` : ''}\n  base ${o.base}, mutations ${o.mutations.join(', ')}\n  dispatchsim ${o.argv.join(' ')}\n  exit ${o.exit} in ${o.ms} ms\n${o.stderr.slice(0, 2000)}`,
    );
    return o.status === 'finding' ? 1 : 0;
  }
  const started = Date.now();
  const deadline = started + opts.budgetS * 1000;
  const more = () => (opts.cases !== undefined ? next < opts.cases : Date.now() < deadline);
  const counts = { ok: 0, invalid: 0, io: 0, usage: 0, finding: 0 };
  const findings = new Map<string, Outcome[]>();
  let next = 0;
  const worker = async () => {
    while (more()) {
      const i = next++;
      let o: Outcome;
      try {
        o = await runCase(i, opts, seeds, work);
      } catch (e) {
        // The harness itself failed on this case (e.g. a mutation it could not serialize): a
        // finding of the harness, reported and counted, so that the run goes on and ends with
        // its summary and a non-zero exit.
        const detail = (e as Error).message.slice(0, 200);
        o = {
          caseIndex: i,
          base: '',
          mutations: [],
          argv: [],
          status: 'finding',
          kind: 'harness-error',
          detail,
          exit: null,
          signal: null,
          ms: 0,
          stderr: '',
        };
      }
      counts[o.status]++;
      if (o.status === 'finding') {
        const sig = `${o.kind} ${(o.detail ?? '')
          .replace(/\d+/g, 'N')
          .replace(/\/tmp\/\S+/g, 'TMP')
          .slice(0, 120)}`;
        if (!findings.has(sig)) process.stderr.write(`fuzz: case ${o.caseIndex} FINDING ${o.kind}: ${o.detail}\n`);
        findings.set(sig, [...(findings.get(sig) ?? []), o]);
      }
      const runs = counts.ok + counts.invalid + counts.io + counts.usage + counts.finding;
      if (runs % 25 === 0)
        process.stderr.write(
          `fuzz: ${runs} runs (${counts.ok} ok, ${counts.invalid} invalid, ${counts.io} io, ${counts.usage} usage, ${counts.finding} findings)\n`,
        );
    }
  };
  await Promise.all(Array.from({ length: opts.jobs }, worker));
  rmSync(work, { recursive: true, force: true });
  const runs = counts.ok + counts.invalid + counts.io + counts.usage + counts.finding;
  process.stdout.write(
    `fuzz: seed ${opts.seed}: ${runs} runs in ${((Date.now() - started) / 1000).toFixed(0)} s: ${counts.ok} exit 0, ${counts.usage} exit 2, ${counts.invalid} exit 3, ${counts.io} exit 5, ${counts.finding} findings (${findings.size} distinct)\n`,
  );
  for (const [sig, os] of findings) {
    process.stdout.write(
      `  ${os.length}× ${sig}\n    e.g. --seed ${opts.seed} --case ${os[0].caseIndex} (saved in ${relative(ROOT, opts.saveDir) || '.'}), base ${os[0].base}, mutations ${os[0].mutations.join(', ')}\n`,
    );
  }
  return findings.size ? 1 : 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`${(e as Error).message}\n`);
    process.exitCode = 2;
  },
);
