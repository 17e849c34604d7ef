// The SQLite consolidation plan on the users table split over zoe.db, auth.db and
// developer_tasks.db: the script's statements, the conflicts by key only, the verification
// queries; the script run by the sqlite3 engine itself (better-sqlite3) merges the union; and
// applying it with a failing verification rolls back.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import * as path from 'node:path';
import { parseRulesFile } from '../../../server/src/engine/config/rulesFile';
import { inspectSqlite } from '../../../server/src/engine/inspect';
import { buildSqlitePlans, createIfNotExists, readCreateStatements, readSqlitePlans, renderSqlitePlan } from '../../../server/src/engine/inspect/plan';
import { applySqlitePlan } from '../../../server/src/engine/inspect/applyPlan';
import { fingerprint, splitUsers, sqliteFile, tempDir } from '../../helpers/sqliteFixtures';

const RULES = `{ "databases": { "zoe": { "engine": "sqlite", "file": "/app/data/zoe.db", "absorbs": ["auth.db", "developer_tasks.db"] } } }`;

function planFor(dir: string) {
  const { config } = parseRulesFile(RULES, 'dbaudit.json');
  const databaseFiles = ['auth.db', 'developer_tasks.db', 'zoe.db'].map((f) => ({ path: `data/${f}`, absPath: path.join(dir, f) }));
  const inspection = inspectSqlite({ config, databaseFiles, examples: 1000 });
  return readSqlitePlans(inspection, { examples: 1000 });
}

const usernames = (file: string) => {
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare('SELECT username FROM users ORDER BY username').pluck().all();
  } finally {
    db.close();
  }
};

test('the plan attaches each absorbed file, creates the tables the target lacks, inserts missing rows, lists conflicts by key, and verifies counts', () => {
  const dir = tempDir();
  splitUsers(dir);
  const before = fingerprint(dir);
  const plans = planFor(dir);
  assert.deepEqual(fingerprint(dir), before);
  assert.equal(plans.length, 1);
  const [plan] = plans;
  assert.deepEqual(plan.sources.map((s) => [s.alias, s.path]), [['src_auth', 'data/auth.db'], ['src_developer_tasks', 'data/developer_tasks.db']]);
  assert.deepEqual(plan.conflicts, [{ source: 'data/auth.db', table: 'users', count: 1, keys: ["username='jason'"], keptFrom: 'data/zoe.db' }]);
  const sql = renderSqlitePlan(plan);
  const lines = sql.split('\n');
  assert.ok(lines.includes(`ATTACH DATABASE '${path.join(dir, 'auth.db')}' AS "src_auth";`));
  assert.ok(lines.indexOf('BEGIN;') > lines.findIndex((l) => l.startsWith('ATTACH')));
  assert.ok(lines.includes('CREATE TABLE IF NOT EXISTS main."sessions" (token TEXT PRIMARY KEY, user_id INTEGER, expires_at TEXT);'));
  assert.ok(lines.includes('INSERT INTO main."users" ("username", "email") SELECT "username", "email" FROM "src_auth"."users" WHERE "username" IS NOT NULL ON CONFLICT DO NOTHING;'));
  assert.ok(lines.includes('-- users: columns of data/auth.db that data/zoe.db lacks, left out: password_hash'));
  assert.ok(lines.includes("--   conflict: username='jason' (differs in email)"));
  // Only keys: the differing values (and the password hashes) never reach the script.
  assert.doesNotMatch(sql, /jason@old\.local|jason@zoe\.local|'h1'|'h2'/);
  assert.ok(lines.indexOf('COMMIT;') > lines.indexOf("--   conflict: username='jason' (differs in email)"));
  assert.ok(lines.includes(`SELECT 'users' AS "check", 5 AS expected, (SELECT count(*) FROM main."users") AS actual;`));
  assert.ok(lines.includes('-- users: 5 rows (4 in data/zoe.db + 0 from data/auth.db + 1 from data/developer_tasks.db)'));
  assert.ok(lines.includes(`SELECT 'sessions' AS "check", 1 AS expected, (SELECT count(*) FROM main."sessions") AS actual;`));
  assert.ok(lines.includes(`SELECT 'tasks' AS "check", 3 AS expected, (SELECT count(*) FROM main."tasks") AS actual;`));
});

