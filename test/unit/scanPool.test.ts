// The scan in worker threads (engine/scanPool.ts) gives exactly what the in-process scan gives,
// reuses what the cache holds, and stops when asked.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { AnalysisCache, analyzeWorkspace, auditWorkspace, defaultJobs, scanFilterOf, workerCount, type AuditResult } from '../../server/src/engine/audit';
import { batches, LARGE_FILE_BYTES, largeFileGroups, OTHER_LARGE_FILES_HEAP_MB, raisedHeapLimit, scanInWorkers, SERVER_WORKER_YOUNG_MB, shareStrings, smallFiles, workerLimits, workerScript, workerSetup, WORKER_HEAP_MB, type PoolScan } from '../../server/src/engine/scanPool';
import { generateTree, writeTree } from '../../bench/generate';
import type { WalkedFile } from '../../server/src/engine/workspace';
import { PackedAnalysis, packTables, tableCount } from '../../server/src/engine/packedTables';
import { RuledOutKeys } from '../../server/src/engine/ruledOutKeys';
import { StringPool } from '../../server/src/engine/stringPool';
import { cacheCompiledCode, codeCacheSettings } from '../../server/src/engine/codeCache';
import type { DbReference, FileAnalysis, TableReference } from '../../server/src/engine/types';

let root: string;
before(() => {
  root = mkdtempSync(path.join(os.tmpdir(), 'dbaudit-pool-'));
  writeTree(root, generateTree(600, 9));
  // A file the scan cannot read as text, and one that names a database only through an env var.
  writeFileSync(path.join(root, 'blob.txt'), Buffer.from([0x61, 0, 0x62]));
  writeFileSync(path.join(root, 'supa.py'), 'import os\nURL = os.environ["SUPABASE_URL"]\n');
  // Files large enough to be analyzed apart (scanPool.ts, LARGE_FILE_BYTES), one naming a database.
  const filler = Array.from({ length: 4000 }, (_, i) => `value_${i} = ${i}  # some padding to make the file large\n`).join('');
  writeFileSync(path.join(root, 'big_models.py'), `import sqlite3\nconn = sqlite3.connect("big.db")\n${filler}`);
  writeFileSync(path.join(root, 'big_fixtures.ts'), `export const rows = [\n${Array.from({ length: 6000 }, (_, i) => `  { id: ${i}, name: 'row number ${i}' },\n`).join('')}];\n`);
  writeFileSync(path.join(root, 'dbaudit.json'), JSON.stringify({ databases: { main: { engine: 'postgres', env: 'DATABASE_URL', role: 'primary' } }, sameDatabase: [['DATABASE_URL', 'SUPABASE_URL']] }));
});
after(() => rmSync(root, { recursive: true, force: true }));

// Analyses from workers keep their tables packed (packedTables.ts): compared by what they hold.
const plain = (a: FileAnalysis): FileAnalysis => ({ references: a.references, tables: a.tables });
const outcome = (r: AuditResult) => ({ files: r.filesScanned, analyses: [...r.analyses.entries()].map(([p, a]) => [p, plain(a)]), references: r.references, tables: r.tables, findings: r.findings, databases: r.databases });

test('two worker threads find exactly what one thread finds, in the same order', async () => {
  const here = await auditWorkspace({ root, jobs: 1 });
  const progress: number[] = [];
  const threaded = await auditWorkspace({ root, jobs: 2, onProgress: (done) => progress.push(done) });
  assert.ok(here.references.length > 100, `${here.references.length} references`);
  assert.ok(here.references.some((r) => r.path === 'supa.py' && r.envVar === 'SUPABASE_URL'), 'a declared variable is read through the filter');
  assert.ok(!here.analyses.has('blob.txt'), 'a binary file is not analyzed');
  assert.deepEqual(outcome(threaded), outcome(here));
  assert.equal(progress.length, here.files.filter((f) => f.kind === 'source').length);
  assert.equal(progress.at(-1), progress.length);
});

