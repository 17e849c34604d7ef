import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { walkWorkspace, readSourceText } from '../../server/src/engine/workspace';

function tree(files: Record<string, string | Buffer>): string {
  const root = mkdtempSync(path.join(tmpdir(), 'dbaudit-walk-'));
  for (const [rel, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    writeFileSync(path.join(root, rel), content);
  }
  return root;
}

test('the walk honours nested .gitignore files and the rules file ignore globs, and skips dependency trees', async () => {
  const root = tree({
    '.gitignore': 'build/\n*.log\n',
    'app/main.py': 'x = 1\n',
    'app/.gitignore': 'generated.py\n!keep.log\n',
    'app/generated.py': 'x = 2\n',
    'app/keep.log': 'nope: .log is not a file type we read\n',
    'build/out.py': 'x = 3\n',
    'node_modules/pkg/index.js': 'x\n',
    '.venv/lib/site.py': 'x\n',
    'docs/archive/old.md': '`auth.db`\n',
    'docs/guide.md': '`zoe.db`\n',
    'image.png': Buffer.from([0x89, 0x50, 0x4e, 0x47]),
  });
  try {
    const files = await walkWorkspace({ root, ignoreGlobs: ['docs/archive/**'] });
    assert.deepEqual(files.map((f) => f.path), ['app/main.py', 'docs/guide.md']);
    // Made from the root when asked (not held per file), and still the file on disk.
    assert.deepEqual(files.map((f) => f.absPath), [path.join(root, 'app', 'main.py'), path.join(root, 'docs', 'guide.md')]);
    assert.ok(files.every((f) => readFileSync(f.absPath).length === f.size));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('database files and .env files are listed even when git-ignored, and marked so', async () => {
  const root = tree({
    '.gitignore': '*.db\n.env\ndata/\n',
    '.env': 'DATABASE_PATH=/app/data/zoe.db\n',
    'data/zoe.db': Buffer.from('SQLite format 3\0'),
    'data/notes.py': 'x = 1\n',
    'stray.sqlite3': Buffer.from('SQLite format 3\0'),
    'Thumbs.db': Buffer.from([0]),
  });
  try {
    const files = await walkWorkspace({ root });
    assert.deepEqual(files.map((f) => [f.path, f.kind, f.gitIgnored]), [
      ['.env', 'source', true],
      ['data/zoe.db', 'database', true],
      ['stray.sqlite3', 'database', false],
    ]);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('files over the size cap are skipped; binaries read as undefined; a BOM is dropped', async () => {
  const root = tree({
    'big.py': 'x = "' + 'a'.repeat(5000) + '"\n',
    'small.py': '\ufeffy = 1\n',
    'bin.json': Buffer.from([0x7b, 0x00, 0x7d]),
  });
  try {
    const files = await walkWorkspace({ root, maxFileSize: 1024 });
    assert.deepEqual(files.map((f) => f.path), ['bin.json', 'small.py']);
    assert.equal(await readSourceText(path.join(root, 'bin.json')), undefined);
    assert.equal(await readSourceText(path.join(root, 'small.py')), 'y = 1\n');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
