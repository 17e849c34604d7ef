// `db-audit scan --timings`: where a scan's time went, on stderr, without changing the report.
// The milliseconds vary from run to run; the files each phase handled do not, and are checked.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { runCli } from '../helpers/cli';
import { formatTimings, orderedPhases, parseTimings, ScanTimings, type PhaseTime, type ReadTimings } from '../../server/src/engine/timings';

let root: string;

before(() => {
  root = mkdtempSync(path.join(tmpdir(), 'dbaudit-timings-'));
  const files: Record<string, string> = {
    'api/app.py': 'URL = "postgresql://app@db:5432/zoe"\n', // parsed
    'api/util.py': 'print(1)\n', // ruled out: nothing a detector could read
    'web/store.ts': "export const file = 'data/zoe.db';\n", // parsed
    'compose.yml': 'services:\n  api:\n    environment:\n      DATABASE_URL: postgresql://app@db:5432/zoe\n', // parsed
    'README.md': '# Notes\n', // Markdown is always read
    'scripts/hello.sh': 'echo hello\n', // ruled out: no literal, no database variable
  };
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    writeFileSync(path.join(root, rel), text);
  }
});

after(() => rmSync(root, { recursive: true, force: true }));

/** The table's rows by phase name, its ruled-out count and garbage collection apart. */
function rows(stderr: string): ReadTimings & { phases: Map<string, PhaseTime> } {
  const read = parseTimings(stderr);
  assert.ok(read, stderr);
  const lines = stderr.split('\n');
  // Every line of the table was read: the heading, the column names, the rows.
  const start = lines.indexOf('db-audit: timings (this thread):');
  assert.match(lines[start + 1], /^ {2}phase +ms +files$/);
  const tableLines = lines.slice(start + 2).filter((l) => l.startsWith('  '));
  const rowsRead = read.phases.size + (read.workers?.phases.size ?? 0) + (read.garbageCollectionMs === undefined ? 0 : 1);
  assert.equal(rowsRead, tableLines.length, stderr);
  return read;
}

const filesOf = (phases: Map<string, PhaseTime>, names: string[]) => Object.fromEntries(names.map((n) => [n, phases.get(n)?.files]));

test('--timings prints each phase with the files it handled, and leaves the report as it is', async () => {
  const plain = await runCli(['scan', root, '--format', 'json', '--jobs', '1']);
  const timed = await runCli(['scan', root, '--format', 'json', '--jobs', '1', '--timings']);
  assert.equal(timed.code, plain.code);
  assert.equal(timed.stdout, plain.stdout);
  assert.doesNotMatch(plain.stderr, /timings/);
  const { phases, ruledOut } = rows(timed.stderr);
  assert.deepEqual(
    [...phases.keys()],
    ['start-up', 'rules file', 'grammars', 'walk', 'read', 'hash', 'prefilter',
      ...[...phases.keys()].filter((n) => n.startsWith('detect ')), 'evaluate', 'report', 'other', 'total'],
  );
  assert.deepEqual(filesOf(phases, ['walk', 'read', 'prefilter', 'hash']), { walk: 6, read: 6, prefilter: 6, hash: 4 });
  assert.equal(ruledOut, 2); // util.py, hello.sh
  const detectors = Object.fromEntries([...phases].filter(([n]) => n.startsWith('detect ')).map(([n, r]) => [n, r.files]));
  assert.deepEqual(detectors, { 'detect python': 1, 'detect javascript': 1, 'detect yaml': 1, 'detect markdown': 1 });
  // Detectors by time, largest first.
  const detectorMs = [...phases].filter(([n]) => n.startsWith('detect ')).map(([, r]) => r.ms);
  assert.deepEqual(detectorMs, [...detectorMs].sort((a, b) => b - a));
  // The phases and `other` add up to the total (each rounded to a millisecond).
  const total = phases.get('total')!.ms;
  const parts = [...phases].filter(([n]) => n !== 'total').reduce((n, [, r]) => n + r.ms, 0);
  assert.ok(Math.abs(parts - total) <= phases.size, `${parts} against ${total}`);
  assert.ok(phases.get('start-up')!.ms > 0 && phases.get('start-up')!.ms < total);
  const gc = rows(timed.stderr).garbageCollectionMs;
  assert.ok(gc !== undefined && gc >= 0 && gc < total, `garbage collection ${gc} of ${total}`);
});

