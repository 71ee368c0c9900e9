/**
 * Invalid inputs: every case in test/invalid/*.json runs through the real validation path and
 * must fail for its stated reason.
 *
 * A case is `{description, kind: scenario|model, input | inputText, expect: [{code, pointer,
 * messageIncludes?}]}`. Each input is written to a temporary file and checked twice: through
 * `main(['check', file])` (exit code 3, nothing else) and through `loadScenario` / `loadModel`
 * (the InputError's diagnostics). Every expected {code, pointer} must appear, and every
 * diagnostic must carry a line and column. Scenarios without their own `model` are checked
 * against the repository's default model by absolute path, so the cwd does not matter.
 * A scenario case may change parameters of that model (`modelParameters`, ns), e.g. to zero.
 * Cases named `*-known-bug.json` document a defect in src/ and are skipped with the reason.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { main } from '../../src/cli/main.js';
import { loadModel, loadScenario } from '../../src/cli/load.js';
import { InputError, formatDiagnostic, type Diagnostic } from '../../src/schema/diagnostics.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const CASES = join(ROOT, 'test/invalid');
const DEFAULT_MODEL = join(ROOT, 'models/tokio-1.24-2vcpu-release.json');

interface Expected {
  code: string;
  pointer: string;
  messageIncludes?: string;
  /** When given, the diagnostic must be located there (e.g. a duplicate key's last occurrence). */
  line?: number;
  column?: number;
}
interface Case {
  description: string;
  kind: 'scenario' | 'model';
  input?: unknown;
  inputText?: string;
  expect: Expected[];
  skip?: string;
  /** Scenario cases: run against the default model with these parameter values (ns) changed. */
  modelParameters?: Record<string, number>;
}

/** Runs `main` with stdout/stderr captured; returns the exit code and what was written. */
async function runMain(argv: string[]): Promise<{ code: number; out: string }> {
  const out: string[] = [];
  const ow = process.stdout.write.bind(process.stdout);
  const ew = process.stderr.write.bind(process.stderr);
  // Binary chunks are the test runner's reports to its parent (they can come while main awaits
  // the import of the command's module): they pass through, as in ../helpers.ts.
  const capture = (chunk: string | Uint8Array): boolean => (typeof chunk === 'string' ? (out.push(chunk), true) : ow(chunk));
  process.stdout.write = capture as typeof process.stdout.write;
  process.stderr.write = capture as typeof process.stderr.write;
  try {
    const code = await main(argv);
    return { code, out: out.join('') };
  } finally {
    process.stdout.write = ow;
    process.stderr.write = ew;
  }
}

function diagnosticsOf(c: Case, file: string, modelArg: string | undefined): Diagnostic[] {
  try {
    if (c.kind === 'model') loadModel(file);
    else loadScenario(file, modelArg);
  } catch (e) {
    if (e instanceof InputError) return e.diagnostics;
    throw e;
  }
  return [];
}

const dir = mkdtempSync(join(tmpdir(), 'dispatchsim-invalid-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));

const names = readdirSync(CASES)
  .filter((f) => f.endsWith('.json'))
  .sort();

test('there are at least 40 invalid-input cases', () => {
  assert.ok(names.length >= 40, `found ${names.length}`);
});

for (const name of names) {
  const c = JSON.parse(readFileSync(join(CASES, name), 'utf8')) as Case;
  const knownBug = name.includes('-known-bug');
  test(`${name}: ${c.description}`, { skip: knownBug ? (c.skip ?? 'known bug in src/, see the case') : false }, async () => {
    assert.ok(c.expect.length > 0, 'a case must expect at least one diagnostic');
    const file = join(dir, `case-${names.indexOf(name)}.json`);
    writeFileSync(file, c.inputText ?? JSON.stringify(c.input, null, 2) + '\n');
    const hasOwnModel =
      c.kind === 'scenario' && c.input !== null && typeof c.input === 'object' && 'model' in (c.input as object);
    let modelArg = c.kind === 'scenario' && !hasOwnModel ? DEFAULT_MODEL : undefined;
    if (c.modelParameters) {
      const model = JSON.parse(readFileSync(DEFAULT_MODEL, 'utf8')) as { parameters: Record<string, { value: number }> };
      for (const [k, v] of Object.entries(c.modelParameters)) model.parameters[k].value = v;
      modelArg = join(dir, `model-${names.indexOf(name)}.json`);
      writeFileSync(modelArg, JSON.stringify(model, null, 2));
    }

    const run = await runMain(['check', file, ...(modelArg ? ['--model', modelArg] : [])]);
    assert.equal(run.code, 3, `exit code 3 expected, got ${run.code}:\n${run.out}`);
    assert.doesNotMatch(run.out, /internal error|\n\s+at /, 'no stack trace');

    const diags = diagnosticsOf(c, file, modelArg);
    const shown = diags.map(formatDiagnostic).join('\n');
    for (const x of c.expect) {
      const hit = diags.find(
        (d) =>
          d.code === x.code &&
          d.pointer === x.pointer &&
          (x.messageIncludes === undefined || d.message.includes(x.messageIncludes)) &&
          (x.line === undefined || d.line === x.line) &&
          (x.column === undefined || d.column === x.column),
      );
      assert.ok(
        hit,
        `expected ${x.code} at '${x.pointer}'${x.line !== undefined ? ` (${x.line}:${x.column ?? '*'})` : ''}${x.messageIncludes ? ` mentioning ${x.messageIncludes}` : ''}; got:\n${shown}`,
      );
      const cliLine = run.out
        .split('\n')
        .find(
          (l) =>
            l.includes(` ${x.pointer || '/'} `) &&
            l.endsWith(`[${x.code}]`) &&
            (x.messageIncludes === undefined || l.slice(l.indexOf(` ${x.pointer || '/'} `)).includes(x.messageIncludes)),
        );
      assert.ok(cliLine, `the CLI prints ${x.code} at '${x.pointer || '/'}'; it printed:\n${run.out}`);
    }
    for (const d of diags) {
      assert.ok(
        Number.isInteger(d.line) && d.line! >= 1 && Number.isInteger(d.column) && d.column! >= 1,
        `diagnostic without line:column: ${formatDiagnostic(d)}`,
      );
    }
  });
}
