/**
 * Shared CLI plumbing: error reporting, exit codes, progress output.
 *
 * Phase: cli. Every command handler runs inside `runCommand`, which turns an InputError into
 * located diagnostics on stderr and the documented exit code, and any other exception into an
 * internal error (exit 1) with its stack — a broken invariant is never swallowed.
 */
import { InputError, EXIT, formatDiagnostic, type Diagnostic } from '../schema/diagnostics.js';

export let exitCode: number = EXIT.ok;

export function setExitCode(code: number): void {
  exitCode = code;
}

/**
 * Text for a terminal: control characters (ANSI escapes, carriage returns, bells) that a scenario,
 * task or file name may hold are shown as \u{1b}, not sent raw. Newlines and tabs are kept.
 */
export function terminalSafe(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, (c) => `\\u{${c.charCodeAt(0).toString(16)}}`);
}

export function printDiagnostics(diags: Diagnostic[]): void {
  const sorted = [...diags].sort((a, b) =>
    a.file === b.file ? (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0) : a.file < b.file ? -1 : 1,
  );
  for (const d of sorted) process.stderr.write(terminalSafe(formatDiagnostic(d)) + '\n');
}

export async function runCommand(fn: () => Promise<number | void> | number | void): Promise<void> {
  try {
    const code = await fn();
    if (typeof code === 'number') exitCode = code;
  } catch (e) {
    if (e instanceof InputError) {
      printDiagnostics(e.diagnostics);
      exitCode = e.exitCode;
    } else if (isStreamWriteError(e)) {
      reportStdoutError(e as NodeJS.ErrnoException);
    } else {
      process.stderr.write(`dispatchsim: internal error: ${(e as Error).stack ?? String(e)}\n`);
      exitCode = EXIT.internal;
    }
  }
}

/** An error writing to standard output (a closed pipe, a full disk): not an internal error. */
function isStreamWriteError(e: unknown): boolean {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  return code === 'EPIPE' || code === 'ENOSPC' || code === 'EBADF' || code === 'EIO' || code === 'ERR_STREAM_DESTROYED';
}

let stdoutFailed = false;

/** One line on stderr and exit 5, once: stdout is closed or full, so nothing more can be printed. */
export function reportStdoutError(e: NodeJS.ErrnoException): void {
  if (stdoutFailed) return;
  stdoutFailed = true;
  exitCode = EXIT.io;
  try {
    process.stderr.write(`dispatchsim: cannot write to standard output: ${e.code ?? e.message} [DS5002]\n`);
  } catch {
    /* stderr is gone too: the exit code still says it */
  }
  process.exitCode = EXIT.io;
}

/**
 * Standard output that fails (a closed pipe: `| head`; `> /dev/full`) ends the command with exit 5
 * and one line, not a stack trace: node reports such failures as an 'error' event, later.
 */
export function watchStdout(): void {
  if (process.stdout.listenerCount('error') > 0) return;
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    reportStdoutError(e);
    process.exit(EXIT.io);
  });
}

/**
 * Progress on stderr for long runs (calibrate, measure, sweep, plan): a one-line bar with ETA when
 * stderr is a TTY (or DISPATCHSIM_PROGRESS=1); when it is piped, a plain line every
 * PIPED_EVERY_MS (first one after that long, so short runs print nothing); none with
 * DISPATCHSIM_PROGRESS=0.
 */
export const PIPED_EVERY_MS = 10_000;

export class Progress {
  private readonly start = Date.now();
  private last = 0;
  private lastLine = Date.now();
  private readonly enabled: boolean;
  private readonly piped: boolean;
  constructor(
    private readonly label: string,
    private readonly total: number,
  ) {
    const env = process.env.DISPATCHSIM_PROGRESS;
    this.enabled = env !== '0' && (process.stderr.isTTY === true || env === '1');
    this.piped = env !== '0' && !this.enabled;
  }
  update(done: number, note = ''): void {
    if (this.piped) {
      const now = Date.now();
      if (now - this.lastLine < PIPED_EVERY_MS || done >= this.total) return;
      this.lastLine = now;
      const elapsed = (now - this.start) / 1000;
      const eta = done > 0 ? (elapsed / done) * (this.total - done) : NaN;
      process.stderr.write(
        `${this.label}: ${done}/${this.total} after ${elapsed.toFixed(0)} s${Number.isFinite(eta) ? `, about ${eta.toFixed(0)} s left` : ''} ${note}\n`,
      );
      return;
    }
    if (!this.enabled) return;
    const now = Date.now();
    if (now - this.last < 100 && done < this.total) return;
    this.last = now;
    const frac = this.total > 0 ? done / this.total : 1;
    const width = 24;
    const bar = '#'.repeat(Math.round(frac * width)).padEnd(width, '.');
    const elapsed = (now - this.start) / 1000;
    const eta = frac > 0 ? (elapsed / frac) * (1 - frac) : 0;
    process.stderr.write(
      `\r${this.label} [${bar}] ${done}/${this.total} ${elapsed.toFixed(1)}s eta ${eta.toFixed(1)}s ${note}`
        .slice(0, 160)
        .padEnd(80),
    );
    if (done >= this.total) process.stderr.write('\n');
  }
  done(): void {
    if (this.enabled) this.update(this.total);
  }
}
