// engine/codeCache.ts in child processes (it hooks the CommonJS loader of the process it runs
// in): a hooked file's compiled code is written at exit, used by the next run, written again
// when V8 rejects it; the module behaves as if required plainly; a folder others can write is not
// trusted; only the newest variants of a file are kept; NODE_DISABLE_COMPILE_CACHE=1 turns it off.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

const CODE_CACHE = path.resolve(__dirname, '../../server/out/engine/codeCache.js');

let dir: string;
let target: string;
before(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'dbaudit-code-cache-'));
  target = path.join(dir, 'big.js');
  // Enough functions that V8's cached code is more than a header.
  const fns = Array.from({ length: 300 }, (_, i) => `function f${i}(x) { return x + ${i}; }`).join('\n');
  writeFileSync(target, `${fns}\nexports.answer = () => f41(1);\nexports.dirname = __dirname;\nexports.sep = require('node:path').sep;\n`);
});
after(() => rmSync(dir, { recursive: true, force: true }));

interface Run {
  outcome?: string;
  answer: number;
  dirname: string;
  sep: string;
}

function run(cacheDir: string, variant = 'test', env: NodeJS.ProcessEnv = {}): Run {
  const script = [
    `const cc = require(${JSON.stringify(CODE_CACHE)});`,
    `cc.cacheCompiledCode([${JSON.stringify(target)}], ${JSON.stringify(variant)}, ${JSON.stringify(cacheDir)});`,
    `const m = require(${JSON.stringify(target)});`,
    `console.log(JSON.stringify({ outcome: cc.codeCacheOutcomes().get(${JSON.stringify(target)}), answer: m.answer(), dirname: m.dirname, sep: m.sep }));`,
  ].join('\n');
  const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', env: { ...process.env, NODE_DISABLE_COMPILE_CACHE: '', ...env } });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as Run;
}

const cacheFiles = (cacheDir: string) => readdirSync(cacheDir).filter((f) => f.endsWith('.v8'));

test('compiled and written at exit, then used; the module behaves as if required plainly', () => {
  const cacheDir = path.join(dir, 'cache-a');
  const first = run(cacheDir);
  assert.deepEqual(first, { outcome: 'compiled', answer: 42, dirname: dir, sep: path.sep });
  assert.equal(cacheFiles(cacheDir).length, 1);
  assert.deepEqual(run(cacheDir), { ...first, outcome: 'used' });
  assert.equal(run(cacheDir, 'other flags').outcome, 'compiled', 'another variant has its own file');
  assert.equal(cacheFiles(cacheDir).length, 2);
});

test('only the newest variants of a file are kept; other files in the folder stay', () => {
  const cacheDir = path.join(dir, 'cache-prune');
  run(cacheDir);
  writeFileSync(path.join(cacheDir, 'other.js-0123456789abcdef.v8'), 'not ours to prune');
  for (let i = 0; i < 6; i++) assert.equal(run(cacheDir, `flags ${i}`).outcome, 'compiled');
  const kept = cacheFiles(cacheDir);
  assert.equal(kept.filter((f) => f.startsWith('big.js-')).length, 4);
  assert.ok(kept.includes('other.js-0123456789abcdef.v8'));
  // The newest variant was kept, the first one (the oldest) was not.
  assert.equal(run(cacheDir, 'flags 5').outcome, 'used');
  assert.equal(run(cacheDir).outcome, 'compiled');
});

test('code V8 rejects is written again at exit', () => {
  const cacheDir = path.join(dir, 'cache-b');
  run(cacheDir);
  const [file] = cacheFiles(cacheDir);
  writeFileSync(path.join(cacheDir, file), Buffer.alloc(4096, 7), { mode: 0o600 });
  assert.deepEqual(run(cacheDir), { outcome: 'rejected', answer: 42, dirname: dir, sep: path.sep });
  assert.equal(run(cacheDir).outcome, 'used');
});