test('the rendered script, run as-is against a copy of the target, merges the union and every verification row holds', () => {
  const dir = tempDir();
  const { zoe } = splitUsers(dir);
  const [plan] = planFor(dir);
  const db = new Database(zoe);
  try {
    const sql = renderSqlitePlan(plan);
    const [merge, verify] = sql.split('-- Verification');
    db.exec(merge);
    const checks = verify.split('\n').filter((l) => l.startsWith('SELECT')).map((q) => db.prepare(q).get() as { check: string; expected: number; actual: number });
    assert.equal(checks.length, plan.checks.length);
    for (const c of checks) assert.equal(c.actual, c.expected, c.check);
  } finally {
    db.close();
  }
  assert.deepEqual(usernames(zoe), ['admin', 'dev', 'jason', 'system', 'testuser']);
});

test('identifiers and paths are quoted: odd table names and a quote in the file path', () => {
  const dir = tempDir("dbaudit-plan-it's-");
  sqliteFile(path.join(dir, 'zoe.db'), 'CREATE TABLE "we""ird" (k TEXT PRIMARY KEY, v TEXT);');
  sqliteFile(path.join(dir, 'auth.db'), `CREATE TABLE "we""ird" (k TEXT PRIMARY KEY, v TEXT); INSERT INTO "we""ird" VALUES ('a', '1');
    CREATE TABLE [select] ("from" TEXT UNIQUE); INSERT INTO [select] VALUES ('x');`);
  const { config } = parseRulesFile(`{ "databases": { "zoe": { "engine": "sqlite", "file": "zoe.db", "absorbs": ["auth.db"] } } }`, 'dbaudit.json');
  const inspection = inspectSqlite({ config, databaseFiles: ['auth.db', 'zoe.db'].map((f) => ({ path: f, absPath: path.join(dir, f) })) });
  const [plan] = readSqlitePlans(inspection);
  const sql = renderSqlitePlan(plan);
  assert.ok(sql.includes(`ATTACH DATABASE '${path.join(dir, 'auth.db').replace(/'/g, "''")}' AS "src_auth";`));
  assert.ok(sql.includes('CREATE TABLE IF NOT EXISTS main."select" ("from" TEXT UNIQUE);'));
  assert.ok(sql.includes('INSERT INTO main."we""ird" ("k", "v") SELECT "k", "v" FROM "src_auth"."we""ird" WHERE "k" IS NOT NULL ON CONFLICT DO NOTHING;'));
  const db = new Database(path.join(dir, 'zoe.db'));
  try {
    db.exec(sql.split('-- Verification')[0]);
    assert.deepEqual(db.prepare('SELECT "from" FROM "select"').pluck().all(), ['x']);
  } finally {
    db.close();
  }
  assert.equal(createIfNotExists('CREATE TABLE IF NOT EXISTS "a b"(x)', 'a b'), 'CREATE TABLE IF NOT EXISTS main."a b"(x)');
});

test('apply: backups that open, the union committed, absorbed files unchanged; a verification failure rolls back to the same bytes', async () => {
  const dir = tempDir();
  const { zoe } = splitUsers(dir);
  const [plan] = planFor(dir);
  const sources = fingerprint(dir);
  const backupDir = tempDir('dbaudit-plan-backup-');
  const r = await applySqlitePlan(plan, backupDir);
  assert.equal(r.failure, undefined);
  assert.equal(r.committed, true);
  assert.deepEqual(r.changedSources, []);
  assert.deepEqual(r.backups.map((b) => path.basename(b)), ['zoe.db', 'auth.db', 'developer_tasks.db']);
  assert.deepEqual(usernames(path.join(backupDir, 'zoe.db')), ['admin', 'jason', 'system', 'testuser']);
  assert.deepEqual(usernames(path.join(backupDir, 'auth.db')), ['admin', 'jason']);
  assert.deepEqual(usernames(zoe), ['admin', 'dev', 'jason', 'system', 'testuser']);
  const after = fingerprint(dir);
  assert.equal(after['auth.db'], sources['auth.db']);
  assert.equal(after['developer_tasks.db'], sources['developer_tasks.db']);

  // A trigger in the target that silently drops inserts: the count check catches it.
  const dir2 = tempDir();
  const files2 = splitUsers(dir2);
  const db = new Database(files2.zoe);
  db.exec(`CREATE TRIGGER drop_dev BEFORE INSERT ON users WHEN NEW.username = 'dev' BEGIN SELECT RAISE(IGNORE); END;`);
  db.close();
  const [plan2] = planFor(dir2);
  const before2 = fingerprint(dir2);
  const r2 = await applySqlitePlan(plan2, tempDir('dbaudit-plan-backup-'));
  assert.equal(r2.committed, false);
  assert.match(r2.failure ?? '', /users: 5 rows .*: expected 5, got 4/);
  assert.deepEqual(fingerprint(dir2), before2);
});

