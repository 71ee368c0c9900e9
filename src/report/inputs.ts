/**
 * Recognizing the documents a report is built from: Result, sweep, validation, Chrome trace.
 *
 * Phase: report. Takes parsed JSON (the CLI reads the files) and returns a tagged input, or throws
 * InputError with located diagnostics. The kind is decided by shape first (`traceEvents`, an
 * array, `kind: dispatchsim-sweep`, otherwise a Result), then the document is checked against that
 * kind's schema, so a malformed sweep reports sweep errors rather than "not a Result".
 */
import { Ajv, type ValidateFunction } from 'ajv';
import type { TSchema } from '@sinclair/typebox';
import { diag, InputError, type Diagnostic } from '../schema/diagnostics.js';
import type { Result } from '../schema/result.js';
import { validateDocument, type SourceMap } from '../schema/validate.js';
import { SweepDocSchema, type SweepDoc } from '../schema/sweep-doc.js';
import { ValidationDocSchema, type ValidationDoc } from '../schema/validation-doc.js';
import { ChromeTraceSchema, type ChromeTrace } from '../schema/chrome-trace.js';
import { PlanDocSchema, type PlanDoc } from '../schema/plan-doc.js';

export type ReportInput =
  | { kind: 'result'; file: string; doc: Result }
  | { kind: 'sweep'; file: string; doc: SweepDoc }
  | { kind: 'validation'; file: string; doc: ValidationDoc }
  | { kind: 'trace'; file: string; doc: ChromeTrace }
  | { kind: 'plan'; file: string; doc: PlanDoc };

let ajv: Ajv | undefined;
const validators = new Map<string, ValidateFunction>();

function check(name: string, schema: TSchema, doc: unknown, file: string, map?: SourceMap): Diagnostic[] {
  let v = validators.get(name);
  if (!v) {
    ajv ??= new Ajv({ allErrors: true, strict: false });
    v = ajv.compile(schema);
    validators.set(name, v);
  }
  if (v(doc)) return [];
  return (v.errors ?? []).slice(0, 20).map((e) => {
    const d = diag('DS1107', file, e.instancePath, { detail: `${e.message ?? e.keyword} (${name})` });
    const pos = map?.locate(d.pointer);
    return pos ? { ...d, ...pos } : d;
  });
}

/** Classifies and schema-checks one parsed document. */
export function classifyDocument(doc: unknown, file: string, map?: SourceMap): ReportInput {
  let kind: ReportInput['kind'];
  let diags: Diagnostic[];
  if (Array.isArray(doc)) {
    kind = 'validation';
    diags = check('validation document', ValidationDocSchema, doc, file, map);
  } else if (doc !== null && typeof doc === 'object' && 'traceEvents' in doc) {
    kind = 'trace';
    diags = check('Chrome trace', ChromeTraceSchema, doc, file, map);
  } else if (doc !== null && typeof doc === 'object' && (doc as { kind?: unknown }).kind === 'dispatchsim-sweep') {
    kind = 'sweep';
    diags = check('sweep document', SweepDocSchema, doc, file, map);
  } else if (doc !== null && typeof doc === 'object' && (doc as { kind?: unknown }).kind === 'dispatchsim-plan') {
    kind = 'plan';
    diags = check('plan document', PlanDocSchema, doc, file, map);
  } else if (doc !== null && typeof doc === 'object' && 'source' in doc) {
    kind = 'result';
    diags = validateDocument('result', doc, file, map);
  } else {
    throw new InputError([
      diag('DS1701', file, '', {
        detail: 'expected an array, traceEvents, kind "dispatchsim-sweep"/"dispatchsim-plan" or a Result\'s source',
      }),
    ]);
  }
  if (diags.some((d) => d.severity === 'error')) throw new InputError(diags);
  return { kind, file, doc } as ReportInput;
}
