// The inspection step over a workspace's rules file: which files are inspected and compared,
// and the duplicate-table / diverging-rows findings on the rules file's `absorbs` items.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { parseRulesFile } from '../../../server/src/engine/config/rulesFile';
import { inspectSqlite } from '../../../server/src/engine/inspect';
import { fingerprint, splitUsers, sqliteFile, tempDir } from '../../helpers/sqliteFixtures';

const RULES = `{
  "databases": {
    "zoe": { "engine": "sqlite", "file": "/app/data/zoe.db", "absorbs": ["auth.db", "developer_tasks.db", "sessions.db"] },
    "memory": { "engine": "sqlite", "file": "/app/data/memory.db" }
  }
}`;

function workspace() {
  const dir = tempDir();
  const files = splitUsers(dir);
  sqliteFile(path.join(dir, 'memory.db'), 'CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT);');
  sqliteFile(path.join(dir, 'scratch.db'), 'CREATE TABLE users (id INTEGER PRIMARY KEY);');
  const databaseFiles = ['auth.db', 'developer_tasks.db', 'memory.db', 'scratch.db', 'zoe.db'].map((f) => ({ path: `data/${f}`, absPath: path.join(dir, f) }));
  return { dir, files, databaseFiles };
}

test('declared and absorbed files are inspected, each absorbed one compared with its target; findings sit on the absorbs items', () => {
  const { dir, databaseFiles } = workspace();
  const { config } = parseRulesFile(RULES, 'dbaudit.json');
  const before = fingerprint(dir);
  const result = inspectSqlite({ config, databaseFiles });
  assert.deepEqual(fingerprint(dir), before);
  assert.deepEqual(result.databases.map((d) => [d.path, d.role, d.database]), [
    ['data/auth.db', 'absorbed', 'zoe'], ['data/developer_tasks.db', 'absorbed', 'zoe'], ['data/memory.db', 'target', 'memory'], ['data/zoe.db', 'target', 'zoe'],
  ]);
  assert.deepEqual(result.comparisons.map((c) => `${c.source.path} -> ${c.target.path}`), ['data/auth.db -> data/zoe.db', 'data/developer_tasks.db -> data/zoe.db']);
  assert.deepEqual(result.shared, [{ table: 'users', databases: ['data/auth.db', 'data/developer_tasks.db', 'data/memory.db', 'data/zoe.db'] }]);
  const authLine = RULES.split('\n').findIndex((l) => l.includes('"auth.db"'));
  assert.deepEqual(result.findings.map((f) => [f.rule, f.severity, f.path, f.range.start.line, f.range.start.character, f.message]), [
    ['diverging-rows', 'warning', 'dbaudit.json', authLine, RULES.split('\n')[authLine].indexOf('"auth.db"'),
      "auth.db users: 2 rows, 0 missing from zoe.db, 1 with the same username and different values (username='jason': email); zoe.db has 2 rows auth.db lacks (username='system'; username='testuser')"],
    ['duplicate-table', 'info', 'dbaudit.json', authLine, RULES.split('\n')[authLine].indexOf('"auth.db"'),
      'Table users of auth.db is also in zoe.db (zoe): 2 rows here, 4 rows there; columns missing from zoe.db: password_hash; columns missing from auth.db: created_at'],
    ['diverging-rows', 'warning', 'dbaudit.json', authLine, RULES.split('\n')[authLine].indexOf('"developer_tasks.db"'),
      "developer_tasks.db users: 1 row, 1 missing from zoe.db (username='dev'); zoe.db has 4 rows developer_tasks.db lacks (username='admin'; username='jason'; username='system'; username='testuser')"],
    ['duplicate-table', 'info', 'dbaudit.json', authLine, RULES.split('\n')[authLine].indexOf('"developer_tasks.db"'),
      'Table users of developer_tasks.db is also in zoe.db (zoe): 1 row here, 4 rows there; columns missing from developer_tasks.db: created_at'],
  ]);
  assert.deepEqual(result.findings[1].data, { targetDatabase: 'zoe', found: 'auth.db', table: 'users' });
});

test('severity overrides apply to the inspection rules, and "off" drops them', () => {
  const { databaseFiles } = workspace();
  const { config } = parseRulesFile(RULES.replace(/\n}$/, ',\n  "rules": { "duplicate-table": "off", "diverging-rows": "error" }\n}'), 'dbaudit.json');
  const result = inspectSqlite({ config, databaseFiles });
  assert.deepEqual(result.findings.map((f) => `${f.rule}:${f.severity}`), ['diverging-rows:error', 'diverging-rows:error']);
});

test('without a rules file, files the user names are compared with the first one named; findings sit on the files', () => {
  const { files } = workspace();
  const result = inspectSqlite({ sqlite: [{ path: 'zoe.db', absPath: files.zoe }, { path: 'auth.db', absPath: files.auth }] });
  assert.deepEqual(result.databases.map((d) => d.role), ['given', 'given']);
  assert.deepEqual(result.findings.map((f) => [f.rule, f.path, f.message.split(':')[0]]), [
    ['diverging-rows', 'auth.db', 'auth.db users'],
    ['duplicate-table', 'auth.db', 'Table users of auth.db is also in zoe.db'],
  ]);
});