test('workers leave alone what the cache holds, and the results still come from it', async () => {
  const cache = new AnalysisCache();
  const first = await auditWorkspace({ root, jobs: 2, cache });
  const held = cache.size;
  assert.ok(held > 50, `${held} analyses held`);
  const second = await auditWorkspace({ root, jobs: 2, cache });
  assert.equal(cache.size, held, 'nothing analyzed twice');
  for (const [p, a] of second.analyses) if (a.references.length > 0) assert.equal(a, first.analyses.get(p), `${p}: the cached analysis itself`);
  assert.deepEqual(outcome(second), outcome(first));
});

test('workers keep and look up the files the prefilter ruled out, as this thread does, when the cache keeps them', async () => {
  const hereKeys = new RuledOutKeys();
  const here = await auditWorkspace({ root, jobs: 1, cache: new AnalysisCache(hereKeys) });
  const threadedKeys = new RuledOutKeys();
  const threaded = await auditWorkspace({ root, jobs: 2, cache: new AnalysisCache(threadedKeys) });
  assert.deepEqual(outcome(threaded), outcome(here));
  const kept = hereKeys.stored();
  assert.ok(kept.nothing.length > 300 && kept.envOnly.length > 0, `${kept.nothing.length} nothing, ${kept.envOnly.length} env-only`);
  assert.deepEqual(threadedKeys.stored(), kept);
  // Doctored: a file that names a database stored as ruled out. Workers that look it up first drop its references.
  const named = [...here.analyses].find(([, a]) => a.references.some((r) => r.kind === 'sqlite-path'))!;
  const text = readFileSync(path.join(root, named[0]), 'utf8');
  const doctored = new RuledOutKeys({ ...kept, nothing: [...kept.nothing, AnalysisCache.key(named[0], text)].sort() });
  const again = await auditWorkspace({ root, jobs: 2, cache: new AnalysisCache(doctored) });
  assert.deepEqual(plain(again.analyses.get(named[0])!), { references: [], tables: [] });
  assert.equal(again.analyses.size, here.analyses.size);
});

test('an aborted scan rejects with the reason and stops its workers', async () => {
  const controller = new AbortController();
  const reason = new Error('cancelled by the test');
  const scan = auditWorkspace({ root, jobs: 2, signal: controller.signal, onProgress: (done) => done === 10 && controller.abort(reason) });
  await assert.rejects(scan, (e) => e === reason);
});

/** The tree scanned by one worker with `options`, and the same tree analyzed in this thread, each as sorted (path, analysis) pairs. */
async function oneWorkerAndHere(options: Pick<PoolScan, 'heapLimitMb' | 'youngGenerationMb' | 'onOutOfMemory'>): Promise<[unknown[], unknown[]]> {
  const here = await auditWorkspace({ root, jobs: 1 });
  const got = new Map<string, FileAnalysis>();
  await scanInWorkers({
    files: here.files.filter((f) => f.kind === 'source'),
    workers: 1,
    filter: scanFilterOf(here.rulesFile?.config),
    cache: new AnalysisCache(),
    ...options,
    onFile: (_, p, a) => a && got.set(p, a),
  }, workerScript()!);
  return [[...got].map(([p, a]) => [p, plain(a)]).sort(), [...here.analyses].map(([p, a]) => [p, plain(a)]).sort()];
}

test('a worker that runs out of memory is replaced by one with a higher limit, and the results are the same', async () => {
  const limits: number[] = [];
  const [got, here] = await oneWorkerAndHere({
    heapLimitMb: 2, // too small for the TypeScript compiler, so the worker runs out of memory
    onOutOfMemory: (limit) => limits.push(limit),
  });
  assert.ok(limits.length > 0 && limits[0] === 2, `limits that ran out: ${limits.join(', ')}`);
  // The large files' workers start again from the given limit (scanInWorkers).
  assert.ok(limits.every((l, i) => l === 2 * (i === 0 || l === 2 ? 1 : limits[i - 1])), `each replacement has twice the limit: ${limits.join(', ')}`);
  assert.deepEqual(got, here);
});

/** The largest new space (MB) a worker with `limits` reached while keeping many small objects alive. */
function workerNewSpaceMb(limits: ReturnType<typeof workerLimits>): Promise<number> {
  const probe = [
    "const v8 = require('node:v8'); const { parentPort } = require('node:worker_threads'); let max = 0; const keep = [];",
    "for (let i = 0; i < 400000; i++) { keep.push({ i, s: 'x' + i });",
    "  if (i % 1000 === 0) max = Math.max(max, v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size); }",
    'parentPort.postMessage(max / 1048576);',
  ].join('\n');
  return new Promise((resolve, reject) => {
    const w = new Worker(probe, { eval: true, ...limits });
    w.once('message', (mb: number) => void w.terminate().then(() => resolve(mb)));
    w.once('error', reject);
  });
}

