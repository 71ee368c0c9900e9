/**
 * Window-level speed dispersion: how much faster or slower the same machine runs the same probe
 * work from one calibration window (an hour, a day) to another. A calibration's `run_speed_sd`
 * compares probe runs a few minutes apart, so it cannot see that; on this project's VM two quiet
 * calibrations hours apart differ by up to ±9 % in every per-op cost together (docs/accuracy.md,
 * Session 14), and a real run measured at an unknown time is a draw of both.
 *
 * Phase: calibrate (pure). Input: the calibration being made (its derived per-op costs) and
 * earlier calibrations of the same machine, tokio version and build profile (`calibrate
 * --windows <model.json …>`). For every `cost` parameter calibrated (not inferred) in all of
 * them, each calibration's log value is taken relative to the mean over the calibrations; a
 * calibration's level is the median of those over the parameters (one benchmark's own noise
 * averages out, what moves them all together stays); the parameter is the sample standard
 * deviation of the levels. Earlier files that are re-fits of one probe output (identical values)
 * count once.
 */
import type { CostModel, Parameter } from '../schema/model.js';
import type { Diagnostic } from '../schema/diagnostics.js';
import { diag } from '../schema/diagnostics.js';
import { OPTIONAL_PARAMETERS, RUNTIME_PARAMETERS } from '../model/parameters.js';
import type { Estimate } from './fit.js';
import type { Outcome } from './derive-kit.js';
import { median, roundFigure } from './stats.js';

/** An earlier calibration of this machine, read from a model file. */
export interface WindowCalibration {
  file: string;
  model: CostModel;
}

/** Fewest distinct calibrations (this one included) a window dispersion rests on. */
export const MIN_WINDOWS = 3;
/** Fewest parameters a calibration's level rests on. */
export const MIN_WINDOW_PARAMS = 5;

/** Parameters whose values are per-op costs (the runtime's speed). */
const COST_PARAMETERS: readonly string[] = [...RUNTIME_PARAMETERS, ...OPTIONAL_PARAMETERS]
  .filter((p) => p.kind === 'cost')
  .map((p) => p.name);

export interface WindowLevels {
  /** Sample standard deviation (n − 1) of the calibrations' log levels. */
  sd: number;
  /** Each distinct calibration's log level; `file` undefined: the calibration being made. */
  levels: { file?: string; level: number }[];
  /** The parameters the levels rest on. */
  params: string[];
  /** Earlier files left out as repeats of another calibration (same values). */
  repeats: { file: string; of: string }[];
}

/** A calibrated cost's value, or undefined (inferred, absent, not positive). */
function calibratedCost(p: Parameter | undefined): number | undefined {
  if (!p || p.provenance !== 'calibrated') return undefined;
  return p.value > 0 && Number.isFinite(p.value) ? p.value : undefined;
}

/**
 * The calibrations' levels over their common calibrated costs. `current` holds the calibration
 * being made (name → value, calibrated costs only). A string says why there is no estimate.
 */
export function windowLevels(current: ReadonlyMap<string, number>, earlier: readonly WindowCalibration[]): WindowLevels | string {
  const params = COST_PARAMETERS.filter(
    (n) => current.has(n) && earlier.every((w) => calibratedCost(w.model.parameters[n]) !== undefined),
  );
  const repeats: { file: string; of: string }[] = [];
  const distinct: { file?: string; values: number[] }[] = [{ values: params.map((n) => current.get(n)!) }];
  for (const w of earlier) {
    const values = params.map((n) => calibratedCost(w.model.parameters[n])!);
    const same = distinct.find((d) => d.values.every((v, i) => v === values[i]));
    if (same) repeats.push({ file: w.file, of: same.file ?? 'this calibration' });
    else distinct.push({ file: w.file, values });
  }
  if (params.length < MIN_WINDOW_PARAMS)
    return `${MIN_WINDOW_PARAMS} or more per-op costs calibrated in every calibration given (found ${params.length}: ${params.join(', ') || 'none'})`;
  if (distinct.length < MIN_WINDOWS)
    return `${MIN_WINDOWS} or more distinct calibrations of this machine (this one and calibrate --windows <earlier models>; found ${distinct.length}${repeats.length ? `, ${repeats.length} repeat${repeats.length === 1 ? '' : 's'}` : ''})`;
  const logs = distinct.map(() => [] as number[]);
  for (let i = 0; i < params.length; i++) {
    const l = distinct.map((d) => Math.log(d.values[i]));
    const mean = l.reduce((a, b) => a + b, 0) / l.length;
    l.forEach((x, j) => logs[j].push(x - mean));
  }
  const lv = logs.map((xs) => median(xs));
  const mu = lv.reduce((a, b) => a + b, 0) / lv.length;
  const sd = Math.sqrt(lv.reduce((a, x) => a + (x - mu) * (x - mu), 0) / (lv.length - 1));
  return { sd, levels: distinct.map((d, j) => ({ file: d.file, level: lv[j] - mu })), params, repeats };
}

