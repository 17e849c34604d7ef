// Hover on a SQLite reference whose file is in the workspace: the file's tables and row counts,
// read through the real server from a real SQLite file that stays byte-identical.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import Database from 'better-sqlite3';
import type { Hover } from 'vscode-languageserver-protocol';
import { TestClient, uri } from '../helpers/lspClient';

let root: string;
let client: TestClient;
const sha = (p: string) => createHash('sha256').update(readFileSync(p)).digest('hex');

before(async () => {
  root = mkdtempSync(path.join(tmpdir(), 'dbaudit-hover-sqlite-'));
  mkdirSync(path.join(root, 'data'));
  const db = new Database(path.join(root, 'data/zoe.db'));
  db.exec("CREATE TABLE users (id INTEGER PRIMARY KEY, username TEXT UNIQUE); CREATE TABLE sessions (token TEXT PRIMARY KEY);");
  const insert = db.prepare('INSERT INTO users (username) VALUES (?)');
  for (const u of ['admin', 'jason', 'testuser', 'system']) insert.run(u);
  db.close();
  writeFileSync(path.join(root, 'data/broken.db'), 'this is not a database');
  writeFileSync(path.join(root, 'dbaudit.json'), JSON.stringify({
    databases: { zoe: { engine: 'sqlite', file: '/app/data/zoe.db', env: 'DATABASE_PATH', absorbs: ['broken.db'] } },
  }));
  writeFileSync(path.join(root, 'app.py'), 'import sqlite3\nA = sqlite3.connect("/app/data/zoe.db")\nB = sqlite3.connect("data/broken.db")\nC = sqlite3.connect("gone.db")\n');
  client = new TestClient();
  await client.initialize(root);
  await client.waitFor('the startup scan', () => client.diagnostics.get(uri(root, 'app.py')));
});

after(async () => {
  await client?.stop();
  rmSync(root, { recursive: true, force: true });
});

const hoverAt = async (line: number, character: number) => {
  const hover = (await client.connection.sendRequest('textDocument/hover', { textDocument: { uri: uri(root, 'app.py') }, position: { line, character } })) as Hover;
  return (hover.contents as { value: string }).value;
};

test('a reference to a file in the workspace shows its tables and row counts; the file is untouched', async () => {
  const before = sha(path.join(root, 'data/zoe.db'));
  const listing = readdirSync(path.join(root, 'data')).sort();
  const text = await hoverAt(1, 30);
  assert.match(text, /^\*\*zoe\*\*/);
  assert.match(text, /On disk: `data\/zoe\.db` \([\d.]+ KiB\), 2 tables:/);
  assert.match(text, /- `users`: 4 rows/);
  assert.match(text, /- `sessions`: 0 rows/);
  assert.equal(await hoverAt(1, 30), text, 'the same answer from the cache');
  assert.equal(sha(path.join(root, 'data/zoe.db')), before);
  assert.deepEqual(readdirSync(path.join(root, 'data')).sort(), listing, 'no -wal, -shm or journal left behind');
});

test('a file that is not SQLite says why; a file not in the workspace adds nothing', async () => {
  assert.match(await hoverAt(2, 30), /On disk: `data\/broken\.db` \([\d.]+ KiB\): .*not a SQLite/i);
  assert.doesNotMatch(await hoverAt(3, 25), /On disk/);
});