/** zoe.db absorbs auth.db, sessions.db and tasks.db; kim and lee are in two or three absorbed files but not in zoe.db. */
function usersInSeveralFiles(dir: string) {
  const users = (rows: string) => `CREATE TABLE users (id INTEGER PRIMARY KEY, username TEXT NOT NULL UNIQUE, email TEXT); INSERT INTO users (username, email) VALUES ${rows};`;
  const zoe = sqliteFile(path.join(dir, 'zoe.db'), users("('admin', 'admin@zoe')"));
  sqliteFile(path.join(dir, 'auth.db'), `${users("('kim', 'kim@auth')")}
    CREATE TABLE sessions (token TEXT PRIMARY KEY, user_id INTEGER); INSERT INTO sessions VALUES ('t1', 1), ('t2', 2);`);
  sqliteFile(path.join(dir, 'sessions.db'), `${users("('kim', 'kim@sessions'), ('lee', 'lee@sessions')")}
    CREATE TABLE sessions (token TEXT PRIMARY KEY, user_id INTEGER); INSERT INTO sessions VALUES ('t1', 1), ('t3', 3);`);
  sqliteFile(path.join(dir, 'tasks.db'), users("('kim', 'kim@auth'), ('lee', 'lee@tasks'), ('max', NULL)"));
  const { config } = parseRulesFile(`{ "databases": { "zoe": { "engine": "sqlite", "file": "zoe.db", "absorbs": ["auth.db", "sessions.db", "tasks.db"] } } }`, 'dbaudit.json');
  const inspection = inspectSqlite({ config, databaseFiles: ['auth.db', 'sessions.db', 'tasks.db', 'zoe.db'].map((f) => ({ path: f, absPath: path.join(dir, f) })) });
  return { zoe, inspection };
}

test('a key in two absorbed files and not in the target is merged once: the first file\'s row is kept, the counts hold, a differing row is a conflict with that file', async () => {
  const dir = tempDir();
  const { zoe, inspection } = usersInSeveralFiles(dir);
  const before = fingerprint(dir);
  const [plan] = readSqlitePlans(inspection);
  assert.deepEqual(fingerprint(dir), before, 'planning reads only');
  assert.deepEqual(plan.conflicts, [
    { source: 'sessions.db', table: 'users', count: 1, keys: ["username='kim'"], keptFrom: 'auth.db' },
    { source: 'tasks.db', table: 'users', count: 1, keys: ["username='lee'"], keptFrom: 'sessions.db' },
  ]);
  const sql = renderSqlitePlan(plan);
  const lines = sql.split('\n');
  assert.ok(lines.includes("-- users: 1 row(s) of sessions.db share a key with auth.db but differ; auth.db's row is kept. Decide each:"));
  assert.ok(lines.includes("--   conflict: username='kim' (differs in email)"));
  assert.doesNotMatch(sql, /kim@|lee@/, 'keys only, never values');
  assert.ok(lines.includes('-- users: 4 rows (1 in zoe.db + 1 from auth.db + 1 from sessions.db + 1 from tasks.db)'));
  assert.ok(lines.includes('-- sessions: 3 rows (2 from auth.db + 1 from sessions.db)'));
  const r = await applySqlitePlan(plan, tempDir('dbaudit-plan-backup-'));
  assert.equal(r.failure, undefined);
  assert.equal(r.committed, true);
  assert.equal(r.checks.length, 7);
  for (const c of r.checks) assert.equal(c.actual, c.expected, c.description);
  const db = new Database(zoe, { readonly: true });
  try {
    assert.deepEqual(db.prepare('SELECT username, email FROM users ORDER BY username').raw().all(), [
      ['admin', 'admin@zoe'], ['kim', 'kim@auth'], ['lee', 'lee@sessions'], ['max', null],
    ]);
    assert.deepEqual(db.prepare('SELECT token FROM sessions ORDER BY token').pluck().all(), ['t1', 't2', 't3']);
  } finally {
    db.close();
  }
  const after = fingerprint(dir);
  for (const f of ['auth.db', 'sessions.db', 'tasks.db']) assert.equal(after[f], before[f], `${f} unchanged`);
});