/** A window file's short name: its last two path segments (`s11/cal124.json`). */
const short = (f: string): string => f.split(/[\\/]/).slice(-2).join('/');

/** `text`, cut to `max` characters with an ellipsis (model strings have schema limits). */
const cap = (text: string, max: number): string => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);

const pct = (l: number): string => `${l >= 0 ? '+' : ''}${(100 * (Math.exp(l) - 1)).toFixed(1)} %`;

/** As an Estimate for the model (no bootstrap: the calibrations are the replicates). */
export function windowEstimate(w: WindowLevels): { est: Estimate; note: string } {
  const self = w.levels.find((l) => l.file === undefined)!;
  const others = w.levels.filter((l) => l.file !== undefined);
  return {
    est: {
      value: w.sd,
      boot: [],
      samples: w.levels.length,
      outliers: 0,
      source: cap(
        `between-window dispersion of the per-op costs over ${w.levels.length} calibrations of this machine (this one and ${others.map((l) => `${short(l.file!)} ${pct(l.level)}`).join(', ')}; ${w.params.length} calibrated costs: ${w.params.join(', ')}): sd of log level`,
        2000,
      ),
      headers: [],
    },
    note: cap(
      `this calibration's own level: ${pct(self.level)} against the mean of the ${w.levels.length} windows` +
        (w.repeats.length
          ? `; left out as repeats: ${w.repeats.map((r) => `${short(r.file)} (= ${short(r.of)})`).join(', ')}`
          : ''),
      4000,
    ),
  };
}

/** What checkWindows compares, from a model or the metadata of one being written. */
export function windowSelf(m: Pick<CostModel, 'tokio' | 'profile' | 'provenance'>): Parameters<typeof checkWindows>[1] {
  return { tokio: m.tokio, profile: m.profile, cpu: m.provenance.machine?.cpu, cores: m.provenance.machine?.cores };
}

/**
 * Checks that earlier calibrations can be windows of this one: same tokio version, build profile
 * and machine (CPU model and core count, where both say). Errors name the file (DS1309).
 */
export function checkWindows(
  windows: readonly WindowCalibration[],
  self: { tokio: string; profile: string; cpu?: string; cores?: number },
): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const w of windows) {
    const m = w.model;
    const mc = m.provenance.machine;
    const why =
      m.provenance.kind !== 'calibrated'
        ? `it is not a calibration (provenance ${m.provenance.kind})`
        : m.tokio !== self.tokio
          ? `it was calibrated on tokio ${m.tokio}, this calibration on ${self.tokio}`
          : m.profile !== self.profile
            ? `it is a ${m.profile} build, this calibration ${self.profile}`
            : self.cpu && mc?.cpu && mc.cpu !== self.cpu
              ? `it was calibrated on ${mc.cpu}, this calibration on ${self.cpu}`
              : self.cores !== undefined && mc?.cores !== undefined && mc.cores !== self.cores
                ? `it was calibrated on ${mc.cores} cores, this calibration on ${self.cores}`
                : undefined;
    if (why)
      out.push(
        diag('DS1309', w.file, '', {
          name: w.file,
          detail: `${why}: windows must be the same machine, tokio version and profile`,
        }),
      );
  }
  return out;
}

