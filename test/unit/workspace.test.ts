import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lstatSync, mkdtempSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { auditsPath, listedFileAt, walkFolder, walkWorkspace, readSourceText, type WalkOptions } from '../../server/src/engine/workspace';
import { decodeSource, encodeSource, type SourceEncoding } from '../../server/src/engine/sourceEncoding';

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

/** Every path under `root` (links not followed), as a raw listing would give it: what a file watcher may report. */
function everyPath(root: string, rel = ''): string[] {
  const out: string[] = [];
  for (const e of readdirSync(path.join(root, rel), { withFileTypes: true })) {
    const child = rel === '' ? e.name : `${rel}/${e.name}`;
    out.push(child);
    if (e.isDirectory()) out.push(...everyPath(root, child));
  }
  return out;
}

/** For every path of the tree, listedFileAt gives what the walk lists for it, and nothing for the rest. */
async function agreesWithWalk(options: WalkOptions): Promise<string[]> {
  const tooLargeByWalk: string[] = [];
  const walked = new Map((await walkWorkspace({ ...options, onTooLarge: (p) => tooLargeByWalk.push(p) })).map((f) => [f.path, f]));
  const tooLargeOne: string[] = [];
  for (const rel of everyPath(options.root)) {
    const one = listedFileAt({ ...options, onTooLarge: (p) => tooLargeOne.push(p) }, rel);
    const byWalk = walked.get(rel);
    // By its path alone (an open document's check): a regular file the walk lists, or would but for its size.
    const stat = lstatSync(path.join(options.root, rel));
    if (stat.isFile()) assert.equal(auditsPath(options, rel), byWalk !== undefined || tooLargeByWalk.includes(rel), `auditsPath ${rel}`);
    // A folder (or a link to one) as a watcher reports it created: the walk's files under it, no more.
    if (!stat.isFile()) assert.deepEqual((await walkFolder(options, rel)).map((f) => f.path), [...walked.keys()].filter((p) => p.startsWith(rel + '/')), `walkFolder ${rel}`);
    assert.deepEqual(one && [one.path, one.kind, one.size, one.gitIgnored, one.absPath], byWalk && [byWalk.path, byWalk.kind, byWalk.size, byWalk.gitIgnored, byWalk.absPath], rel);
  }
  assert.deepEqual(tooLargeOne.sort(), tooLargeByWalk.sort());
  return [...walked.keys()];
}

test('listedFileAt lists one path exactly as the walk would: ignores, nested and negated .gitignore, links, size', async () => {
  const root = tree({
    '.gitignore': 'build/\n*.log\ndist\n!dist/keep.py\nsecret*.py\n',
    'app/main.py': 'x = 1\n',
    'app/.gitignore': 'generated.py\n!secret_ok.py\n',
    'app/generated.py': 'x = 2\n',
    'app/secret_ok.py': 'x = 3\n',
    'app/secret_no.py': 'x = 4\n',
    'app/keep.log': 'x\n',
    'build/out.py': 'x = 3\n',
    'build/.gitignore': '!out.py\n',
    'build/.env': 'DATABASE_URL=postgres://db/app\n',
    'build/zoe.db': 'SQLite format 3\0',
    'dist/keep.py': 'x\n',
    'node_modules/pkg/index.js': 'x\n',
    'node_modules/pkg/data.db': 'SQLite format 3\0',
    'pkg/node_modules/x.js': 'x\n',
    '.venv/lib/site.py': 'x\n',
    'lib/site-packages/mod.py': 'x\n',
    'docs/archive/old.md': '`auth.db`\n',
    'docs/guide.md': '`zoe.db`\n',
    'legacy/old.py': 'x\n',
    'big.py': 'x = "' + 'a'.repeat(5000) + '"\n',
    'big.db': 'SQLite format 3\0' + 'a'.repeat(5000),
    '.env.local': 'A=1\n',
    'image.png': Buffer.from([0x89, 0x50, 0x4e, 0x47]),
  });
  symlinkSync(path.join(root, 'app'), path.join(root, 'linked-app'));
  symlinkSync(path.join(root, 'app', 'main.py'), path.join(root, 'linked.py'));
  try {
    const listed = await agreesWithWalk({ root, maxFileSize: 1024, ignoreGlobs: ['docs/archive/**', 'legacy'] });
    assert.deepEqual(listed, ['.env.local', 'app/main.py', 'app/secret_ok.py', 'big.db', 'build/.env', 'build/zoe.db', 'docs/guide.md']);
    // Paths a watcher reports that are not a file, or not there at all.
    for (const rel of ['app', 'missing/x.py', 'app/missing.py', '../outside.py', 'app/../app/main.py']) {
      assert.equal(listedFileAt({ root }, rel), undefined, rel);
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('listedFileAt agrees with the walk on the fixture workspaces', async () => {
  const fixtures = path.resolve(__dirname, '../fixtures');
  let listed = 0;
  for (const name of readdirSync(fixtures)) listed += (await agreesWithWalk({ root: path.join(fixtures, name) })).length;
  assert.ok(listed > 40, `${listed} files listed`);
});

test('UTF-16 with a BOM is read as text and written back the same; a binary that starts like one is still a binary', async () => {
  const text = 'DATABASE_URL=postgres://db/app\r\nNAME=Zoë — 数据库 😀\r\n';
  const encodings: Array<[SourceEncoding, Buffer]> = [
    ['utf8', Buffer.from(text, 'utf8')],
    ['utf8-bom', Buffer.from('\ufeff' + text, 'utf8')],
    ['utf16le', Buffer.from('\ufeff' + text, 'utf16le')],
    ['utf16be', Buffer.from('\ufeff' + text, 'utf16le').swap16()],
  ];
  for (const [encoding, bytes] of encodings) {
    assert.deepEqual(decodeSource(bytes), { text, encoding }, encoding);
    assert.deepEqual(encodeSource(text, encoding), bytes, encoding);
  }
  assert.equal(decodeSource(Buffer.from([0xff, 0xfe, 0x00, 0x00, 0x01, 0x02])), undefined, 'UTF-32LE, or a binary: a NUL once decoded');
  assert.equal(decodeSource(Buffer.from([0x41, 0x00, 0x42, 0x00])), undefined, 'UTF-16 without a BOM is not guessed');
  // A PowerShell-written .env is audited like any other.
  const root = tree({ '.env': Buffer.from('\ufeffDATABASE_URL=postgres://app@db/zoe\r\n', 'utf16le') });
  try {
    assert.equal(await readSourceText(path.join(root, '.env')), 'DATABASE_URL=postgres://app@db/zoe\r\n');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
