/**
 * File I/O for the CLI layer: reading documents with located errors, atomic writes, and listing
 * a folder's JSON files (the tests and the fuzzer walk scenarios/ and models/ with it).
 *
 * Phase: I/O (used by cli/, never by the core). Every write goes to a temporary file in the
 * target's directory and is renamed into place, so a crash or an error never leaves a partial
 * output; nothing is written when validation fails. (One exception, to keep hard links: a file
 * with several links is overwritten in place from the complete temp file; see overwriteInPlace.)
 */
import {
  readFileSync,
  writeFileSync,
  renameSync,
  mkdirSync,
  unlinkSync,
  readdirSync,
  statSync,
  lstatSync,
  readlinkSync,
  realpathSync,
  openSync,
  closeSync,
  fstatSync,
  readSync,
  writeSync,
  ftruncateSync,
  fsyncSync,
  chmodSync,
  constants,
  type Stats,
} from 'node:fs';
import { dirname, basename, join, resolve } from 'node:path';
import { diag, InputError, EXIT } from '../schema/diagnostics.js';
import { parseJsonText, validateDocument, type DocumentKind, type SourceMap } from '../schema/validate.js';

/** Largest input file accepted (bytes): larger files are refused with a diagnostic, not parsed. */
export const MAX_INPUT_BYTES = 64 * 1024 * 1024;

/** Real paths of the files this process read as inputs: an output may not replace one (writeFileAtomic). */
const inputsRead = new Set<string>();
/**
 * The same inputs as `device:inode`: a hard link to an input has another path but is the same
 * file, and an output written in place through it (a file with several links is, below) would
 * overwrite the input.
 */
const inputInodes = new Set<string>();
const inodeOf = (st: Stats): string => `${st.dev}:${st.ino}`;

/** Forgets the inputs read so far: called when a command starts (main runs several in one process in tests). */
export function forgetInputs(): void {
  inputsRead.clear();
  inputInodes.clear();
}

/** Whether `target` (a path from writeTarget) is one of this command's inputs, by path or by inode. */
function isInput(target: string): boolean {
  if (inputsRead.has(target)) return true;
  try {
    return inputInodes.has(inodeOf(statSync(target)));
  } catch {
    return false;
  }
}

function realOrSelf(file: string): string {
  try {
    return realpathSync(file);
  } catch {
    return resolve(file);
  }
}

function kindOf(st: Stats): string {
  if (st.isFIFO()) return 'a FIFO';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isSocket()) return 'a socket';
  if (st.isDirectory()) return 'a directory';
  return 'not a regular file';
}

function readError(file: string, detail: string): InputError {
  return new InputError([diag('DS5001', file, '', { name: file, detail })], EXIT.io);
}

/**
 * Reads a UTF-8 input file. Only regular files are read (a device such as /dev/zero never ends, a
 * FIFO blocks until a writer comes): anything else is refused with DS5001, and the size limit is
 * enforced while reading, so a file that grows is not read past it. `opts.output` marks a file
 * the command also writes (sweep --resume, schema --check): it is not registered as an input.
 */
export function readText(file: string, opts: { output?: boolean } = {}): string {
  if (file === '' || file === '-') throw readError(file === '' ? "''" : '-', 'name a file (standard input is not read)');
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    throw readError(file, (e as NodeJS.ErrnoException).code ?? String(e));
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw readError(file, `it is ${kindOf(st)}; give a regular file`);
    if (st.size > MAX_INPUT_BYTES)
      throw new InputError([diag('DS1106', file, '', { detail: `file is ${st.size} bytes; the limit is ${MAX_INPUT_BYTES}` })]);
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const buf = Buffer.allocUnsafe(Math.min(1 << 20, MAX_INPUT_BYTES + 1 - total) || 1);
      const n = readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      total += n;
      if (total > MAX_INPUT_BYTES)
        throw new InputError([diag('DS1106', file, '', { detail: `file is over the limit of ${MAX_INPUT_BYTES} bytes` })]);
      chunks.push(buf.subarray(0, n));
    }
    if (!opts.output) {
      inputsRead.add(realOrSelf(file));
      inputInodes.add(inodeOf(st));
    }
    const text = Buffer.concat(chunks, total).toString('utf8');
    // A UTF-8 byte-order mark (some Windows editors write one) is not part of the JSON.
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw readError(file, (e as NodeJS.ErrnoException).code ?? String(e));
  } finally {
    closeSync(fd);
  }
}

