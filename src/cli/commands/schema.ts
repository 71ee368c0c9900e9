/**
 * `dispatchsim schema`: print, write or check the JSON Schema files generated from the TypeBox
 * sources (`schema/scenario.schema.json`, `model.schema.json`, `result.schema.json`,
 * `plan.schema.json`), and the validators precompiled from them (`schema/validators.cjs`, ajv's
 * standalone code: no command compiles a schema at start-up).
 *
 * Phase: cli. A subcommand rather than a build script so an installed tool can hand its schemas
 * to an editor, and CI can run `dispatchsim schema --check` (exit 6 when a file is stale).
 */
import type { Argv, CommandModule } from 'yargs';
import { join } from 'node:path';
import { existsSync, statSync } from 'node:fs';
import { runCommand } from '../common.js';
import { readText, writeFileAtomic } from '../../io/files.js';
import { packagePath } from '../../io/package-root.js';
import { diag, EXIT, InputError } from '../../schema/diagnostics.js';
import type { DocumentKind } from '../../schema/validate.js';
import { generatedFiles, jsonSchemaText, SCHEMA_KINDS } from '../../schema/json-schema.js';

interface Args {
  kind?: DocumentKind;
  write?: boolean;
  check?: boolean;
  dir: string;
}

export const schemaCommand: CommandModule<object, Args> = {
  command: 'schema [kind]',
  describe: 'print the JSON Schema of scenarios, cost models, results or plans; --write/--check the files in schema/',
  builder: (y: Argv) =>
    y
      .positional('kind', { choices: SCHEMA_KINDS, describe: 'which schema to print' })
      .option('write', { type: 'boolean', describe: 'write every schema file into --dir' })
      .option('check', { type: 'boolean', describe: 'exit 6 when a file in --dir differs from the generated schema' })
      .option('dir', {
        type: 'string',
        default: packagePath('schema'),
        defaultDescription: "the package's schema/",
        describe: 'directory of the schema files',
      })
      .check((a) =>
        a.write || a.check || a.kind ? true : 'name a kind (scenario, model, result, plan), or give --write or --check',
      ) as unknown as Argv<Args>,
  handler: (argv) =>
    runCommand(() => {
      const kinds = argv.kind ? [argv.kind] : SCHEMA_KINDS;
      if (!argv.write && !argv.check) {
        process.stdout.write(jsonSchemaText(kinds[0]));
        return EXIT.ok;
      }
      if (argv.check && !(existsSync(argv.dir) && statSync(argv.dir).isDirectory()))
        throw new InputError([diag('DS5001', argv.dir, '', { name: argv.dir, detail: 'no such directory' })], EXIT.io);
      let stale = 0;
      for (const generated of generatedFiles(kinds)) {
        const file = join(argv.dir, generated.name);
        const text = generated.text();
        if (argv.check) {
          if (!existsSync(file) || readText(file, { output: true }) !== text) {
            stale++;
            process.stderr.write(`${file}: stale; run 'dispatchsim schema --write'\n`);
          } else process.stdout.write(`${file}: up to date\n`);
        } else {
          writeFileAtomic(file, text);
          process.stdout.write(`wrote ${file}\n`);
        }
      }
      return stale ? EXIT.validationFailed : EXIT.ok;
    }),
};
