/**
 * Loading what a command needs: scenario → (model) → Plan, with every input problem located.
 *
 * Phase: cli (I/O). Reads the scenario, its default model (relative to the scenario file) or the
 * `--model` override, and any trace files its sources name; validates each against its schema and
 * runs the semantic checks; then normalizes. All diagnostics of one file are reported together.
 */
import { dirname, resolve, relative } from 'node:path';
import { readDocument, readText } from '../io/files.js';
import type { Scenario } from '../schema/scenario.js';
import type { CostModel } from '../schema/model.js';
import { diag, InputError, type Diagnostic } from '../schema/diagnostics.js';
import { locateAll, type SourceMap } from '../schema/validate.js';
import { checkModel } from '../model/load.js';
import { normalizeScenario } from '../plan/normalize.js';
import type { Plan } from '../plan/types.js';
import { packagePath } from '../io/package-root.js';
import { existsSync } from 'node:fs';
import { DEFAULT_TOKIO, type TokioVersion } from '../plan/tokio-versions.js';

/** The bundled default model, inside the package (not the working directory): tokio 1.24's. */
export const DEFAULT_MODEL = packagePath('models', 'tokio-1.24-2vcpu-release.json');

/**
 * The bundled model for a tokio version: `models/tokio-<version>-2vcpu-release.json` when the
 * package ships one, else 1.24's (the simulation then carries DS1228).
 */
export function defaultModelFor(tokio: TokioVersion): string {
  const own = packagePath('models', `tokio-${tokio}-2vcpu-release.json`);
  return existsSync(own) ? own : DEFAULT_MODEL;
}

export function displayPath(p: string): string {
  const r = relative(process.cwd(), p);
  return r.startsWith('..') ? p : r;
}

export function loadModel(file: string): { model: CostModel; warnings: Diagnostic[] } {
  const shown = displayPath(file);
  const { doc, map } = readDocument<CostModel>('model', file);
  const diags = locateAll(checkModel(doc, shown), map).map((d) => ({ ...d, file: shown }));
  if (diags.some((d) => d.severity === 'error')) throw new InputError(diags);
  return { model: doc, warnings: diags };
}

export function readScenario(file: string): { scenario: Scenario; map: SourceMap } {
  const { doc, map } = readDocument<Scenario>('scenario', file);
  return { scenario: doc, map };
}

/**
 * Resolves which model applies: --model, else the scenario's `model`, else the bundled model of the
 * tokio version modelled (--tokio, else the scenario's `runtime.tokio`, else the default version).
 */
export function modelPathFor(scenarioFile: string, scenario: Scenario, override?: string, tokio?: TokioVersion): string {
  if (override) return resolve(override);
  if (scenario.model) return resolve(dirname(scenarioFile), scenario.model);
  return resolve(defaultModelFor(tokio ?? scenario.runtime?.tokio ?? DEFAULT_TOKIO));
}

function loadTraces(
  scenarioFile: string,
  scenario: Scenario,
  map: SourceMap,
): Record<string, { timesUs: number[]; records: number[] }> {
  const out: Record<string, { timesUs: number[]; records: number[] }> = {};
  const files: Array<{ name: string; ptr: string }> = [];
  for (const [k, s] of Object.entries(scenario.sources ?? {}))
    if (s.arrival.kind === 'trace') files.push({ name: s.arrival.file, ptr: `/sources/${k}/arrival/file` });
  const t = scenario.template;
  if (t && (t.kind === 'pipeline' || t.kind === 'sequential') && t.source.arrival.kind === 'trace')
    files.push({ name: t.source.arrival.file, ptr: '/template/source/arrival/file' });
  const diags: Diagnostic[] = [];
  for (const f of files) {
    const path = resolve(dirname(scenarioFile), f.name);
    let text: string;
    try {
      text = readText(path);
    } catch (e) {
      diags.push(diag('DS1219', scenarioFile, f.ptr, { name: f.name, detail: (e as Error).message.split('\n')[0] }));
      continue;
    }
    const timesUs: number[] = [];
    const records: number[] = [];
    let header = true; // one header line is allowed, before the first data line
    text.split(/\r?\n/).forEach((line, i) => {
      const l = line.trim();
      if (!l || l.startsWith('#')) return;
      // Exactly two columns: a decimal time in µs and a whole record count (no NaN, Infinity,
      // hex, fractions or extra columns, which used to be skipped, converted or rounded).
      const m = /^(\d+(?:\.\d+)?)\s*[,\s]\s*(\d+)$/.exec(l);
      if (!m && header && /^[A-Za-z_"][\w" ]*[,\s]+[A-Za-z_"][\w" ]*$/.test(l)) {
        header = false;
        return;
      }
      header = false;
      const a = m ? Number(m[1]) : NaN;
      const b = m ? Number(m[2]) : NaN;
      if (
        !m ||
        !Number.isFinite(a) ||
        !Number.isSafeInteger(b) ||
        b < 1 ||
        (timesUs.length > 0 && a < timesUs[timesUs.length - 1])
      ) {
        if (diags.length < 20) diags.push(diag('DS1220', scenarioFile, f.ptr, { name: f.name, line: i + 1 }));
        return;
      }
      timesUs.push(a);
      records.push(b);
    });
    out[f.name] = { timesUs, records };
  }
  if (diags.length) throw new InputError(locateAll(diags, map));
  return out;
}

