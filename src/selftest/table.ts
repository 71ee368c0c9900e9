/**
 * The self-test's pass/fail table, as aligned text (terminal) or Markdown (docs/selftest.md).
 *
 * Phase: selftest. Pure string building; the CLI prints it.
 */
import type { SelftestReport, SelftestRow } from './run-selftest.js';

function num(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  return Number.isInteger(x) ? String(x) : x.toFixed(3);
}

function cells(r: SelftestRow): string[] {
  const unit = r.unit ? ` ${r.unit}` : '';
  const sim =
    r.kind === 'stochastic'
      ? `${num(r.mean)} ± ${num(r.halfWidth)}${unit}`
      : `${num(r.mean)}${unit} (max dev ${num(r.halfWidth)})`;
  return [r.name, `${num(r.expected)}${unit}`, sim, r.pass ? 'pass' : 'FAIL'];
}

const HEAD = ['check', 'expected', 'simulated mean ± CI', 'pass'];

function caption(rep: SelftestReport): string {
  return `${rep.replications} replications (seeds from ${rep.seed}), ${rep.customers} customers per queueing replication, ${Math.round(rep.confidence * 1000) / 10}% Student-t intervals`;
}

export function formatSelftestTable(rep: SelftestReport): string {
  const rows = [HEAD, ...rep.rows.map(cells)];
  const widths = HEAD.map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  const line = (r: string[]) =>
    r
      .map((c, i) => c.padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  const out = [line(rows[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)];
  for (const r of rep.rows) for (const p of r.problems) out.push(`  ${r.name}: ${p}`);
  const failed = rep.rows.filter((r) => !r.pass).length;
  out.push(
    '',
    caption(rep),
    failed === 0 ? `all ${rep.rows.length} figures pass` : `${failed} of ${rep.rows.length} figures FAIL`,
  );
  return out.join('\n') + '\n';
}

export function formatSelftestMarkdown(rep: SelftestReport): string {
  const esc = (s: string) => s.replace(/\|/g, '\\|');
  const out = [`| ${HEAD.join(' | ')} |`, `|${HEAD.map(() => '---').join('|')}|`];
  for (const r of rep.rows) out.push(`| ${cells(r).map(esc).join(' | ')} |`);
  out.push('', `${caption(rep)}.`);
  return out.join('\n') + '\n';
}