test('when the rows absorbed files share cannot be read, the plan says so and drops that table\'s row-count check', () => {
  const dir = tempDir();
  const { inspection } = usersInSeveralFiles(dir);
  const [plan] = buildSqlitePlans(inspection, readCreateStatements(inspection), () => ({ shared: [], error: 'cannot be read: ENOENT' }));
  const sql = renderSqlitePlan(plan);
  assert.ok(sql.includes('-- users: rows sessions.db shares with auth.db not counted (cannot be read: ENOENT): no row-count check'));
  assert.equal(plan.checks.some((c) => c.description.startsWith('users: ') && c.description.includes(' rows (')), false);
  assert.ok(plan.checks.some((c) => c.description === 'users: every row of tasks.db has its username in the target'), 'the key checks stay');
});

test('a table only absorbed files have is created from the first one\'s schema; later files are matched on a natural key, not on row ids each file hands out', async () => {
  const dir = tempDir();
  const contacts = (rows: string) => `CREATE TABLE contacts (id INTEGER PRIMARY KEY, email TEXT NOT NULL UNIQUE, name TEXT); INSERT INTO contacts (email, name) VALUES ${rows};`;
  const zoe = sqliteFile(path.join(dir, 'zoe.db'), 'CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT);');
  sqliteFile(path.join(dir, 'auth.db'), contacts("('alice@x', 'Alice'), ('bob@x', 'Bob')"));
  sqliteFile(path.join(dir, 'crm.db'), `${contacts("('carol@x', 'Carol'), ('alice@x', 'Alice B.')")} ALTER TABLE contacts ADD COLUMN phone TEXT;`);
  const { config } = parseRulesFile(`{ "databases": { "zoe": { "engine": "sqlite", "file": "zoe.db", "absorbs": ["auth.db", "crm.db"] } } }`, 'dbaudit.json');
  const inspection = inspectSqlite({ config, databaseFiles: ['auth.db', 'crm.db', 'zoe.db'].map((f) => ({ path: f, absPath: path.join(dir, f) })) });
  const [plan] = readSqlitePlans(inspection);
  const lines = renderSqlitePlan(plan).split('\n');
  assert.ok(lines.includes('INSERT INTO main."contacts" ("id", "email", "name") SELECT "id", "email", "name" FROM "src_auth"."contacts" WHERE true ON CONFLICT DO NOTHING;'));
  assert.ok(lines.includes('-- contacts: columns of crm.db that zoe.db lacks, left out: phone'));
  assert.ok(lines.includes('INSERT INTO main."contacts" ("email", "name") SELECT "email", "name" FROM "src_crm"."contacts" WHERE true ON CONFLICT DO NOTHING;'));
  assert.deepEqual(plan.conflicts, [{ source: 'crm.db', table: 'contacts', count: 1, keys: ["email='alice@x'"], keptFrom: 'auth.db' }]);
  assert.ok(lines.includes('-- contacts: 3 rows (2 from auth.db + 1 from crm.db)'));
  const r = await applySqlitePlan(plan, tempDir('dbaudit-plan-backup-'));
  assert.equal(r.failure, undefined);
  assert.equal(r.committed, true);
  const db = new Database(zoe, { readonly: true });
  try {
    assert.deepEqual(db.prepare('SELECT id, email, name FROM contacts ORDER BY id').raw().all(), [[1, 'alice@x', 'Alice'], [2, 'bob@x', 'Bob'], [3, 'carol@x', 'Carol']]);
  } finally {
    db.close();
  }
});
