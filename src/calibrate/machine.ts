/**
 * Where a calibration ran: CPU model, core count, kernel, hostname, and the repository revision.
 *
 * Phase: calibrate (I/O: reads /proc/cpuinfo, runs git). Every lookup degrades to "unknown"
 * rather than failing: provenance is descriptive, a missing field must not stop a calibration.
 */
import { readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { cpus, hostname, release } from 'node:os';

export interface MachineInfo {
  cpu: string;
  cores: number;
  kernel: string;
  hostname: string;
}

export function cpuModel(cpuinfo?: string): string {
  let text = cpuinfo;
  if (text === undefined) {
    try {
      text = readFileSync('/proc/cpuinfo', 'utf8');
    } catch {
      text = '';
    }
  }
  const m = /^model name\s*:\s*(.+)$/m.exec(text);
  return m ? m[1].trim() : (cpus()[0]?.model ?? 'unknown');
}

export function machineInfo(): MachineInfo {
  return { cpu: cpuModel(), cores: Math.max(1, cpus().length), kernel: release(), hostname: hostname() };
}

/** `git rev-parse --short HEAD` of the working directory, or "unknown". */
export function gitRevision(): string {
  const r = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.trim() ? r.stdout.trim() : 'unknown';
}
