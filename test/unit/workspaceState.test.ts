// The server's view of a folder: files the scan ruled out because their env reads named no
// database variable are analyzed again when the rules file comes to declare one of their names.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { WorkspaceState } from '../../server/src/server/workspaceState';
import { DEFAULT_SETTINGS } from '../../server/src/server/settings';

const roots: string[] = [];
after(() => roots.forEach((r) => rmSync(r, { recursive: true, force: true })));

function workspace(files: Record<string, string>): string {
  const root = mkdtempSync(path.join(os.tmpdir(), 'dbaudit-state-'));
  roots.push(root);
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    writeFileSync(path.join(root, rel), text);
  }
  return root;
}

const rules = (sameDatabase: string[][]) => JSON.stringify({ databases: { main: { engine: 'postgres', env: 'DATABASE_URL', role: 'primary' } }, sameDatabase });
const envReads = (state: WorkspaceState, file: string) => state.evaluate().references.filter((r) => r.path === file && r.kind === 'env-read').map((r) => r.envVar);

test('declaring a variable in the open rules file brings back reads of it the scan had ruled out', async () => {
  const root = workspace({
    'dbaudit.json': rules([]),
    'svc/supa.py': 'import os\nURL = os.environ["SUPABASE_URL"]\n',
    'web/supa.ts': 'export const url = process.env.SUPABASE_URL;\n',
  });
  const state = new WorkspaceState(root, DEFAULT_SETTINGS);
  await state.scan();
  assert.deepEqual(envReads(state, 'svc/supa.py'), []);
  await state.setDocument('web/supa.ts', 'export const url = process.env.SUPABASE_URL ?? "";\n');

  await state.setDocument('dbaudit.json', rules([['DATABASE_URL', 'SUPABASE_URL']]));
  assert.deepEqual(envReads(state, 'svc/supa.py'), ['SUPABASE_URL'], 'the file on disk');
  assert.deepEqual(envReads(state, 'web/supa.ts'), ['SUPABASE_URL'], 'the open document');

  await state.setDocument('dbaudit.json', rules([]));
  assert.deepEqual(envReads(state, 'svc/supa.py'), [], 'no longer declared: dropped again');
});

test('a rules file saved on disk with a new variable has the same effect', async () => {
  const root = workspace({ 'dbaudit.json': rules([]), 'svc/supa.py': 'import os\nURL = os.getenv("SUPABASE_URL")\n' });
  const state = new WorkspaceState(root, DEFAULT_SETTINGS);
  await state.scan();
  assert.deepEqual(envReads(state, 'svc/supa.py'), []);
  writeFileSync(path.join(root, 'dbaudit.json'), rules([['DATABASE_URL', 'SUPABASE_URL']]));
  await state.diskChanged('dbaudit.json', false);
  assert.deepEqual(envReads(state, 'svc/supa.py'), ['SUPABASE_URL']);
});

test('files not audited in full: logged by the scan; a too-large file opened in an editor is read after all; an open document past its parse budget is listed', async () => {
  const root = workspace({ 'dump.sql': 'CREATE TABLE users (id int);\n' + '-- padding\n'.repeat(200), 'ok.py': 'import sqlite3\nsqlite3.connect("zoe.db")\n' });
  const logged: string[] = [];
  const state = new WorkspaceState(root, { ...DEFAULT_SETTINGS, maxFileSize: 1024 }, (m) => logged.push(m));
  await state.scan();
  assert.deepEqual(state.notices().map((n) => [n.path, n.reason]), [['dump.sql', 'too-large']]);
  assert.deepEqual(logged, [`Not audited in full: ${path.join(root, 'dump.sql')}: ${state.notices()[0].message}`]);

  await state.setDocument('dump.sql', 'CREATE TABLE users (id int);\n');
  assert.deepEqual(state.notices(), [], 'open, it is analyzed');
  // bash's error recovery on 40,000 `)` runs past the budget (parseBudget.test.ts).
  await state.setDocument('run.sh', 'psql postgres://db/app\nX=' + ')'.repeat(40000) + '\n');
  assert.deepEqual(state.notices().map((n) => [n.path, n.reason]), [['run.sh', 'parse-budget']]);
  await state.setDocument('run.sh', undefined);
  await state.setDocument('dump.sql', undefined);
  assert.deepEqual(state.notices().map((n) => n.path), ['dump.sql'], 'closed, the disk version counts again');
});

test('a file changed on disk comes in only as the scan would list it: not from a virtualenv, node_modules, a git-ignored build or over the size limit', async () => {
  const root = workspace({ '.gitignore': 'dist/\n.env\n', 'app.py': 'import sqlite3\nsqlite3.connect("zoe.db")\n' });
  const state = new WorkspaceState(root, { ...DEFAULT_SETTINGS, maxFileSize: 4096 });
  await state.scan();
  const changed: Record<string, string> = {
    'dist/db.py': 'import sqlite3\nsqlite3.connect("dist.db")\n',
    'node_modules/pkg/db.js': 'const url = "postgres://u:hunter2@h/nm";\n',
    '.venv/lib/site.py': 'import sqlite3\nsqlite3.connect("venv.db")\n',
    '.venv/lib/fixture.db': 'SQLite format 3\0',
    'big.py': 'import sqlite3\nsqlite3.connect("big.db")\n' + '#'.repeat(5000) + '\n',
    // Listed, as the walk lists them: a new source file, a git-ignored .env (its credentials are where they belong), a database file.
    'svc/new.py': 'import sqlite3\nsqlite3.connect("new.db")\n',
    '.env': 'DATABASE_URL=postgres://u:hunter2@h/app\n',
    'data/new.db': 'SQLite format 3\0',
  };
  for (const [rel, text] of Object.entries(changed)) {
    mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    writeFileSync(path.join(root, rel), text);
    await state.diskChanged(rel, false);
  }
  const evaluation = state.evaluate();
  assert.deepEqual(evaluation.references.map((r) => `${r.path} ${r.target}`), ['.env DATABASE_URL', '.env app', 'app.py zoe.db', 'svc/new.py new.db']);
  assert.deepEqual(evaluation.findings.filter((f) => f.rule === 'credentials-in-connection-string'), [], 'the .env is git-ignored');
  assert.deepEqual(state.walkedFiles().filter((f) => f.kind === 'database').map((f) => f.path), ['data/new.db']);
  assert.deepEqual(state.notices().map((n) => [n.path, n.reason]), [['big.py', 'too-large']]);

  // Shrunk under the limit, it comes in; deleted, it goes, notice and all.
  writeFileSync(path.join(root, 'big.py'), 'import sqlite3\nsqlite3.connect("big.db")\n');
  await state.diskChanged('big.py', false);
  assert.ok(state.evaluate().references.some((r) => r.path === 'big.py'));
  assert.deepEqual(state.notices(), []);
  await state.diskChanged('data/new.db', true);
  assert.deepEqual(state.walkedFiles().filter((f) => f.kind === 'database'), []);
});

