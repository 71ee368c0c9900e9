/**
 * Cost-model access: semantic checks on a schema-valid model, and lookups by name.
 *
 * Phase: model. Pure functions over a parsed `CostModel`; reading files is done by `io/`.
 */
import type { CostModel, Parameter } from '../schema/model.js';
import { diag, escapePointerToken, type Diagnostic } from '../schema/diagnostics.js';
import { OPTIONAL_PARAMETERS, RUNTIME_PARAMETERS } from './parameters.js';

/** Semantic checks: required runtime parameters present (errors); implausible figures (warnings). */
export function checkModel(model: CostModel, file: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const p of RUNTIME_PARAMETERS) {
    if (!model.parameters[p.name]) out.push(diag('DS1204', file, '/parameters', { name: p.name, model: model.name }));
  }
  for (const [name, prm] of Object.entries(model.parameters)) {
    const ptr = `/parameters/${escapePointerToken(name)}`;
    const ci = prm.spread?.ci95;
    if (ci && ci[1] - ci[0] > prm.value && prm.value > 0)
      out.push(diag('DS1301', file, `${ptr}/spread/ci95`, { name, lo: ci[0], hi: ci[1], value: prm.value }, 'warning'));
    if (prm.distribution) {
      const { p, ns } = prm.distribution;
      if (p.length !== ns.length || p.some((x, i) => i > 0 && x < p[i - 1]) || ns.some((x, i) => i > 0 && x < ns[i - 1]))
        out.push(
          diag('DS1107', file, `${ptr}/distribution`, { detail: 'p and ns must have equal length and be non-decreasing' }),
        );
    }
  }
  // A probability (halt_poll_warm_share, halt_poll_run_share): outside [0, 1] it means nothing.
  for (const p of OPTIONAL_PARAMETERS) {
    const prm = p.kind === 'share' ? param(model, p.name) : undefined;
    if (prm && !(prm.value >= 0 && prm.value <= 1))
      out.push(
        diag('DS1107', file, `/parameters/${escapePointerToken(p.name)}/value`, {
          detail: `${p.name} is a probability, between 0 and 1 (got ${prm.value})`,
        }),
      );
  }
  const poll = model.parameters.poll_self?.value;
  const yx = model.parameters.yield_extra;
  if (poll !== undefined && yx && yx.value + (model.parameters.driver_poll_none?.value ?? 0) < 0.2 * poll)
    out.push(diag('DS1302', file, '/parameters/yield_extra', { name: 'yield_extra', value: yx.value, poll }, 'warning'));
  return out;
}

export function param(model: CostModel, name: string): Parameter | undefined {
  return Object.prototype.hasOwnProperty.call(model.parameters, name) ? model.parameters[name] : undefined;
}

/** Value in ns of a required parameter (the model was checked, so it exists). */
export function paramNs(model: CostModel, name: string): number {
  const p = param(model, name);
  if (!p) throw new Error(`internal: model ${model.name} lacks checked parameter ${name}`);
  return p.value;
}