/**
 * loadModel, but a model file the scenario names (`model`) that cannot be read is reported at
 * the scenario's `/model`, with its line and column, instead of at a path with no location.
 */
function loadModelNamedBy(
  shown: string,
  scenario: Scenario,
  map: SourceMap,
  modelFile: string,
  override?: string,
): ReturnType<typeof loadModel> {
  try {
    return loadModel(modelFile);
  } catch (e) {
    if (!(e instanceof InputError) || override || scenario.model === undefined) throw e;
    const diags = e.diagnostics.map((d) =>
      d.code === 'DS5001' && d.line === undefined
        ? diag('DS5001', shown, '/model', { name: scenario.model, detail: d.message.replace(/^cannot read '.*': /s, '') })
        : d,
    );
    throw new InputError(locateAll(diags, map), e.exitCode);
  }
}

/**
 * A command that runs a scenario shows a model's noisy parameters (DS1301) as one line, naming
 * them all, where `check <model>` and `model show` list each one with its location: a calibrated
 * model often has a few (a slope near 0 ns, a bimodal OS latency), and a line each on every run
 * would bury the run's own warnings.
 */
export function collapseWideCi(warnings: Diagnostic[]): Diagnostic[] {
  const wide = warnings.filter((w) => w.code === 'DS1301');
  if (wide.length < 2) return warnings;
  const names = wide.map((w) => String(w.params?.name ?? w.pointer));
  const first = wide[0];
  // Located at the first of them (its pointer, line and column), naming them all.
  const one: Diagnostic = {
    ...first,
    message: `${wide.length} parameters have a 95% CI wider than their value (noisy measurements): ${names.join(', ')}; \`dispatchsim check ${first.file}\` lists each`,
    params: { ...first.params, names },
  };
  const at = warnings.indexOf(first);
  return [...warnings.slice(0, at), one, ...warnings.slice(at + 1).filter((w) => w.code !== 'DS1301')];
}

export interface Loaded {
  scenario: Scenario;
  plan: Plan;
  model: CostModel;
  modelFile: string;
  warnings: Diagnostic[];
}

/**
 * `noise`: platform noise on/off whatever the scenario says (`--no-noise`); absent: the
 * scenario's `machine.noise`, else the model's default (on when it has a noise process).
 * `tokio`: overrides the scenario's `runtime.tokio` (--tokio).
 */
export function loadScenario(file: string, modelOverride?: string, seed?: number, noise?: boolean, tokio?: TokioVersion): Loaded {
  const shown = displayPath(file);
  const { scenario, map } = readScenario(file);
  const modelFile = modelPathFor(file, scenario, modelOverride, tokio);
  const loadedModel = loadModelNamedBy(shown, scenario, map, modelFile, modelOverride);
  const { model } = loadedModel;
  const warnings = collapseWideCi(loadedModel.warnings);
  const traces = loadTraces(file, scenario, map);
  try {
    const plan = normalizeScenario(scenario, {
      file: shown,
      model,
      modelFile: displayPath(modelFile),
      traces,
      ...(seed !== undefined ? { seed } : {}),
      ...(noise !== undefined ? { noise } : {}),
      ...(tokio !== undefined ? { tokio } : {}),
    });
    return { scenario, plan, model, modelFile, warnings };
  } catch (e) {
    if (e instanceof InputError) throw new InputError(locateAll(e.diagnostics, map), e.exitCode);
    throw e;
  }
}

/** Same, for a scenario already in memory (sweeps vary a parsed scenario). */
export function planScenario(scenario: Scenario, model: CostModel, file = '<scenario>', seed?: number): Plan {
  return normalizeScenario(scenario, { file, model, ...(seed !== undefined ? { seed } : {}) });
}
