#!/usr/bin/env node
/**
 * Prints the README's architectures table: for each scenario in scenarios/architectures, the
 * predicted capacity (throughput when offered 10× the nominal rate: 1M records/s) and the p99
 * latency at the nominal 100k records/s, both simulated with the scenario's model, one run (seed 1)
 * on the idealised machine (no platform noise). Build first
 * (npm run build). Usage: node scripts/architectures-table.mjs [--tokio 1.24|1.47|1.53] [--model file]
 * (default: each scenario's runtime.tokio and model; the scenarios name the 1.24 model, so give --model with --tokio)
 */
import { readdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadScenario } from '../dist/src/cli/load.js';
import { normalizeScenario } from '../dist/src/plan/normalize.js';
import { simulate } from '../dist/src/runtime/simulate.js';

const arg = (name) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const tokio = arg('--tokio');
const modelFile = arg('--model');
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dir = join(root, 'scenarios/architectures');
const rows = [];
const files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
for (const [i, f] of files.entries()) {
  process.stderr.write(`\r${i + 1}/${files.length} ${f}            `);
  // One run of seed 1 on the idealised machine (no platform noise), as the README's table says.
  const { plan, model, scenario } = loadScenario(join(dir, f), modelFile, undefined, false, tokio);
  const nominal = simulate(plan, model);
  // Overload: batches every 100 µs instead of 1 ms, for 20 ms.
  const over = structuredClone(scenario);
  if (over.template?.kind === 'pipeline') {
    over.template.source = { ...over.template.source, arrival: { kind: 'periodic', intervalUs: 100 }, batches: 200 };
  } else {
    for (const s of Object.values(over.sources)) Object.assign(s, { arrival: { kind: 'periodic', intervalUs: 100 }, batches: 200 });
  }
  const cap = simulate(normalizeScenario(over, { model, file: f, noise: false, ...(tokio ? { tokio } : {}) }), model);
  const busy = (r) => r.workers.reduce((s, w) => s + w.busyUs, 0);
  rows.push({
    name: f.replace(/\.json$/, ''),
    capacity: cap.truncated || cap.records === 0 ? 0 : cap.records / (cap.simulatedUs / 1e6),
    p99: nominal.truncated ? NaN : nominal.latencyUs.p99,
    waiting: nominal.cpuUs.total > 0 ? nominal.cpuUs.waiting / nominal.cpuUs.total : 0,
    cores: busy(nominal) / nominal.simulatedUs,
    note: nominal.warnings.some((w) => w.code === 'DS3005') ? 'starved: spinners hold every worker (DS3005)' : '',
  });
}
process.stderr.write('\n');
process.stderr.write(`tokio ${tokio ?? 'as each scenario pins'} · model ${modelFile ?? "each scenario's"} · one run, seed 1, no noise\n`);
const k = (x) => (x >= 1000 ? `${(x / 1000).toFixed(0)}k` : x.toFixed(0));
console.log('| scenario | capacity rec/s (offered 1M/s) | p99 µs at 100k rec/s | CPU busy (cores) | of it waiting (yield/spin) | note |');
console.log('|---|---:|---:|---:|---:|---|');
for (const r of rows)
  console.log(`| ${r.name} | ${r.capacity ? k(r.capacity) : '—'} | ${Number.isNaN(r.p99) ? '—' : r.p99.toFixed(0)} | ${r.cores.toFixed(2)} | ${(r.waiting * 100).toFixed(0)}% | ${r.note} |`);
