import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { generateTree, mulberry32, writeTree } from '../../bench/generate';

/** One digest over every file's path and bytes, in sorted path order. */
function hashTree(root: string): string {
  const h = createHash('sha256');
  const files = readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(root, path.join(e.parentPath ?? e.path, e.name)).split(path.sep).join('/'))
    .sort();
  for (const f of files) h.update(f).update('\0').update(readFileSync(path.join(root, f))).update('\0');
  return h.digest('hex');
}

function written(files: number, seed: number): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'dbaudit-gen-'));
  writeTree(dir, generateTree(files, seed));
  return dir;
}

test('the same seed writes a byte-identical tree; another seed writes a different one', () => {
  const a = written(120, 7);
  const b = written(120, 7);
  const c = written(120, 8);
  try {
    assert.equal(hashTree(a), hashTree(b));
    assert.notEqual(hashTree(a), hashTree(c));
  } finally {
    for (const d of [a, b, c]) rmSync(d, { recursive: true, force: true });
  }
});

test('rewriting a generated directory replaces it, and a foreign non-empty directory is refused', () => {
  const dir = written(30, 1);
  try {
    const first = hashTree(dir);
    writeTree(dir, generateTree(30, 1));
    assert.equal(hashTree(dir), first);
    rmSync(path.join(dir, '.bench-generated'));
    assert.throws(() => writeTree(dir, generateTree(30, 1)), /not empty/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the tree has the asked size, the mix of file types, about one file in ten with a database reference, and large files', () => {
  const tree = generateTree(2000, 3);
  assert.equal(tree.length, 2000);
  const exts = new Set(tree.map((f) => path.extname(f.path)));
  for (const e of ['.py', '.ts', '.yml', '.env', '.sh', '.sql', '.json', '.md', '.txt']) assert.ok(exts.has(e), `no ${e} file`);
  const share = tree.filter((f) => f.database).length / tree.length;
  assert.ok(share > 0.06 && share < 0.16, `database share ${share}`);
  assert.ok(tree.filter((f) => f.content.length > 200_000).length >= 2, 'no large files');
});

test('mulberry32 is a pure function of its seed, in [0, 1)', () => {
  const a = mulberry32(42);
  const b = mulberry32(42);
  const xs = Array.from({ length: 1000 }, () => a());
  assert.deepEqual(xs, Array.from({ length: 1000 }, () => b()));
  assert.ok(xs.every((x) => x >= 0 && x < 1));
  assert.ok(new Set(xs).size > 990);
});
