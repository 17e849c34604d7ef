// The built `db-audit plan` on a temp workspace whose users table is split over zoe.db, auth.db
// and developer_tasks.db: the script it prints or writes (no file touched), `--apply --backup`
// (the union committed, conflicts reported, absorbed files byte-identical, backups that open),
// a forced verification failure (target byte-identical, exit 1), and usage errors.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import Database from 'better-sqlite3';
import { fingerprint, splitUsers, tempDir } from '../helpers/sqliteFixtures';
import { runCli, type CliRun } from '../helpers/cli';

const REPO = path.resolve(__dirname, '../..');
const BIN = path.join(REPO, 'server/bin/db-audit.js');

function run(args: string[], cwd = REPO): Promise<CliRun> {
  return runCli(args, { cwd });
}

const RULES = { databases: { zoe: { engine: 'sqlite', file: '/app/data/zoe.db', absorbs: ['auth.db', 'developer_tasks.db'] } } };

function workspace(): { root: string; zoe: string } {
  const root = tempDir('dbaudit-plan-cli-');
  mkdirSync(path.join(root, 'data'));
  const { zoe } = splitUsers(path.join(root, 'data'));
  writeFileSync(path.join(root, 'dbaudit.json'), JSON.stringify(RULES, null, 2));
  return { root, zoe };
}

function rows(file: string, sql: string): unknown[] {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return db.prepare(sql).pluck().all();
  } finally {
    db.close();
  }
}

test('plan prints the merge script and touches no file; --output writes it', async () => {
  const { root } = workspace();
  const before = fingerprint(root);
  const r = await run(['plan', root]);
  assert.equal(r.stderr, '');
  assert.equal(r.code, 0);
  assert.deepEqual(fingerprint(root), before);
  assert.match(r.stdout, /^ATTACH DATABASE '.*\/data\/auth\.db' AS "src_auth";$/m);
  assert.match(r.stdout, /^CREATE TABLE IF NOT EXISTS main\."sessions" \(token TEXT PRIMARY KEY, user_id INTEGER, expires_at TEXT\);$/m);
  assert.match(r.stdout, /^INSERT INTO main\."users" \("username", "email"\) SELECT "username", "email" FROM "src_developer_tasks"\."users" WHERE "username" IS NOT NULL ON CONFLICT DO NOTHING;$/m);
  assert.match(r.stdout, /^--   conflict: username='jason' \(differs in email\)$/m);
  assert.match(r.stdout, /^SELECT 'users' AS "check", 5 AS expected, \(SELECT count\(\*\) FROM main\."users"\) AS actual;$/m);
  const out = path.join(tempDir('dbaudit-plan-out-'), 'plan.sql');
  const w = await run(['plan', root, '--output', out]);
  assert.equal(w.code, 0);
  assert.equal(w.stdout, '');
  assert.equal(readFileSync(out, 'utf8'), r.stdout);
});

test('plan --apply --backup: backups that open, the union in the target, conflicts reported, absorbed files byte-identical', async () => {
  const { root, zoe } = workspace();
  const before = fingerprint(root);
  const backup = path.join(tempDir('dbaudit-plan-bak-'), 'backup');
  const r = await run(['plan', root, '--apply', '--backup', backup]);
  assert.equal(r.stderr, '');
  assert.equal(r.code, 0);
  assert.match(r.stdout, /^data\/zoe\.db: backed up 3 file\(s\) to .*: zoe\.db, auth\.db, developer_tasks\.db$/m);
  assert.match(r.stdout, /^  ok   users: 5 rows \(4 in data\/zoe\.db \+ 0 from data\/auth\.db \+ 1 from data\/developer_tasks\.db\): expected 5, actual 5$/m);
  assert.match(r.stdout, /^  conflict: data\/auth\.db users: 1 row\(s\) kept as in data\/zoe\.db, decide: username='jason'$/m);
  assert.match(r.stdout, /^  committed: merged data\/auth\.db, data\/developer_tasks\.db into data\/zoe\.db$/m);
  assert.doesNotMatch(r.stdout, /jason@old\.local/);
  assert.deepEqual(rows(zoe, 'SELECT username FROM users ORDER BY username'), ['admin', 'dev', 'jason', 'system', 'testuser']);
  assert.deepEqual(rows(zoe, "SELECT email FROM users WHERE username = 'jason'"), ['jason@zoe.local']);
  assert.deepEqual(rows(zoe, 'SELECT token FROM sessions'), ['t1']);
  assert.deepEqual(rows(zoe, 'SELECT count(*) FROM tasks'), [3]);
  const after = fingerprint(root);
  assert.equal(after[path.join('data', 'auth.db')], before[path.join('data', 'auth.db')]);
  assert.equal(after[path.join('data', 'developer_tasks.db')], before[path.join('data', 'developer_tasks.db')]);
  assert.notEqual(after[path.join('data', 'zoe.db')], before[path.join('data', 'zoe.db')]);
  assert.deepEqual(rows(path.join(backup, 'zoe.db'), 'SELECT count(*) FROM users'), [4]);
  assert.deepEqual(rows(path.join(backup, 'auth.db'), 'SELECT count(*) FROM users'), [2]);
  assert.deepEqual(rows(path.join(backup, 'developer_tasks.db'), 'SELECT count(*) FROM tasks'), [3]);
});

test('plan --apply: a verification failure rolls back, the target stays byte-identical, exit 1 with what mismatched', async () => {
  const { root, zoe } = workspace();
  const db = new Database(zoe);
  // An empty tasks table whose trigger silently drops every insert: the merge "succeeds", the count does not.
  db.exec(`CREATE TABLE tasks (id INTEGER PRIMARY KEY, title TEXT NOT NULL, done INTEGER DEFAULT 0);
    CREATE TRIGGER drop_tasks BEFORE INSERT ON tasks BEGIN SELECT RAISE(IGNORE); END;`);
  db.close();
  const before = fingerprint(root);
  const r = await run(['plan', root, '--apply', '--backup', tempDir('dbaudit-plan-bak-')]);
  assert.equal(r.code, 1);
  assert.match(r.stdout, /^  FAIL tasks: 3 rows \(0 in data\/zoe\.db \+ 3 from data\/developer_tasks\.db\): expected 3, actual 0$/m);
  assert.match(r.stdout, /^  rolled back: data\/zoe\.db unchanged: verification failed: .*tasks: 3 rows/m);
  assert.deepEqual(fingerprint(root), before);
});

test('plan: --apply without --backup is a usage error; so is a second PATH', async () => {
  const { root } = workspace();
  const before = fingerprint(root);
  const r = await run(['plan', root, '--apply']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--apply needs --backup DIR/);
  const two = await run(['plan', root, root]);
  assert.equal(two.code, 2);
  assert.deepEqual(fingerprint(root), before);
  const help = await run(['--help']);
  assert.match(help.stdout, /^  plan +Write \(or --apply\) the SQL/m);
});
