/**
 * Output and input paths (issue 18, items 1, 9 and 14), through the CLI: a symlinked --out
 * replaces its target and keeps the link; an existing file keeps its mode; a FIFO and a character
 * device are written through, not replaced by a regular file; an output that is an input is
 * refused; temp files of killed runs are cleaned up; a device or FIFO as input is refused at once.
 * A file with other hard links is written in place, so every link sees the output.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  linkSync,
  lstatSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  readlinkSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runMain } from '../../helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'dispatchsim-paths-'));
const S = join(dir, 's.json');
const SCENARIO = JSON.stringify({ name: 'x', runtime: { flavor: 'current_thread' }, template: { kind: 'async_call', calls: 3 } });
writeFileSync(S, SCENARIO);
test.after(() => rmSync(dir, { recursive: true, force: true }));
const linux = process.platform === 'linux';

test('--out through a symlink writes the target and keeps the link', async () => {
  const target = join(dir, 'target.json');
  const link = join(dir, 'link.json');
  writeFileSync(target, 'old');
  symlinkSync(target, link);
  const r = await runMain(['simulate', S, '--out', link]);
  assert.equal(r.code, 0, r.out);
  assert.ok(lstatSync(link).isSymbolicLink(), 'the link is still a link');
  assert.equal(readlinkSync(link), target);
  assert.match(readFileSync(target, 'utf8'), /"kind": "dispatchsim-result"|"records"/);
});

test('a dangling symlink: the file it names is created', async () => {
  const link = join(dir, 'dangling.json');
  symlinkSync(join(dir, 'made-by-link.json'), link);
  const r = await runMain(['simulate', S, '--out', link]);
  assert.equal(r.code, 0, r.out);
  assert.ok(lstatSync(link).isSymbolicLink());
  assert.ok(existsSync(join(dir, 'made-by-link.json')));
});

test('an existing output keeps its permission bits', async () => {
  const f = join(dir, 'private.json');
  writeFileSync(f, 'old');
  chmodSync(f, 0o600);
  const r = await runMain(['simulate', S, '--out', f]);
  assert.equal(r.code, 0, r.out);
  assert.equal(statSync(f).mode & 0o777, 0o600);
});

test('--out to a file with other hard links: every link sees the output (same inode, mode kept, no temp left)', async () => {
  const a = join(dir, 'linked-a.json');
  const b = join(dir, 'linked-b.json');
  writeFileSync(a, 'old content that is longer than nothing');
  chmodSync(a, 0o640);
  linkSync(a, b);
  const ino = statSync(a).ino;
  const r = await runMain(['simulate', S, '--out', b]);
  assert.equal(r.code, 0, r.out);
  assert.equal(statSync(b).ino, ino, 'b is still the same file');
  assert.equal(statSync(a).nlink, 2, 'the link is kept');
  assert.equal(statSync(a).mode & 0o777, 0o640);
  const text = readFileSync(a, 'utf8');
  assert.equal(text, readFileSync(b, 'utf8'));
  assert.doesNotThrow(() => JSON.parse(text), 'a whole Result, no old bytes left over');
  assert.match(text, /"source": "simulated"/);
  assert.deepEqual(
    readdirSync(dir).filter((f) => f.startsWith('.linked-b.json.')),
    [],
  );
});

test('--out that is a hard link to the input is refused (by inode) and the input kept', { skip: !linux }, async () => {
  const link = join(dir, 'input-hardlink.json');
  linkSync(S, link);
  const r = await runMain(['simulate', S, '--out', link]);
  assert.equal(r.code, 5, r.out);
  assert.match(r.out, /one of the inputs/);
  assert.equal(readFileSync(S, 'utf8'), SCENARIO);
});

// Device nodes of the test's own (mknod, as root), never /dev/null itself: before the fix a run
// replaced the device with a JSON file, and a machine without /dev/null breaks everything on it.
const canMknod = linux && spawnSync('mknod', ['-m', '666', join(dir, 'probe-null'), 'c', '1', '3']).status === 0;
test('a character device is written through, not replaced (null and full devices)', { skip: !canMknod }, async () => {
  const nul = join(dir, 'null');
  const full = join(dir, 'full');
  assert.equal(spawnSync('mknod', ['-m', '666', nul, 'c', '1', '3']).status, 0);
  assert.equal(spawnSync('mknod', ['-m', '666', full, 'c', '1', '7']).status, 0);
  const r = await runMain(['simulate', S, '--out', nul]);
  assert.equal(r.code, 0, r.out);
  assert.ok(statSync(nul).isCharacterDevice());
  const f = await runMain(['simulate', S, '--out', full]);
  assert.equal(f.code, 5, f.out);
  assert.match(f.out, /cannot write '.*full': ENOSPC \[DS5002\]/);
  assert.ok(statSync(full).isCharacterDevice());
});

test('a FIFO: written through to its reader; refused when nobody reads it', { skip: !linux }, () => {
  const fifo = join(dir, 'out.fifo');
  assert.equal(spawnSync('mkfifo', [fifo]).status, 0);
  const bin = join(process.cwd(), 'bin/dispatchsim.js');
  const alone = spawnSync(process.execPath, [bin, 'simulate', S, '--out', fifo], { encoding: 'utf8', timeout: 30_000 });
  assert.equal(alone.status, 5, alone.stderr);
  assert.match(alone.stderr, /no process reads/);
  // The reader must have the FIFO open before simulate looks for one, or simulate is (rightly)
  // refused and a late reader waits forever: the shell holds it read-write (3<>, which does not
  // block), starts cat without that descriptor, waits until cat has opened the FIFO itself, runs
  // simulate, then lets go, so cat sees the end of the data. The script exits with simulate's status.
  const script =
    `exec 3<>"${fifo}"; cat "${fifo}" > "${fifo}.got" 3>&- & c=$!; ` +
    `while ! ls -l /proc/$c/fd 2>/dev/null | grep -q 'out[.]fifo$'; do sleep 0.01; done; ` +
    `node "${bin}" simulate "${S}" --out "${fifo}"; s=$?; exec 3>&-; wait $c; exit $s`;
  const read = spawnSync('sh', ['-c', script], { encoding: 'utf8', timeout: 30_000 });
  assert.equal(read.status, 0, read.stderr);
  assert.ok(lstatSync(fifo).isFIFO(), 'still a FIFO');
  assert.match(readFileSync(`${fifo}.got`, 'utf8'), /"records"/);
});

test('a directory as --out is refused', async () => {
  const r = await runMain(['simulate', S, '--out', dir]);
  assert.equal(r.code, 5, r.out);
  assert.match(r.out, /it is a directory/);
});

test('--out equal to the input (also through a symlink) is refused and the input kept', async () => {
  const r = await runMain(['simulate', S, '--out', S]);
  assert.equal(r.code, 5, r.out);
  assert.match(r.out, /one of the inputs/);
  assert.equal(readFileSync(S, 'utf8'), SCENARIO);
  const link = join(dir, 'to-input.json');
  symlinkSync(S, link);
  const t = await runMain(['simulate', S, '--trace', link]);
  assert.equal(t.code, 5, t.out);
  assert.equal(readFileSync(S, 'utf8'), SCENARIO);
  const w = await runMain(['sweep', S, '--vary', '/template/calls=1,2', '--jobs', '1', '--out', S]);
  assert.equal(w.code, 5, w.out);
  assert.equal(readFileSync(S, 'utf8'), SCENARIO);
});

test("a killed run's temp file is removed by the next write of that output", async () => {
  const out = join(dir, 'r.json');
  const stale = join(dir, '.r.json.999999999.1.tmp'); // no such process
  writeFileSync(stale, 'x'.repeat(1000));
  const r = await runMain(['simulate', S, '--out', out]);
  assert.equal(r.code, 0, r.out);
  assert.ok(!existsSync(stale), readdirSync(dir).join(' '));
});

test('a second sweep to an --out that a live run holds is refused', async () => {
  const out = join(dir, 'locked.json');
  writeFileSync(`${out}.lock`, `${process.pid}\n`); // this process is alive
  const r = await runMain(['sweep', S, '--vary', '/template/calls=1,2', '--jobs', '1', '--out', out]);
  assert.equal(r.code, 5, r.out);
  assert.match(r.out, /another dispatchsim \(pid \d+\) is writing it/);
  rmSync(`${out}.lock`);
  const ok = await runMain(['sweep', S, '--vary', '/template/calls=1,2', '--jobs', '1', '--out', out]);
  assert.equal(ok.code, 0, ok.out);
  assert.ok(!existsSync(`${out}.lock`), 'the lock is released');
});

test('inputs: a device, a FIFO, "-" and "" are refused at once, with DS5001', { skip: !linux }, async () => {
  const fifo = join(dir, 'in.fifo');
  assert.equal(spawnSync('mkfifo', [fifo]).status, 0);
  for (const f of ['/dev/zero', fifo]) {
    const r = await runMain(['check', f]);
    assert.equal(r.code, 5, `${f}: ${r.out}`);
    assert.match(r.out, /DS5001/);
  }
  for (const argv of [
    ['check', '-'],
    ['simulate', '-'],
    ['check', ''],
    ['simulate', ''],
  ]) {
    const r = await runMain(argv);
    assert.equal(r.code, 2, `${argv.join(' ')}: ${r.out}`);
    assert.match(r.out, /standard input|is empty/);
  }
});
