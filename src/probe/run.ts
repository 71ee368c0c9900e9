/**
 * Runs `probe suite` and collects its JSON-line output.
 *
 * Phase: probe (I/O: spawns the probe). stdout carries the records (parsed by
 * `calibrate/probe-output.ts`, raw text kept so it can be saved and re-fitted with --from-samples);
 * stderr carries `{"type":"progress",…}` lines, which drive the caller's progress bar, and
 * anything else the probe says, which is passed through. With `cores`, the probe is pinned
 * with `taskset -c` so benchmarks run on the same cores as the system being predicted.
 */
import { spawn, spawnSync } from 'node:child_process';
import { diag, EXIT, InputError } from '../schema/diagnostics.js';

export interface ProgressEvent {
  done: number;
  total: number;
  bench: string;
}

export interface ProbeRunOptions {
  binary: string;
  quick: boolean;
  /** e.g. "0,1"; undefined = not pinned. */
  cores?: string;
  /** Restricts the suite to these benchmarks (probe's `only=`). */
  only?: string[];
  onProgress: (p: ProgressEvent) => void;
  onLog: (line: string) => void;
}

/** Probe argv (exported for tests): `suite [quick=1] [only=a,b]`, behind taskset when pinned. */
export function probeCommand(o: Pick<ProbeRunOptions, 'binary' | 'quick' | 'cores' | 'only'>): { cmd: string; args: string[] } {
  const suite = ['suite', ...(o.quick ? ['quick=1'] : []), ...(o.only?.length ? [`only=${o.only.join(',')}`] : [])];
  return o.cores ? { cmd: 'taskset', args: ['-c', o.cores, o.binary, ...suite] } : { cmd: o.binary, args: suite };
}

/** Checks `taskset` is runnable before a long build/run depends on it. */
export function checkTaskset(): void {
  const r = spawnSync('taskset', ['--version'], { stdio: 'ignore' });
  if (r.error)
    throw new InputError(
      [
        diag('DS5003', 'taskset', '', {
          name: 'taskset',
          detail: '--cores needs taskset (util-linux); install it or omit --cores',
        }),
      ],
      EXIT.io,
    );
}

/** Parses a stderr line as a progress event, if it is one. */
export function parseProgress(line: string): ProgressEvent | undefined {
  if (!line.startsWith('{')) return undefined;
  try {
    const v = JSON.parse(line) as Record<string, unknown>;
    if (v.type === 'progress' && typeof v.done === 'number' && typeof v.total === 'number')
      return { done: v.done, total: v.total, bench: typeof v.bench === 'string' ? v.bench : '' };
  } catch {
    /* not JSON: an ordinary log line */
  }
  return undefined;
}

/** What a probe process left: its exit code, its whole stdout and the last lines of its stderr log. */
export interface ProbeExit {
  code: number | null;
  stdout: string;
  errTail: string[];
}

/**
 * Spawns the probe and streams its stderr: progress lines (JSON `{"type":"progress",…}`) go to
 * `onProgress`, other lines to `onLog`; resolves when it exits, whatever the code. A probe that
 * cannot be started is DS5003 (I/O).
 */
export function spawnProbe(
  cmd: string,
  args: string[],
  on: { onProgress?: (p: { done: number; total: number; bench: string }) => void; onLog: (line: string) => void },
): Promise<ProbeExit> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: string[] = [];
    const errTail: string[] = [];
    let partial = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (c: string) => out.push(c));
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      const parts = (partial + chunk).split('\n');
      partial = parts.pop() ?? '';
      for (const line of parts) {
        const p = parseProgress(line);
        if (p) on.onProgress?.(p);
        else if (line.trim()) {
          errTail.push(line);
          if (errTail.length > 8) errTail.shift();
          on.onLog(line);
        }
      }
    });
    child.on('error', (e: NodeJS.ErrnoException) =>
      reject(
        new InputError([diag('DS5003', cmd, '', { name: cmd, detail: e.code === 'ENOENT' ? 'not found' : e.message })], EXIT.io),
      ),
    );
    child.on('close', (code) => resolvePromise({ code, stdout: out.join(''), errTail }));
  });
}

/** Runs the suite; resolves with the raw stdout text. A non-zero exit is DS5004. */
export async function runProbe(o: ProbeRunOptions): Promise<string> {
  const { cmd, args } = probeCommand(o);
  const { code, stdout: text, errTail } = await spawnProbe(cmd, args, { onProgress: o.onProgress, onLog: o.onLog });
  if (code === 0) return text;
  // Exit 1 after a suite_end line: some benchmark failed but the others' records are whole;
  // fit what is there (a parameter that lacks its benchmark is then reported by name).
  if (code === 1 && text.includes('"suite_end"')) {
    o.onLog('probe: some benchmarks failed (see above); fitting the rest');
    return text;
  }
  throw new InputError(
    [
      diag('DS5004', o.binary, '', {
        name: `${cmd} ${args.join(' ')}`,
        code: code ?? 'signal',
        detail: errTail.join(' | ') || 'no message',
      }),
    ],
    EXIT.io,
  );
}