/** Reads, parses and schema-validates a document; throws InputError with every problem found. */
export function readDocument<T>(kind: DocumentKind, file: string): { doc: T; map: SourceMap } {
  const text = readText(file);
  const { value, map } = parseJsonText(text, file);
  const diags = validateDocument(kind, value, file, map);
  if (diags.some((d) => d.severity === 'error')) throw new InputError(diags);
  return { doc: value as T, map };
}

/** The file a write to `file` lands in: a symlink's target (followed, even when it dangles). */
function writeTarget(file: string): string {
  let p = resolve(file);
  for (let hops = 0; hops < 40; hops++) {
    let st: Stats;
    try {
      st = lstatSync(p);
    } catch {
      return join(realOrSelf(dirname(p)), basename(p));
    }
    if (!st.isSymbolicLink()) return join(realOrSelf(dirname(p)), basename(p));
    p = resolve(dirname(p), readlinkSync(p));
  }
  throw Object.assign(new Error('too many symbolic links'), { code: 'ELOOP' });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes temp files of `name` that a killed run left in `dir` (their process is gone). */
function removeStaleTemps(dir: string, name: string): void {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return;
  }
  const prefix = `.${name}.`;
  for (const e of entries) {
    if (!e.startsWith(prefix) || !e.endsWith('.tmp')) continue;
    const pid = Number(e.slice(prefix.length).split('.')[0]);
    if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && !isAlive(pid))
      try {
        unlinkSync(join(dir, e));
      } catch {
        /* someone else removed it */
      }
  }
}

/**
 * Writes `text` to `file` atomically: a temp file in the target's directory, renamed into place,
 * so a crash or an error never leaves a partial output. A symlink is followed (its target is
 * replaced, the link stays); an existing file keeps its permission bits; a file with other hard
 * links is written in place so that every link sees the output (not atomic: overwriteInPlace). A FIFO or a character
 * device (/dev/null, /dev/stdout) is written through, not replaced; a FIFO nobody reads, a
 * directory or any other special file is refused. An output that is one of this command's inputs
 * is refused (it would destroy the input). Temp files of killed runs are removed. DS5002 on error.
 */
export function writeFileAtomic(file: string, text: string, opts: { mayReplaceInput?: boolean } = {}): void {
  const fail = (detail: string) => new InputError([diag('DS5002', file, '', { name: file, detail })], EXIT.io);
  let target: string;
  try {
    target = writeTarget(file);
  } catch (e) {
    throw fail((e as NodeJS.ErrnoException).code ?? String(e));
  }
  if (!opts.mayReplaceInput && isInput(target)) throw fail(SAME_AS_INPUT);
  let existing: Stats | undefined;
  try {
    existing = statSync(target);
  } catch {
    existing = undefined;
  }
  try {
    if (existing && (existing.isFIFO() || existing.isCharacterDevice())) {
      // Written through: replacing a device or a FIFO with a regular file would break it.
      let fd: number;
      try {
        fd = openSync(target, constants.O_WRONLY | (existing.isFIFO() ? constants.O_NONBLOCK : 0));
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENXIO') throw new Error('it is a FIFO that no process reads');
        throw e;
      }
      try {
        if (existing.isFIFO()) {
          closeSync(fd);
          fd = openSync(target, constants.O_WRONLY);
        }
        writeFileSync(fd, text);
      } finally {
        closeSync(fd);
      }
      return;
    }
    if (existing && !existing.isFile()) throw new Error(`it is ${kindOf(existing)}; give a regular file`);
    const dir = dirname(target);
    mkdirSync(dir, { recursive: true });
    removeStaleTemps(dir, basename(target));
    const tmp = join(dir, `.${basename(target)}.${process.pid}.${Date.now()}.tmp`);
    try {
      writeFileSync(tmp, text, { mode: existing ? existing.mode & 0o7777 : 0o666 });
      if (existing && existing.nlink > 1) {
        overwriteInPlace(target, tmp);
        return;
      }
      if (existing) chmodSync(tmp, existing.mode & 0o7777);
      renameSync(tmp, target);
    } catch (e) {
      if ((e as { keepTemp?: boolean }).keepTemp) throw e;
      try {
        unlinkSync(tmp);
      } catch {
        /* the temp file may not exist */
      }
      throw e;
    }
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw fail((e as NodeJS.ErrnoException).code ?? (e as Error).message);
  }
}