test('with worker threads, the analysis is one phase here, and the workers\' steps are listed beside it, summed over the threads', async () => {
  const plain = await runCli(['scan', root, '--format', 'json', '--jobs', '1']);
  const timed = await runCli(['scan', root, '--format', 'json', '--jobs', '2', '--timings']);
  assert.equal(timed.stdout, plain.stdout);
  const { phases, workers } = rows(timed.stderr);
  assert.equal(phases.get('analysis in 2 worker threads')?.files, 6);
  assert.deepEqual([...phases.keys()].filter((n) => n === 'read' || n === 'prefilter' || n.startsWith('detect ')), []);
  // The same files in the same steps as in one thread.
  assert.ok(workers, timed.stderr);
  assert.deepEqual(filesOf(workers.phases, ['read', 'prefilter', 'hash']), { read: 6, prefilter: 6, hash: 4 });
  assert.equal(workers.ruledOut, 2);
  const detectors = Object.fromEntries([...workers.phases].filter(([n]) => n.startsWith('detect ')).map(([n, r]) => [n, r.files]));
  assert.deepEqual(detectors, { 'detect python': 1, 'detect javascript': 1, 'detect yaml': 1, 'detect markdown': 1 });
  // Listed right after the phase they ran in, and not counted in the total (thread time, not this thread's).
  const lines = timed.stderr.split('\n');
  const at = lines.findIndex((l) => l.startsWith('  analysis in 2 worker threads'));
  assert.match(lines[at + 1], /^ {2}workers, summed: read /);
  const total = phases.get('total')!.ms;
  const parts = [...phases].filter(([n]) => n !== 'total').reduce((n, [, r]) => n + r.ms, 0);
  assert.ok(Math.abs(parts - total) <= phases.size, `${parts} against ${total}`);
});

test('--cache: the cache is loaded and saved as phases of their own, and a warm run parses nothing', async () => {
  const cache = path.join(root, '..', `${path.basename(root)}-cache`);
  try {
    await runCli(['scan', root, '--format', 'json', '--jobs', '1', '--cache', cache]);
    const warm = await runCli(['scan', root, '--format', 'json', '--jobs', '1', '--cache', cache, '--timings']);
    const { phases } = rows(warm.stderr);
    assert.ok(phases.has('cache load') && phases.has('cache save'), warm.stderr);
    assert.deepEqual([...phases.keys()].filter((n) => n === 'prefilter' || n.startsWith('detect ')), []);
    assert.equal(phases.get('hash')?.files, 6); // every file is hashed and looked up
  } finally {
    rmSync(cache, { recursive: true, force: true });
  }
});

test('the table lists the phases in the order a scan passes through them, the detectors by time', () => {
  const t = new ScanTimings();
  t.add('report', 3);
  t.add('detect sql', 5, 2);
  t.add('walk', 10, 7);
  t.add('detect python', 40, 1);
  t.add('start-up', 90);
  t.add('evaluate', 2);
  t.add('prefilter', 4, 7);
  t.ruledOut = 4;
  assert.deepEqual(orderedPhases(t).map(([n]) => n), ['start-up', 'walk', 'prefilter', 'detect python', 'detect sql', 'evaluate', 'report']);
  assert.equal(
    formatTimings(t, 160),
    [
      'db-audit: timings (this thread):',
      '  phase                     ms  files',
      '  start-up                  90',
      '  walk                      10      7',
      '  prefilter (4 ruled out)    4      7',
      '  detect python             40      1',
      '  detect sql                 5      2',
      '  evaluate                   2',
      '  report                     3',
      '  other                      6',
      '  total                    160',
      '',
    ].join('\n'),
  );
  // Worker threads' steps go right after the phase they ran in, and stay out of `other`.
  const pooled = new ScanTimings();
  pooled.add('walk', 10, 7);
  pooled.add('analysis in 2 worker threads', 50, 7);
  pooled.addWorkers({ phases: [['read', { ms: 20, files: 4 }], ['prefilter', { ms: 9, files: 4 }], ['detect sql', { ms: 30, files: 2 }]], ruledOut: 1 });
  pooled.addWorkers({ phases: [['read', { ms: 15, files: 3 }], ['prefilter', { ms: 6, files: 3 }]], ruledOut: 3 });
  assert.equal(
    formatTimings(pooled, 70),
    [
      'db-audit: timings (this thread):',
      '  phase                                     ms  files',
      '  walk                                      10      7',
      '  analysis in 2 worker threads              50      7',
      '  workers, summed: read                     35      7',
      '  workers, summed: prefilter (4 ruled out)  15      7',
      '  workers, summed: detect sql               30      2',
      '  other                                     10',
      '  total                                     70',
      '',
    ].join('\n'),
  );
  const pooledRead = parseTimings(formatTimings(pooled, 70));
  assert.deepEqual([...pooledRead!.phases.keys()], ['walk', 'analysis in 2 worker threads', 'other', 'total']);
  assert.deepEqual([...pooledRead!.workers!.phases].map(([n, p]) => `${n} ${p.ms} ${p.files}`), ['read 35 7', 'prefilter 15 7', 'detect sql 30 2']);
  assert.equal(pooledRead!.workers!.ruledOut, 4);
  t.garbageCollectionMs = 12.4;
  const read = parseTimings(`db-audit: 1 file was not audited in full\n${formatTimings(t, 160)}`);
  assert.deepEqual(read?.garbageCollectionMs, 12);
  assert.equal(read?.ruledOut, 4);
  assert.deepEqual([...read!.phases].map(([n, p]) => `${n} ${p.ms} ${p.files}`), [
    'start-up 90 0', 'walk 10 7', 'prefilter 4 7', 'detect python 40 1', 'detect sql 5 2', 'evaluate 2 0', 'report 3 0', 'other 6 0', 'total 160 0',
  ]);
});
