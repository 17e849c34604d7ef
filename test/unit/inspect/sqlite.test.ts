// SQLite inspection on real files: the facts, and that nothing about the files changes —
// every file's checksum and the folder's listing are the same before and after.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { inspectSqliteFile, openSqliteReadOnly, SqliteInspectError } from '../../../server/src/engine/inspect/sqlite';
import { corruptFile, fingerprint, noiseFile, splitUsers, sqliteFile, tempDir } from '../../helpers/sqliteFixtures';

test('facts of a SQLite file: tables, columns with types, keys, unique keys, row counts, size', () => {
  const dir = tempDir();
  const { auth, tasks } = splitUsers(dir);
  const before = fingerprint(dir);
  const facts = inspectSqliteFile(auth, 'data/auth.db');
  assert.deepEqual(fingerprint(dir), before);
  assert.equal(facts.error, undefined);
  assert.equal(facts.path, 'data/auth.db');
  assert.equal(facts.size, statSync(auth).size);
  assert.equal(facts.journalMode, 'delete');
  assert.deepEqual(facts.tables.map((t) => [t.name, t.rowCount, t.primaryKey, t.uniqueKeys, t.rowidAlias]), [
    ['sessions', 1, ['token'], [], false],
    ['users', 2, ['id'], [['username']], true],
  ]);
  assert.deepEqual(facts.tables[1].columns, [
    { name: 'id', type: 'INTEGER', notNull: false, primaryKey: 1 },
    { name: 'username', type: 'TEXT', notNull: true, primaryKey: 0 },
    { name: 'email', type: 'TEXT', notNull: false, primaryKey: 0 },
    { name: 'password_hash', type: 'TEXT', notNull: false, primaryKey: 0 },
  ]);
  assert.deepEqual(inspectSqliteFile(tasks).tables.map((t) => `${t.name}:${t.rowCount}`), ['tasks:3', 'users:1']);
});

test('composite primary keys, unique indexes (not partial, not on expressions) and odd table names', () => {
  const dir = tempDir();
  const file = sqliteFile(path.join(dir, 'odd.sqlite'), `
    CREATE TABLE "we""ird table" (a TEXT, b INTEGER, c TEXT, PRIMARY KEY (b, a)) WITHOUT ROWID;
    CREATE UNIQUE INDEX full_c ON "we""ird table" (c);
    CREATE UNIQUE INDEX part_c ON "we""ird table" (a) WHERE c IS NOT NULL;
    CREATE UNIQUE INDEX expr_c ON "we""ird table" (lower(c));
    INSERT INTO "we""ird table" VALUES ('x', 1, 'p'), ('y', 1, 'q');`);
  const [t] = inspectSqliteFile(file).tables;
  assert.equal(t.name, 'we"ird table');
  assert.deepEqual(t.primaryKey, ['b', 'a']);
  assert.deepEqual(t.uniqueKeys, [['c']]);
  assert.equal(t.rowCount, 2);
  assert.equal(t.rowidAlias, false);
});

test('a WAL-mode file is read through a copy: committed rows still in the -wal are seen, no -wal or -shm is left behind', () => {
  const dir = tempDir();
  const file = path.join(dir, 'wal.db');
  sqliteFile(file, `PRAGMA journal_mode = WAL; CREATE TABLE t (id INTEGER PRIMARY KEY); INSERT INTO t VALUES (1), (2);`);
  assert.deepEqual(readdirSync(dir), ['wal.db']); // the last connection's close checkpointed and removed them
  const before = fingerprint(dir);
  const facts = inspectSqliteFile(file);
  assert.deepEqual(fingerprint(dir), before);
  assert.equal(facts.copied, true);
  assert.equal(facts.tables[0].rowCount, 2);

  // A writer still open: its rows live in the -wal file, which the inspection reads but never touches.
  const writer = new Database(file);
  writer.exec('INSERT INTO t VALUES (3)');
  try {
    const live = fingerprint(dir);
    assert.ok(existsSync(file + '-wal'));
    assert.equal(inspectSqliteFile(file).tables[0].rowCount, 3);
    assert.deepEqual(fingerprint(dir), live);
  } finally {
    writer.close();
  }
});

test('files that are not healthy databases give a clear reason, not a throw, and stay unchanged', () => {
  const dir = tempDir();
  const empty = path.join(dir, 'empty.db');
  writeFileSync(empty, '');
  const text = path.join(dir, 'notes.db');
  writeFileSync(text, 'these are my notes, not a database\n'.repeat(10));
  const noise = noiseFile(path.join(dir, 'secret.db'));
  const corrupt = corruptFile(path.join(dir, 'broken.db'));
  const before = fingerprint(dir);
  const reasons = Object.fromEntries([empty, text, noise, corrupt, path.join(dir, 'missing.db')].map((f) => {
    const facts = inspectSqliteFile(f, path.basename(f));
    assert.deepEqual(facts.tables, []);
    return [path.basename(f), facts.error];
  }));
  assert.deepEqual(fingerprint(dir), before);
  assert.deepEqual(reasons, {
    'empty.db': 'empty file (0 bytes): no SQLite database yet',
    'notes.db': 'not a SQLite database (no SQLite header: another format, or encrypted)',
    'secret.db': 'not a SQLite database (no SQLite header: another format, or encrypted)',
    'broken.db': 'corrupt: database disk image is malformed',
    'missing.db': 'cannot be read: ENOENT',
  });
});

test('a file locked by a writer is reported as locked', () => {
  const dir = tempDir();
  const file = sqliteFile(path.join(dir, 'busy.db'), 'CREATE TABLE t (id INTEGER PRIMARY KEY);');
  const writer = new Database(file);
  writer.exec('BEGIN EXCLUSIVE; INSERT INTO t VALUES (1);');
  try {
    assert.equal(inspectSqliteFile(file).error, 'locked by another process; try again when it is idle');
  } finally {
    writer.exec('ROLLBACK');
    writer.close();
  }
});

test('the read-only handle refuses writes', () => {
  const dir = tempDir();
  const file = sqliteFile(path.join(dir, 'ro.db'), 'CREATE TABLE t (id INTEGER PRIMARY KEY);');
  const before = fingerprint(dir);
  const handle = openSqliteReadOnly(file);
  try {
    assert.throws(() => handle.db.exec('INSERT INTO t VALUES (1)'), /readonly|read-only|query_only/i);
  } finally {
    handle.close();
  }
  assert.deepEqual(fingerprint(dir), before);
  assert.throws(() => openSqliteReadOnly(path.join(dir, 'nope.db')), SqliteInspectError);
  assert.deepEqual(readdirSync(dir), ['ro.db']);
});