test('a language server\'s scan workers keep a small young generation, with the same results', async () => {
  assert.deepEqual(workerLimits(96, SERVER_WORKER_YOUNG_MB), { resourceLimits: { maxOldGenerationSizeMb: 96, maxYoungGenerationSizeMb: SERVER_WORKER_YOUNG_MB } });
  assert.deepEqual(workerLimits(undefined, undefined), {});
  // V8 grows a worker's new space to 32 MB by default when its objects survive; the limit holds it down.
  assert.ok((await workerNewSpaceMb(workerLimits(undefined, undefined))) > SERVER_WORKER_YOUNG_MB, 'the control: V8\'s default');
  assert.ok((await workerNewSpaceMb(workerLimits(96, SERVER_WORKER_YOUNG_MB))) <= SERVER_WORKER_YOUNG_MB);
  const [got, here] = await oneWorkerAndHere({ youngGenerationMb: SERVER_WORKER_YOUNG_MB });
  assert.deepEqual(got, here);
});

test('a heap limit doubles after running out of memory, and is dropped past 4 GB', () => {
  assert.equal(raisedHeapLimit(WORKER_HEAP_MB), WORKER_HEAP_MB * 2);
  assert.equal(raisedHeapLimit(2048), 4096);
  assert.equal(raisedHeapLimit(4096), undefined);
  assert.equal(raisedHeapLimit(undefined), undefined);
});

test('batches keep walk order and hold a few hundred KiB or one large file each', () => {
  const file = (i: number, size: number): WalkedFile => ({ path: `f${i}`, absPath: `/w/f${i}`, size, kind: 'source', gitIgnored: false });
  const files = [file(0, 100_000), file(1, 100_000), file(2, 100_000), file(3, 1_000_000), ...Array.from({ length: 100 }, (_, i) => file(4 + i, 10))];
  const jobs = [...batches(files, files.keys())];
  assert.deepEqual(jobs.flat(), [...files.keys()]);
  assert.deepEqual(jobs.map((j) => j.length), [2, 1, 1, 64, 36]);
});

test('files above LARGE_FILE_BYTES are set aside, in walk order, and the rest batched without them', () => {
  const file = (i: number, size: number): WalkedFile => ({ path: `f${i}`, absPath: `/w/f${i}`, size, kind: 'source', gitIgnored: false });
  const files = [file(0, 10), file(1, LARGE_FILE_BYTES + 1), file(2, LARGE_FILE_BYTES), file(3, 10), file(4, 5 * LARGE_FILE_BYTES)];
  const large: number[] = [];
  const small = [...batches(files, smallFiles(files, large))];
  assert.deepEqual(small, [[0, 2, 3]]);
  assert.deepEqual(large, [1, 4]);
  assert.deepEqual([...batches(files, large)], [[1], [4]], 'one large file per batch');
});

test('large files are grouped by the parser that keeps memory for them, each group in walk order', () => {
  const names = ['a.py', 'b.ts', 'dump.sql', 'c.jsx', 'run.sh', 'd.py', 'docs.md', 'e.mjs', 'setup.cfg'];
  const files = names.map((p): WalkedFile => ({ path: p, absPath: `/w/${p}`, size: 2 * LARGE_FILE_BYTES, kind: 'source', gitIgnored: false }));
  const groups = largeFileGroups(files, [...files.keys()]).map((g) => ({ files: g.files.map((i) => names[i]), heapLimitMb: g.heapLimitMb }));
  assert.deepEqual(groups, [
    { files: ['a.py', 'run.sh', 'd.py', 'setup.cfg'], heapLimitMb: WORKER_HEAP_MB },
    { files: ['b.ts', 'c.jsx', 'e.mjs'], heapLimitMb: WORKER_HEAP_MB },
    { files: ['dump.sql', 'docs.md'], heapLimitMb: OTHER_LARGE_FILES_HEAP_MB },
  ]);
  assert.ok(OTHER_LARGE_FILES_HEAP_MB < WORKER_HEAP_MB, 'no parser held in the other group: a smaller heap');
  assert.deepEqual(largeFileGroups(files, [1, 4]).map((g) => g.files), [[1], [4]], 'no empty group');
  assert.deepEqual(largeFileGroups(files, []), []);
});

