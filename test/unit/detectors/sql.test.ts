import { test } from 'node:test';
import assert from 'node:assert/strict';
import { detectSql } from '../../../server/src/engine/detectors/sql';
import type { DbReference, TableReference } from '../../../server/src/engine/types';
import { summaryWithEngine } from '../../helpers/references';

/** [schema.name, decl|use, line, startChar, endChar] of each table, in file order. */
function tableSummary(tables: TableReference[]): Array<[string, string, number, number, number]> {
  return tables.map((t) => [
    t.schema ? `${t.schema}.${t.name}` : t.name, t.declaration ? 'decl' : 'use', t.range.start.line, t.range.start.character, t.range.end.character,
  ]);
}

test('a consolidation migration: ATTACH path, dblink DSN, schemas and search_path, tables with form sql', () => {
  const text = [
    '-- migrate auth.db into zoe.db (see postgresql://admin:hunter2@old/mobius_chat)',
    "ATTACH DATABASE '/app/data/auth.db' AS auth;",
    'INSERT INTO users (id, email) SELECT id, email FROM auth.users;',
    'DETACH DATABASE auth;',
    '',
    'CREATE SCHEMA IF NOT EXISTS rag;',
    'SET search_path TO rag, public;',
    'CREATE TABLE rag.documents AS',
    "  SELECT * FROM dblink('dbname=mobius_rag host=db user=app password=s3cret', 'SELECT id FROM rag_documents')",
    '  AS t(id int);',
    '',
  ].join('\n');
  const { references, tables } = detectSql({ path: 'migrations/0007_consolidate.sql', text });
  assert.deepEqual(summaryWithEngine(references), [
    ['sqlite-path', 'auth.db', 'sqlite', 1, 17, 1, 34],
    ['db-name', 'rag', 'unknown', 5, 28, 5, 31],
    ['db-name', 'rag', 'postgres', 6, 19, 6, 22],
    ['connection-url', 'mobius_rag', 'postgres', 8, 24, 8, 74],
  ]);
  const dsn = references.find((r) => r.kind === 'connection-url')!;
  assert.equal(dsn.credentials, true);
  assert.equal(dsn.value, 'dbname=mobius_rag host=db user=app password=***');
  assert.ok(!JSON.stringify(references).includes('s3cret'));
  assert.deepEqual(tableSummary(tables), [
    ['users', 'use', 2, 12, 17],
    ['auth.users', 'use', 2, 57, 62],
    ['rag.documents', 'decl', 7, 17, 26],
  ]);
  assert.ok(tables.every((t) => t.form === 'sql' && t.path === 'migrations/0007_consolidate.sql'));
});

test('a schema dump with quoted identifiers; escaped quotes keep literal offsets exact', () => {
  const text = [
    'CREATE TABLE "main"."Sessions" (',
    '  "id" INTEGER PRIMARY KEY,',
    "  \"note\" TEXT DEFAULT 'it''s in /var/lib/sessions.db'",
    ');',
    'CREATE INDEX "ix_Sessions_id" ON "Sessions" ("id");',
  ].join('\n');
  const { references, tables } = detectSql({ path: 'schema.sql', text });
  assert.deepEqual(summaryWithEngine(references), [['sqlite-path', 'sessions.db', 'sqlite', 2, 32, 2, 52]]);
  assert.deepEqual(tableSummary(tables), [
    ['main.Sessions', 'decl', 0, 21, 29],
    ['Sessions', 'use', 4, 34, 42],
  ]);
});

test('nothing in comments, identifiers or COPY data is a reference; psql \\c names a database', () => {
  const text = [
    '/* old: ATTACH DATABASE \'/app/data/legacy.db\' AS legacy; */',
    '-- \\c mobius_old',
    '\\c mobius_chat',
    'SELECT "/app/data/not_a_literal.db" FROM t;',
    'COPY t (path) FROM stdin;',
    '/app/data/copied.db',
    '\\.',
  ].join('\n');
  const { references, tables } = detectSql({ path: 'seed.sql', text });
  assert.deepEqual(summaryWithEngine(references), [['db-name', 'mobius_chat', 'postgres', 2, 3, 2, 14]]);
  assert.deepEqual(tableSummary(tables), [
    ['t', 'use', 3, 41, 42],
    ['t', 'use', 4, 5, 6],
  ]);
});