/**
 * The calibration rule of window_speed_sd (derive-run-level.ts windowSpeedSd): `windows` from calibrate --windows,
 * `costOf(name)` the calibration's own value of a cost parameter where it is calibrated (not
 * inferred), else undefined.
 */
export function windowSpeedRule(
  windows: readonly WindowCalibration[] | undefined,
  costOf: (name: string) => number | undefined,
): Outcome {
  if (!windows?.length)
    return {
      missing: `earlier calibrations of this machine in other windows (calibrate --windows <model.json …>, ${MIN_WINDOWS - 1} or more): from one calibration the between-window dispersion is unknown`,
    };
  // As the model file will hold them, so that an earlier file re-fitted from the same probe output is
  // recognised as this calibration.
  const current = new Map<string, number>();
  for (const n of COST_PARAMETERS) {
    const v = costOf(n);
    if (v !== undefined && v > 0 && Number.isFinite(v)) current.set(n, roundFigure(v));
  }
  const w = windowLevels(current, windows);
  if (typeof w === 'string') return { missing: w };
  const { est, note } = windowEstimate(w);
  return { est, provenance: 'calibrated', note };
}

/**
 * `model`'s calibrated costs as window.ts compares them (calibrated, positive), for a calibration
 * already written to a file (`dispatchsim model window`).
 */
export function calibratedCosts(model: CostModel): Map<string, number> {
  const out = new Map<string, number>();
  for (const n of COST_PARAMETERS) {
    const v = calibratedCost(model.parameters[n]);
    if (v !== undefined) out.set(n, v);
  }
  return out;
}

/**
 * `model` with window_speed_sd from `earlier` calibrations (checked with checkWindows first), or
 * the reason there is none. The rest of the model is unchanged; its description gains a sentence.
 */
export function withWindowSpeed(model: CostModel, earlier: readonly WindowCalibration[], center = false): CostModel | string {
  const w = windowLevels(calibratedCosts(model), earlier);
  if (typeof w === 'string') return w;
  const { est, note } = windowEstimate(w);
  const param: Parameter = {
    value: roundFigure(est.value),
    unit: 'ratio',
    provenance: 'calibrated',
    source: est.source,
    samples: est.samples,
    note,
  };
  let description = (model.description ?? '').replace(/ ?Window-level variation \(window_speed_sd\): unknown[^.]*\./, '');
  let parameters: Record<string, Parameter> = { ...model.parameters, window_speed_sd: param };
  if (center) {
    const level = w.levels.find((l) => l.file === undefined)!.level;
    const f = Math.exp(-level);
    parameters = centered(parameters, f);
    description += `${description ? ' ' : ''}Per-op costs centred on the mean of ${w.levels.length} calibration windows: every cost parameter × ${f.toFixed(4)} (this calibration ran ${pct(level)} against that mean; dispatchsim model window --center).`;
  }
  return { ...model, description, parameters };
}

/** Every cost parameter × f (value, interval, MAD, distribution), as a slower or faster window. */
function centered(params: Record<string, Parameter>, f: number): Record<string, Parameter> {
  const out: Record<string, Parameter> = {};
  for (const [k, p] of Object.entries(params)) {
    if (!COST_PARAMETERS.includes(k) || p.unit !== 'ns') {
      out[k] = p;
      continue;
    }
    const sp = p.spread;
    out[k] = {
      ...p,
      value: roundFigure(p.value * f),
      ...(sp
        ? {
            spread: {
              ...(sp.p10 !== undefined ? { p10: roundFigure(sp.p10 * f) } : {}),
              ...(sp.p90 !== undefined ? { p90: roundFigure(sp.p90 * f) } : {}),
              ...(sp.ci95 ? { ci95: [roundFigure(sp.ci95[0] * f), roundFigure(sp.ci95[1] * f)] as [number, number] } : {}),
              ...(sp.mad !== undefined ? { mad: roundFigure(sp.mad * f) } : {}),
            },
          }
        : {}),
      ...(p.distribution ? { distribution: { ...p.distribution, ns: p.distribution.ns.map((x) => roundFigure(x * f)) } } : {}),
    };
  }
  return out;
}