/**
 * A file with other hard links: renaming a new file over this name would leave the other names
 * holding the old content (the link is broken silently, as the adversarial run found). So the
 * output is written into the existing inode instead, as editors do for such files (vim's
 * `backupcopy=auto`): the complete text is first in the temp file `tmp` (so a failure while
 * producing it never touches the target), then its bytes are copied over the target from offset
 * 0, the file is truncated to their length and synced, and the temp file removed.
 *
 * The trade-off: this write is not atomic. While it copies, a reader of any of the names can see
 * a mix of old and new bytes, and a crash or a full disk in the middle leaves the target torn;
 * the complete output is then still in the temp file, whose name the error gives (the next write
 * of this output removes it once its process is gone). The mode, owner and every link are kept.
 * A reader that must never see a partial file should not read the output through a hard link
 * while it is written (or should use a symlink, which is followed and replaced atomically).
 */
function overwriteInPlace(target: string, tmp: string): void {
  const bytes = readFileSync(tmp);
  let fd: number | undefined;
  try {
    fd = openSync(target, constants.O_WRONLY);
    let off = 0;
    while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off, off);
    ftruncateSync(fd, bytes.length);
    fsyncSync(fd);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
    throw Object.assign(
      new Error(`${code} while writing it in place (it has other hard links); the complete output is in ${tmp}`),
      { keepTemp: true },
    );
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
  unlinkSync(tmp);
}

const SAME_AS_INPUT = 'it is one of the inputs of this command; writing it would destroy the input: choose another file';

/**
 * Refuses, before a long run starts, an output that writeFileAtomic would refuse at the end: one
 * of the command's inputs, a directory or a special file other than a FIFO or character device.
 */
export function assertOutputAllowed(file: string): void {
  const fail = (detail: string) => new InputError([diag('DS5002', file, '', { name: file, detail })], EXIT.io);
  let target: string;
  try {
    target = writeTarget(file);
  } catch (e) {
    throw fail((e as NodeJS.ErrnoException).code ?? String(e));
  }
  if (isInput(target)) throw fail(SAME_AS_INPUT);
  try {
    const st = statSync(target);
    if (!st.isFile() && !st.isFIFO() && !st.isCharacterDevice()) throw fail(`it is ${kindOf(st)}; give a regular file`);
  } catch (e) {
    if (e instanceof InputError) throw e;
  }
}

/**
 * Claims `file` as this process's output for a long run (a sweep): a lock file beside it, created
 * exclusively, so that a second run writing the same output is refused (DS5002) instead of both
 * reporting success over each other's points. A lock whose process is gone is taken over.
 * Returns the function that releases it (also released when the process exits).
 */
export function lockOutput(file: string): () => void {
  const lock = writeTarget(file) + '.lock';
  const fail = (detail: string) => new InputError([diag('DS5002', file, '', { name: file, detail })], EXIT.io);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      mkdirSync(dirname(lock), { recursive: true });
      writeFileSync(lock, `${process.pid}\n`, { flag: 'wx' });
      const release = () => {
        try {
          unlinkSync(lock);
        } catch {
          /* already gone */
        }
        process.off('exit', release);
      };
      process.on('exit', release);
      return release;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw fail((e as NodeJS.ErrnoException).code ?? String(e));
      let pid = NaN;
      try {
        pid = Number(readFileSync(lock, 'utf8').trim());
      } catch {
        /* removed meanwhile */
      }
      if (Number.isInteger(pid) && pid > 0 && isAlive(pid))
        throw fail(`another dispatchsim (pid ${pid}) is writing it (lock ${lock})`);
      try {
        unlinkSync(lock);
      } catch {
        /* removed meanwhile */
      }
    }
  }
  throw fail(`cannot take the lock ${lock}`);
}

/** JSON with stable formatting: 2-space indent, keys in insertion order (builders fix the order). */
export function stableJson(value: unknown): string {
  return JSON.stringify(value, null, 2) + '\n';
}

/**
 * The `.json` files under `dirRel` (a folder relative to `root`), recursively, as paths relative
 * to `root`; each folder's entries in sorted order, so the list is the same on every machine.
 * Used by the tests and the fuzzer to enumerate scenarios/ and models/. Throws the file system's
 * error when the folder cannot be read.
 */
export function listJsonFiles(root: string, dirRel: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(join(root, d)).sort()) {
      const p = join(d, e);
      if (statSync(join(root, p)).isDirectory()) walk(p);
      else if (e.endsWith('.json')) out.push(p);
    }
  };
  walk(dirRel);
  return out;
}
