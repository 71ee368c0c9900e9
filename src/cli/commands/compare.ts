/**
 * `dispatchsim compare A B`: two answers side by side, metric by metric (src/sweep/compare-answers.ts).
 * A and B are Result files, or `sweep.json#<point>` / `plan.json#answer|runnerUp|<index>`.
 *
 * Phase: cli.
 */
import type { Argv, CommandModule } from 'yargs';
import { runCommand } from '../common.js';
import { readText, stableJson } from '../../io/files.js';
import { parseJsonText } from '../../schema/validate.js';
import { classifyDocument } from '../../report/inputs.js';
import { diag, InputError } from '../../schema/diagnostics.js';
import {
  compareSides,
  formatComparison,
  sideOfPlan,
  sideOfResult,
  sideOfSweepPoint,
  type Side,
} from '../../sweep/compare-answers.js';
import { displayPath } from '../load.js';

interface Args {
  a: string;
  b: string;
  json?: boolean;
}

function sideOf(spec: string): Side {
  const hash = spec.lastIndexOf('#');
  const file = hash > 0 ? spec.slice(0, hash) : spec;
  const sel = hash > 0 ? spec.slice(hash + 1) : undefined;
  const { value, map } = parseJsonText(readText(file), file);
  const input = classifyDocument(value, displayPath(file), map);
  const name = displayPath(spec);
  const bad = (detail: string) => new InputError([diag('DS1708', displayPath(file), '', { spec, detail })]);
  if (input.kind === 'result') {
    if (sel !== undefined) throw bad('a Result is one answer: leave out #…');
    return sideOfResult(input.doc, name);
  }
  if (input.kind === 'sweep') {
    const s = sel !== undefined && /^\d+$/.test(sel) ? sideOfSweepPoint(input.doc, Number(sel), name) : undefined;
    if (!s) throw bad(`name one of its points: #0 … #${input.doc.totalPoints - 1}`);
    return s;
  }
  if (input.kind === 'plan') {
    const s = sideOfPlan(input.doc, sel ?? 'answer', name);
    if (!s) throw bad('name #answer, #runnerUp or the index of a configuration it tried');
    return s;
  }
  throw bad(`a ${input.kind} document has no single answer to compare`);
}

export const compareCommand: CommandModule<object, Args> = {
  command: 'compare <a> <b>',
  describe: 'two answers metric by metric: ratio, which is better, and whether the runs separate them',
  builder: (y: Argv) =>
    y
      .positional('a', {
        type: 'string',
        demandOption: true,
        describe: 'a Result, sweep.json#<point> or plan.json#answer|runnerUp|<index>',
      })
      .positional('b', { type: 'string', demandOption: true, describe: 'the same kinds' })
      .option('json', { type: 'boolean', describe: 'print the comparison as JSON' }) as unknown as Argv<Args>,
  handler: (argv) =>
    runCommand(() => {
      const a = sideOf(argv.a);
      const b = sideOf(argv.b);
      const rows = compareSides(a, b);
      if (argv.json) process.stdout.write(stableJson({ a, b, rows }));
      else process.stdout.write(formatComparison(a, b, rows));
      return 0;
    }),
};
