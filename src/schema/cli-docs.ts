/**
 * The `--json` documents of the inspection commands (`check`, `model show`, `model diff`): what a
 * script reads instead of the tables. Described in docs/json-output.md; the tests check each
 * command's output against these schemas.
 *
 * Phase: schema (types only, no I/O).
 */
import { Type, type Static } from '@sinclair/typebox';
import { CostModelSchema, ParameterSchema } from './model.js';

export const DiagnosticSchema = Type.Object(
  {
    code: Type.String({ description: 'DS code, documented in docs/errors.md' }),
    severity: Type.Union([Type.Literal('error'), Type.Literal('warning')]),
    file: Type.String(),
    pointer: Type.String({ description: 'JSON pointer into the file ("" for the whole file)' }),
    message: Type.String(),
    params: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
    line: Type.Optional(Type.Integer({ minimum: 1 })),
    column: Type.Optional(Type.Integer({ minimum: 1 })),
  },
  { additionalProperties: false },
);

/** `check --json`: one entry per file, in argument order, and the exit code the command returns. */
export const CheckOutputSchema = Type.Object(
  {
    files: Type.Array(
      Type.Object(
        {
          file: Type.String({ description: 'the path as given (relative to the working directory)' }),
          kind: Type.Union([Type.Literal('scenario'), Type.Literal('model')], {
            description: 'a file with `parameters`, `profile` or `tokio` at top level is a model',
          }),
          ok: Type.Boolean({ description: 'valid (warnings allowed)' }),
          diagnostics: Type.Array(DiagnosticSchema, { description: 'errors when not ok, else warnings' }),
        },
        { additionalProperties: false },
      ),
    ),
    exitCode: Type.Integer({ description: '0 all valid, 3 invalid input, 5 unreadable (the README’s exit codes)' }),
  },
  { additionalProperties: false },
);
export type CheckOutput = Static<typeof CheckOutputSchema>;

/** `model show --json`: the model's header and its parameters in the file's order, each with its name. */
export const ModelShowOutputSchema = Type.Object(
  {
    file: Type.String(),
    name: Type.String(),
    profile: Type.Union([Type.Literal('release'), Type.Literal('debug')]),
    tokio: Type.String(),
    provenance: CostModelSchema.properties.provenance,
    parameters: Type.Array(Type.Composite([Type.Object({ name: Type.String() }), ParameterSchema])),
    warnings: Type.Array(DiagnosticSchema, { description: "the model's semantic warnings (e.g. DS1301 wide CI)" }),
  },
  { additionalProperties: false },
);
export type ModelShowOutput = Static<typeof ModelShowOutputSchema>;

const Side = Type.Object({ value: Type.Number(), unit: ParameterSchema.properties.unit }, { additionalProperties: false });

/** `model diff --json`: per-parameter values and ratio b/a, largest ratio first (the table's order). */
export const ModelDiffOutputSchema = Type.Object(
  {
    a: Type.Object({ file: Type.String(), name: Type.String() }, { additionalProperties: false }),
    b: Type.Object({ file: Type.String(), name: Type.String() }, { additionalProperties: false }),
    rows: Type.Array(
      Type.Object(
        {
          name: Type.String(),
          a: Type.Union([Side, Type.Null()], { description: 'null: the parameter is not in a' }),
          b: Type.Union([Side, Type.Null()], { description: 'null: the parameter is not in b' }),
          ratio: Type.Union([Type.Number(), Type.Null()], { description: 'b / a; null when a side is missing or a is 0' }),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);
export type ModelDiffOutput = Static<typeof ModelDiffOutputSchema>;
