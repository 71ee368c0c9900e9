/**
 * Turns derived estimates into a cost-model document and checks it before anything is written.
 *
 * Phase: calibrate. `assembleModel` builds every runtime parameter of `model/parameters.ts`
 * (missing measurements are errors that name the benchmark needed); `checkCalibratedModel`
 * runs the schema, `checkModel`, and calibration-specific plausibility checks (non-linear fits,
 * negative differences, profile mixing). The CLI writes the model only when no error remains.
 */
import type { CostModel, Parameter } from '../schema/model.js';
import { diag, escapePointerToken, type Diagnostic } from '../schema/diagnostics.js';
import { validateDocument } from '../schema/validate.js';
import { checkModel } from '../model/load.js';
import { OPTIONAL_PARAMETERS, RUNTIME_PARAMETERS, type ParameterInfo } from '../model/parameters.js';
import { isMissing, type Derived, type Deriver } from './derive.js';
import { percentileInterval, roundFigure } from './stats.js';
import type { ProbeHeader } from './probe-output.js';

/** Fits whose R² is below this are flagged: the cost is not linear in the iteration count. */
export const MIN_R2 = 0.9;

export type ModelProvenance = CostModel['provenance'];

export interface ModelMeta {
  name: string;
  description: string;
  profile: 'release' | 'debug';
  tokio: string;
  provenance: ModelProvenance;
}

export { roundFigure };

/** One schema parameter from one derived estimate; negative values are clamped (with a warning). */
export function toParameter(
  info: Pick<ParameterInfo, 'name' | 'unit' | 'kind'>,
  d: Derived,
  file: string,
): { param: Parameter; diags: Diagnostic[] } {
  const diags: Diagnostic[] = [];
  const ptr = `/parameters/${escapePointerToken(info.name)}`;
  const { est } = d;
  let value = est.value;
  if (value < 0) {
    diags.push(
      diag('DS1307', file, `${ptr}/value`, { name: info.name, value: roundFigure(value), detail: est.source }, 'warning'),
    );
    value = 0;
  }
  if (est.r2 !== undefined && est.r2 < MIN_R2)
    diags.push(
      diag('DS1306', file, ptr, { name: info.name, source: est.source, r2: roundFigure(est.r2), min: MIN_R2 }, 'warning'),
    );
  const spread: NonNullable<Parameter['spread']> = {};
  if (est.distribution) {
    spread.p10 = roundFigure(Math.max(0, quantileOf(est.distribution, 0.1)));
    spread.p90 = roundFigure(Math.max(0, quantileOf(est.distribution, 0.9)));
  }
  if (est.ci95) spread.ci95 = est.ci95.map(roundFigure) as [number, number];
  else if (est.boot.length >= 20) spread.ci95 = percentileInterval(est.boot).map(roundFigure) as [number, number];
  if (est.mad !== undefined) spread.mad = roundFigure(est.mad);
  const param: Parameter = { value: roundFigure(value), unit: info.unit, provenance: d.provenance, source: est.source };
  if (Object.keys(spread).length) param.spread = spread;
  param.samples = est.samples;
  param.outliers = est.outliers;
  if (est.distribution && info.kind === 'latency')
    param.distribution = { p: est.distribution.p, ns: est.distribution.ns.map((v) => roundFigure(Math.max(0, v))) };
  if (d.note) param.note = d.note;
  return { param, diags };
}

function quantileOf(dist: { p: number[]; ns: number[] }, p: number): number {
  const i = dist.p.indexOf(p);
  return i >= 0 ? dist.ns[i] : dist.ns[Math.floor(dist.ns.length / 2)];
}

/**
 * Builds the model with every runtime parameter. Missing measurements become DS1305 errors
 * (one per parameter, all collected); the model is returned anyway so callers can report it.
 */
export function assembleModel(
  deriver: Deriver,
  meta: ModelMeta,
  headers: ProbeHeader[],
  file: string,
  extra: ReadonlyMap<string, Derived> = new Map(),
): { model: CostModel; diags: Diagnostic[] } {
  const diags: Diagnostic[] = [];
  const parameters: Record<string, Parameter> = {};
  for (const info of RUNTIME_PARAMETERS) {
    const o = deriver.get(info.name);
    if (isMissing(o)) {
      diags.push(diag('DS1305', file, `/parameters/${escapePointerToken(info.name)}`, { name: info.name, needs: o.missing }));
      continue;
    }
    const { param, diags: pd } = toParameter(info, o, file);
    parameters[info.name] = param;
    diags.push(...pd, ...profileMixing(info.name, o.est.headers, headers, meta.profile, file));
  }
  // Optional parameters: written when measured; without them the model falls back (a warning).
  const unknown: string[] = [];
  let windowUnknown = false;
  for (const info of OPTIONAL_PARAMETERS) {
    const o = deriver.get(info.name);
    if (isMissing(o)) {
      // A run-level dispersion that one probe run cannot measure: the model says it is unknown.
      if (info.kind === 'dispersion' && info.name !== 'window_speed_sd') unknown.push(info.name);
      if (info.name === 'window_speed_sd') windowUnknown = true;
      diags.push(
        diag('DS1305', file, `/parameters/${escapePointerToken(info.name)}`, { name: info.name, needs: o.missing }, 'warning'),
      );
      continue;
    }
    const { param, diags: pd } = toParameter(info, o, file);
    parameters[info.name] = param;
    diags.push(...pd, ...profileMixing(info.name, o.est.headers, headers, meta.profile, file));
  }
  // Parameters beyond the runtime's (user work such as `record_sql`, from a criterion import).
  for (const [name, d] of extra) {
    if (name in parameters) continue;
    const { param, diags: pd } = toParameter({ name, unit: 'ns', kind: 'cost' }, d, file);
    parameters[name] = param;
    diags.push(...pd);
  }
  const model: CostModel = {
    name: meta.name,
    description: [
      meta.description,
      unknown.length
        ? `Run-level variation (${unknown.join(', ')}): unknown — one probe run has no between-run dispersion (calibrate --runs ≥ 2 measures it); run sets vary no run-level speed.`
        : '',
      windowUnknown
        ? 'Window-level variation (window_speed_sd): unknown — one calibration window cannot show how the machine’s speed moves from one hour to another (calibrate --windows <earlier models> measures it); run sets vary the speed only as much as runs minutes apart do.'
        : '',
    ]
      .filter((x) => x)
      .join(' '),
    profile: meta.profile,
    tokio: meta.tokio,
    provenance: meta.provenance,
    parameters,
  };
  return { model, diags };
}

function profileMixing(name: string, used: number[], headers: ProbeHeader[], profile: string, file: string): Diagnostic[] {
  const other = used.map((i) => headers[i]?.profile).find((p) => p !== undefined && p !== profile);
  return other ? [diag('DS1303', file, `/parameters/${escapePointerToken(name)}`, { name, other, profile }, 'warning')] : [];
}

/** Schema validation + checkModel: the same checks a reader of the file will run. */
export function checkCalibratedModel(model: CostModel, file: string): Diagnostic[] {
  const schema = validateDocument('model', model, file);
  if (schema.some((d) => d.severity === 'error')) return schema;
  return [...schema, ...checkModel(model, file)];
}