test('a folder others can write is not trusted: its code is neither read nor written', () => {
  const cacheDir = path.join(dir, 'cache-c');
  run(cacheDir);
  chmodSync(cacheDir, 0o777);
  assert.equal(run(cacheDir).outcome, 'compiled', 'the code there is not read');
  for (const f of cacheFiles(cacheDir)) rmSync(path.join(cacheDir, f));
  run(cacheDir);
  assert.deepEqual(cacheFiles(cacheDir), [], 'nor written');
});

test('NODE_DISABLE_COMPILE_CACHE=1 turns it off', () => {
  const cacheDir = path.join(dir, 'cache-d');
  const r = run(cacheDir, 'test', { NODE_DISABLE_COMPILE_CACHE: '1' });
  assert.deepEqual(r, { answer: 42, dirname: dir, sep: path.sep });
  assert.throws(() => readdirSync(cacheDir), { code: 'ENOENT' });
});

/**
 * A worker thread started with the main thread's settings (codeCacheSettings(), as scanPool.ts
 * passes them in WorkerSetup) and requiring the file there: its outcome and whether it loaded.
 * `mainRequires`: the main thread then requires it too (and so writes its code at exit). A cache
 * file is per process's arguments (here this `-e` script), so only this script's runs share one.
 */
function runInWorker(cacheDir: string, mainRequires: boolean): Run {
  const workerScript = [
    `const cc = require(${JSON.stringify(CODE_CACHE)});`,
    `const { workerData, parentPort } = require('node:worker_threads');`,
    `cc.cacheCompiledCode(workerData.files, workerData.variant, workerData.dir);`,
    `const m = require(${JSON.stringify(target)});`,
    `parentPort.postMessage({ outcome: cc.codeCacheOutcomes().get(${JSON.stringify(target)}), answer: m.answer(), dirname: m.dirname, sep: m.sep });`,
  ].join('\n');
  const script = [
    `const cc = require(${JSON.stringify(CODE_CACHE)});`,
    `cc.cacheCompiledCode([${JSON.stringify(target)}], 'test', ${JSON.stringify(cacheDir)});`,
    `const { Worker } = require('node:worker_threads');`,
    `new Worker(${JSON.stringify(workerScript)}, { eval: true, workerData: cc.codeCacheSettings() }).on('message', (m) => {`,
    `  console.log(JSON.stringify(m));`,
    `  if (process.argv[1] === 'main') require(${JSON.stringify(target)});`,
    `});`,
  ].join('\n');
  const r = spawnSync(process.execPath, ['-e', script, mainRequires ? 'main' : 'worker only'], { encoding: 'utf8', env: { ...process.env, NODE_DISABLE_COMPILE_CACHE: '' } });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as Run;
}

test('a worker thread given the main thread\'s settings uses its cached code, and writes none', () => {
  const cacheDir = path.join(dir, 'cache-worker');
  assert.deepEqual(runInWorker(cacheDir, false), { outcome: 'compiled', answer: 42, dirname: dir, sep: path.sep });
  assert.throws(() => readdirSync(cacheDir), { code: 'ENOENT' }, 'only the main thread writes');
  assert.equal(runInWorker(cacheDir, true).outcome, 'compiled'); // and the main thread writes it at exit
  assert.equal(cacheFiles(cacheDir).length, 1);
  assert.deepEqual(runInWorker(cacheDir, false), { outcome: 'used', answer: 42, dirname: dir, sep: path.sep });
});

test('the compiler file whose code the CLI and the server cache is the TypeScript compiler, not the module that requires it', () => {
  // The built module, as the bin and the server run it: engine/typescript.js (the tsc output of
  // engine/typescript.ts) sits beside it, where the bundles keep their copy of the compiler.
  const built = require(path.resolve(__dirname, '../../server/out/engine/compilerFile.js')) as typeof import('../../server/src/engine/compilerFile');
  const file = built.typescriptCompilerFile();
  assert.equal(file, require.resolve('@ts-morph/common/dist/typescript.js'));
});