test('large files are analyzed after every other file, by new workers, with the same results', async () => {
  const here = await auditWorkspace({ root, jobs: 1 });
  const sources = here.files.filter((f) => f.kind === 'source');
  const large = sources.flatMap((f, i) => (f.size > LARGE_FILE_BYTES ? [i] : []));
  assert.ok(large.length >= 2, `${large.length} large files in the tree`);
  const order: number[] = [];
  const got = new Map<string, FileAnalysis>();
  await scanInWorkers({
    files: sources,
    workers: 2,
    filter: scanFilterOf(here.rulesFile?.config),
    cache: new AnalysisCache(),
    onFile: (i, p, a) => {
      assert.equal(p, sources[i].path, 'each result comes with its own index');
      order.push(i);
      if (a) got.set(p, a);
    },
  }, workerScript()!);
  assert.equal(order.length, sources.length);
  assert.deepEqual(order.slice(-large.length).sort((a, b) => a - b), large, 'the large files last');
  assert.deepEqual([...got].map(([p, a]) => [p, plain(a)]).sort(), [...here.analyses].map(([p, a]) => [p, plain(a)]).sort());
  assert.ok(large.some((i) => (here.analyses.get(sources[i].path)?.references.length ?? 0) > 0), 'a large file with references');
});

test('a SQL dump too large for the other large files\' heap limit is analyzed again under a raised one, with the same analysis, and the caller is told', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'dbaudit-dump-'));
  try {
    // ~4 MB of statements: ~90 MB of tokens live at once, beyond OTHER_LARGE_FILES_HEAP_MB.
    const statement = (i: number) => `CREATE TABLE IF NOT EXISTS rag_items_${i} (id BIGSERIAL PRIMARY KEY, body TEXT NOT NULL);\nINSERT INTO rag_items_${i} (body) VALUES ('row ${i}'), ('another row ${i}');\n`;
    writeFileSync(path.join(dir, 'dump.sql'), Array.from({ length: 25_000 }, (_, i) => statement(i)).join(''));
    // Enough files for a language server's scan to go to a worker (auditWorkspace's isLarge).
    for (let i = 0; i < 2000; i++) writeFileSync(path.join(dir, `note_${i}.txt`), `note ${i}\n`);
    const maxFileSize = 8 * 1024 * 1024; // over the default 2 MB
    const here = await auditWorkspace({ root: dir, jobs: 1, maxFileSize });
    const files = here.files.filter((f) => f.kind === 'source');
    assert.deepEqual(largeFileGroups(files, [files.findIndex((f) => f.path === 'dump.sql')]).map((g) => g.heapLimitMb), [OTHER_LARGE_FILES_HEAP_MB]);
    const limits: number[] = [];
    const offloaded = await analyzeWorkspace({ root: dir, offload: true, maxFileSize, onWorkerOutOfMemory: (limit) => limits.push(limit) });
    assert.equal(limits[0], OTHER_LARGE_FILES_HEAP_MB, `limits that ran out: ${limits.join(', ')}`);
    assert.equal(tableCount(offloaded.analyses.get('dump.sql')!), 50_000);
    assert.deepEqual(plain(offloaded.analyses.get('dump.sql')!), plain(here.analyses.get('dump.sql')!));
    assert.equal(offloaded.filesScanned, here.filesScanned);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('threads by default: this one for a small tree; workers on a large one with cores to spare; one worker to offload a server', () => {
  const tree = (n: number, size: number): WalkedFile[] => Array.from({ length: n }, (_, i) => ({ path: `f${i}`, absPath: `/w/f${i}`, size, kind: 'source', gitIgnored: false }));
  const small = tree(100, 1000);
  const manyFiles = tree(2000, 100);
  const fewLargeFiles = tree(10, 1024 * 1024);
  assert.deepEqual([small, manyFiles, fewLargeFiles].map((t) => [defaultJobs(t, 2), defaultJobs(t, 4)]), [[1, 1], [1, 3], [1, 3]]);
  assert.equal(workerCount(small, { offload: true }), 0, 'a small tree is analyzed in-process even by the server');
  assert.equal(workerCount(manyFiles, { jobs: 1, offload: true }), 1);
  assert.equal(workerCount(manyFiles, { jobs: 1 }), 0);
  assert.equal(workerCount(small, { jobs: 3 }), 3, '--jobs is obeyed');
});

test('an analysis from a worker keeps its values when its repeated strings are shared again and its tables stay packed', () => {
  const copy = (s: string) => s.split('').join(''); // a distinct string object, as a structured clone makes
  const range = (line: number) => ({ start: { line, character: 4 }, end: { line, character: 9 } });
  const path = 'db/schema.sql';
  const table = (name: string, line: number, schema?: string): TableReference =>
    ({ path, range: range(line), name: copy(name), ...(schema ? { schema: copy(schema) } : {}), form: 'sql', declaration: line === 0 });
  const tables = [table('users', 0), table('users', 1, 'rag'), table('orders', 2)];
  const reference: DbReference = { path: copy(path), range: range(3), kind: 'env-read', engine: 'unknown', target: 'DATABASE_URL', value: 'DATABASE_URL', credentials: false, envVar: copy('DATABASE_URL') };
  const definition: DbReference = {
    path: copy(path), range: range(4), kind: 'env-define', engine: 'postgres', target: 'PGHOST', value: 'PGHOST=db', credentials: false,
    envVar: copy('PGHOST'), environment: copy('api'), valueDigest: 'a1b2c3d4e5f60718',
  };
  const literal: DbReference = { path: copy(path), range: range(5), kind: 'sqlite-path', engine: 'sqlite', target: 'zoe.db', value: 'zoe.db', credentials: false, defaultOf: copy('DATABASE_URL') };
  const references = [reference, definition, literal];
  const before = JSON.stringify({ references, tables });
  const pool = new StringPool();
  const shared = shareStrings(path, { references: references.map((r) => structuredClone(r)), tables: packTables(tables) }, pool);
  // (String identity is not observable in JavaScript; the heap numbers are in the README.)
  assert.ok(shared instanceof PackedAnalysis);
  assert.equal(tableCount(shared), 3);
  assert.equal(JSON.stringify(shared), before, 'the same values, tables in the same form');
  assert.deepEqual(shared.tables, tables);
  assert.deepEqual(pool.strings().sort(), ['DATABASE_URL', 'PGHOST', 'PGHOST=db', 'api', 'env-define', 'env-read', 'orders', 'postgres', 'rag', 'sqlite', 'sqlite-path', 'unknown', 'users', 'zoe.db'], 'each distinct string held once');
  assert.deepEqual(shared.references.map((r) => Object.keys(r)), references.map((r) => Object.keys(r)), 'the same keys in the same order, none added for an absent optional one');
  const none = shareStrings(path, { references: [], tables: packTables([]) }, pool);
  assert.deepEqual(none, { references: [], tables: [] }, 'a file without tables keeps a plain analysis');
});

test('workers are started with this process\'s code cache, when it has one (codeCache.ts: the compiler\'s compiled code)', () => {
  const scan = { filter: scanFilterOf(undefined), cache: new AnalysisCache() };
  assert.equal(codeCacheSettings(), undefined);
  assert.equal(workerSetup(scan).codeCache, undefined);
  const saved = process.env.NODE_DISABLE_COMPILE_CACHE;
  delete process.env.NODE_DISABLE_COMPILE_CACHE;
  try {
    // A file no test requires: the hook this installs never fires here.
    const dir = path.join(os.tmpdir(), 'dbaudit-no-such-cache');
    cacheCompiledCode([path.join(dir, 'never-required.js')], '--liftoff-only', dir);
  } finally {
    if (saved !== undefined) process.env.NODE_DISABLE_COMPILE_CACHE = saved;
  }
  assert.deepEqual(workerSetup(scan).codeCache, codeCacheSettings());
  assert.deepEqual(workerSetup(scan).codeCache?.variant, '--liftoff-only');
});