test('a document open where the audit does not look (git-ignored, a virtualenv, the rules file\'s ignore) is not checked; elsewhere it is, at any size', async () => {
  const root = workspace({
    '.gitignore': 'dist/\n',
    'dbaudit.json': JSON.stringify({ databases: { main: { engine: 'sqlite', file: 'zoe.db', role: 'primary' } }, ignore: ['legacy/**'] }),
    'dist/db.py': '', '.venv/lib/site.py': '', 'legacy/old.py': '', 'svc/big.py': '', '.env': '',
  });
  const state = new WorkspaceState(root, { ...DEFAULT_SETTINGS, maxFileSize: 1024 });
  await state.scan();
  const text = 'import sqlite3\nsqlite3.connect("other.db")\n';
  for (const rel of ['dist/db.py', '.venv/lib/site.py', 'legacy/old.py']) await state.setDocument(rel, text);
  await state.setDocument('svc/big.py', text + '#'.repeat(2000) + '\n');
  await state.setDocument('.env', 'DATABASE_PATH=other.db\n');
  assert.deepEqual([...new Set(state.evaluate().references.map((r) => r.path))].sort(), ['.env', 'svc/big.py']);
});

test('a folder deleted, moved or created on disk is one watcher event: its files go, move or come with it', async () => {
  const root = workspace({
    'app.py': 'import sqlite3\nsqlite3.connect("zoe.db")\n',
    'legacy/auth/store.py': 'import sqlite3\nsqlite3.connect("auth.db")\n',
    'legacy/auth.db': 'SQLite format 3\0',
    'legacy/dump.sql': 'CREATE TABLE users (id int);\n' + '-- padding\n'.repeat(200),
  });
  const state = new WorkspaceState(root, { ...DEFAULT_SETTINGS, maxFileSize: 1024 });
  await state.scan();
  const seen = () => ({
    references: state.evaluate().references.map((r) => r.path),
    databases: state.walkedFiles().filter((f) => f.kind === 'database').map((f) => f.path),
    notices: state.notices().map((n) => n.path),
  });
  assert.deepEqual(seen(), { references: ['app.py', 'legacy/auth/store.py'], databases: ['legacy/auth.db'], notices: ['legacy/dump.sql'] });

  // Moved: the watcher reports the old folder deleted and the new one created, not their files.
  renameSync(path.join(root, 'legacy'), path.join(root, 'old'));
  await state.diskChanged('legacy', true);
  await state.diskChanged('old', false);
  assert.deepEqual(seen(), { references: ['app.py', 'old/auth/store.py'], databases: ['old/auth.db'], notices: ['old/dump.sql'] });

  // Deleted.
  rmSync(path.join(root, 'old'), { recursive: true });
  await state.diskChanged('old', true);
  assert.deepEqual(seen(), { references: ['app.py'], databases: [], notices: [] });

  // Created where the scan does not look: nothing comes in.
  mkdirSync(path.join(root, 'node_modules/pkg'), { recursive: true });
  writeFileSync(path.join(root, 'node_modules/pkg/db.js'), 'const url = "postgres://db/app";\n');
  await state.diskChanged('node_modules', false);
  // A deleted path the server never read is not taken for a folder.
  await state.diskChanged('image.png', true);
  assert.deepEqual(seen(), { references: ['app.py'], databases: [], notices: [] });
});

test('a change event for a folder whose only entries are notices keeps one notice each, and a deleted one takes them away', async () => {
  const root = workspace({
    'app.py': 'import sqlite3\nsqlite3.connect("zoe.db")\n',
    'dumps/big.sql': 'CREATE TABLE users (id int);\n' + '-- padding\n'.repeat(200),
    'dumps/nested/bigger.sql': 'CREATE TABLE orders (id int);\n' + '-- padding\n'.repeat(300),
  });
  const state = new WorkspaceState(root, { ...DEFAULT_SETTINGS, maxFileSize: 1024 });
  await state.scan();
  const notices = () => state.notices().map((n) => n.path);
  assert.deepEqual(notices(), ['dumps/big.sql', 'dumps/nested/bigger.sql']);
  // The server knows no file under `dumps` (both are over the limit), only their notices.
  await state.diskChanged('dumps', false);
  assert.deepEqual(notices(), ['dumps/big.sql', 'dumps/nested/bigger.sql']);
  rmSync(path.join(root, 'dumps'), { recursive: true });
  await state.diskChanged('dumps', true);
  assert.deepEqual(notices(), []);
});
