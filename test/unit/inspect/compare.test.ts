// Comparing the tables two SQLite databases share: schema differences and rows matched on a
// key, on the users table split over zoe.db, auth.db and developer_tasks.db; bounded batches.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { compareSqliteDatabases } from '../../../server/src/engine/inspect/compare';
import { inspectSqliteFile } from '../../../server/src/engine/inspect/sqlite';
import { fingerprint, splitUsers, sqliteFile, tempDir } from '../../helpers/sqliteFixtures';

const facts = (file: string) => inspectSqliteFile(file, path.basename(file));

test('auth.db against zoe.db: users matched on username (ids ignored), schema differences, a differing row, rows auth.db lacks', () => {
  const dir = tempDir();
  const { zoe, auth } = splitUsers(dir);
  const before = fingerprint(dir);
  const result = compareSqliteDatabases(facts(auth), facts(zoe));
  assert.deepEqual(fingerprint(dir), before);
  assert.equal(result.error, undefined);
  assert.deepEqual(result.tables, [{
    table: 'users',
    sourceRows: 2,
    targetRows: 4,
    missingColumns: ['password_hash'],
    extraColumns: ['created_at'],
    typeDifferences: [],
    key: ['username'],
    ignoredColumns: ['id'],
    rows: {
      onlyInSource: 0,
      onlyInTarget: 2,
      differing: 1,
      examples: { onlyInSource: [], onlyInTarget: [{ key: "username='system'" }, { key: "username='testuser'" }], differing: [{ key: "username='jason'", columns: ['email'] }] },
    },
  }]);
});

test('developer_tasks.db against zoe.db: one user missing from zoe.db, tables zoe.db lacks are not compared', () => {
  const dir = tempDir();
  const { zoe, tasks } = splitUsers(dir);
  const result = compareSqliteDatabases(facts(tasks), facts(zoe));
  assert.deepEqual(result.tables.map((t) => t.table), ['users']);
  const [users] = result.tables;
  assert.deepEqual(users.missingColumns, []);
  assert.deepEqual(users.extraColumns, ['created_at']);
  assert.deepEqual(users.rows, {
    onlyInSource: 1,
    onlyInTarget: 4,
    differing: 0,
    examples: {
      onlyInSource: [{ key: "username='dev'" }],
      onlyInTarget: [{ key: "username='admin'" }, { key: "username='jason'" }, { key: "username='system'" }, { key: "username='testuser'" }],
      differing: [],
    },
  });
});

test('columns typed differently, a table without a shared key, and the rowid key when nothing else is shared', () => {
  const dir = tempDir();
  const a = sqliteFile(path.join(dir, 'a.db'), `
    CREATE TABLE items (id INTEGER PRIMARY KEY, price TEXT, label TEXT);
    INSERT INTO items VALUES (1, '2.50', 'x'), (2, '3', 'y'), (7, '1', 'z');
    CREATE TABLE log (at TEXT, line TEXT);
    INSERT INTO log VALUES ('t', 'l');`);
  const b = sqliteFile(path.join(dir, 'b.db'), `
    CREATE TABLE items (id INTEGER PRIMARY KEY, price REAL, label TEXT);
    INSERT INTO items VALUES (1, 2.5, 'x'), (2, 3, 'Y');
    CREATE TABLE log (at TEXT, line TEXT);`);
  const result = compareSqliteDatabases(facts(a), facts(b));
  const [items, log] = result.tables;
  assert.deepEqual(items.typeDifferences, [{ column: 'price', source: 'TEXT', target: 'REAL' }]);
  assert.deepEqual(items.key, ['id']);
  assert.deepEqual(items.ignoredColumns, []);
  assert.equal(items.rows?.onlyInSource, 1);
  assert.deepEqual(items.rows?.examples.onlyInSource, [{ key: 'id=7' }]);
  // '2.50' (text) and 2.5 (real) are different values; label 'y' vs 'Y' too.
  assert.deepEqual(items.rows?.examples.differing, [{ key: 'id=1', columns: ['price'] }, { key: 'id=2', columns: ['price', 'label'] }]);
  assert.equal(log.rows, undefined);
  assert.equal(log.note, 'no primary key or UNIQUE column that both tables hold: rows not compared');
  assert.equal(log.sourceRows, 1);
  assert.equal(log.targetRows, 0);
});

test('keys are paged in batches: counts do not depend on the batch size, examples stop at N, composite keys and NULL keys', () => {
  const dir = tempDir();
  const rows = (pred: (i: number) => boolean, value: (i: number) => string) => Array.from({ length: 120 }, (_, i) => i).filter(pred).map((i) => `('r${i % 7}', ${i}, '${value(i)}')`).join(', ');
  const schema = 'CREATE TABLE m (region TEXT, n INTEGER, v TEXT, PRIMARY KEY (region, n)); CREATE TABLE u (k TEXT UNIQUE, v TEXT); INSERT INTO u VALUES (NULL, 1), (NULL, 2), (\'a\', 3);';
  const a = sqliteFile(path.join(dir, 'a.db'), `${schema} INSERT INTO m VALUES ${rows((i) => i % 3 !== 0, (i) => `v${i}`)};`);
  const b = sqliteFile(path.join(dir, 'b.db'), `${schema} INSERT INTO m VALUES ${rows((i) => i % 2 === 0, (i) => (i % 10 === 0 ? 'changed' : `v${i}`))};`);
  // Expected by brute force over the same generator.
  const inA = new Set(Array.from({ length: 120 }, (_, i) => i).filter((i) => i % 3 !== 0));
  const inB = new Set(Array.from({ length: 120 }, (_, i) => i).filter((i) => i % 2 === 0));
  const onlyA = [...inA].filter((i) => !inB.has(i)).length;
  const onlyB = [...inB].filter((i) => !inA.has(i)).length;
  const differing = [...inA].filter((i) => inB.has(i) && i % 10 === 0).length;
  for (const batchSize of [1, 7, 500]) {
    const [m, u] = compareSqliteDatabases(facts(a), facts(b), { batchSize, examples: 3 }).tables;
    assert.deepEqual(m.key, ['region', 'n']);
    assert.deepEqual([m.rows?.onlyInSource, m.rows?.onlyInTarget, m.rows?.differing], [onlyA, onlyB, differing], `batch ${batchSize}`);
    assert.equal(m.rows?.examples.onlyInSource.length, 3);
    assert.equal(m.rows?.examples.differing.length, 3);
    assert.match(m.rows!.examples.onlyInSource[0].key, /^region='r\d', n=\d+$/);
    // NULLs are never equal: only the 'a' row is matched, and it matches.
    assert.deepEqual([u.key, u.rows?.onlyInSource, u.rows?.onlyInTarget, u.rows?.differing], [['k'], 0, 0, 0]);
  }
});

test('a source that cannot be read makes the comparison an error, not a throw', () => {
  const dir = tempDir();
  const { zoe } = splitUsers(dir);
  const result = compareSqliteDatabases(facts(path.join(dir, 'gone.db')), facts(zoe));
  assert.deepEqual(result, { source: 'gone.db', target: 'zoe.db', tables: [], error: 'gone.db: cannot be read: ENOENT' });
});
