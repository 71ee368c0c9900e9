/**
 * Human labels for the names that documents use (sweep metrics, axis labels, Result fields):
 * words and a unit, so outputs and reports never show `p99Us` or a JSON pointer to a reader.
 *
 * Phase: shared by sweep, report and cli. A name missing here is shown as itself.
 */
export const LABELS: Record<string, { words: string; unit?: string }> = {
  recordsPerSec: { words: 'throughput', unit: 'records/s' },
  p50Us: { words: 'p50 latency', unit: 'µs' },
  p90Us: { words: 'p90 latency', unit: 'µs' },
  p99Us: { words: 'p99 latency', unit: 'µs' },
  p999Us: { words: 'p99.9 latency', unit: 'µs' },
  maxUs: { words: 'max latency', unit: 'µs' },
  meanUs: { words: 'mean latency', unit: 'µs' },
  yieldsPerRecord: { words: 'yields per record' },
  cpuUs: { words: 'CPU time', unit: 'µs' },
  records: { words: 'records' },
  coresBusy: { words: 'cores busy', unit: 'cores' },
  coresUseful: { words: 'cores doing useful work', unit: 'cores' },
  coresWaiting: { words: 'cores waiting (yield/spin)', unit: 'cores' },
  coresScheduler: { words: 'cores in the scheduler', unit: 'cores' },
  simulatedUs: { words: 'run length', unit: 'µs' },
  elapsedUs: { words: 'task elapsed time', unit: 'µs' },
  dist: { words: 'latency distribution distance (dist)', unit: 'relative' },
  // axis labels (the last token of a --vary pointer, or a named axis)
  partitions: { words: 'partitions' },
  workers: { words: 'worker threads' },
  cores: { words: 'cores' },
  intervalUs: { words: 'batch interval', unit: 'µs' },
  ratePerSec: { words: 'batch rate', unit: 'batches/s' },
  batchRecords: { words: 'records per batch' },
  recordCost: { words: 'work per record', unit: 'µs' },
  rate: { words: 'offered load', unit: 'records/s' },
  wait: { words: 'wait strategy' },
  capacity: { words: 'channel capacity', unit: 'messages' },
  flavor: { words: 'runtime flavor' },
};

/** `p99 latency (µs)`; an unknown name (or pointer: its last token) is shown as itself. */
export function labelOf(name: string): string {
  const key = name.startsWith('/') ? (name.split('/').at(-1) ?? name) : name;
  const l = LABELS[key];
  if (!l) return name;
  return l.unit ? `${l.words} (${l.unit})` : l.words;
}

/** A value with its unit, in words: `85.3 µs`, `200k records/s`, `1.62 cores`. */
export function formatValue(name: string, v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const unit = LABELS[name]?.unit;
  if (unit === 'records/s') return v >= 1000 ? `${+(v / 1000).toPrecision(4)}k records/s` : `${+v.toPrecision(4)} records/s`;
  if (unit === 'cores') return `${v.toFixed(2)} cores`;
  return unit ? `${+v.toPrecision(4)} ${unit}` : `${+v.toPrecision(4)}`;
}
