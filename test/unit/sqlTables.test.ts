import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { analyzeSql, findSqlNames, findSqlStrings, findSqlTables, looksLikeSql } from '../../server/src/engine/sqlTables';
import { LineIndex } from '../../server/src/engine/lineIndex';

/** [schema.name, decl|use, line, startChar, endChar] of each table, in order; the text at the range is the bare name. */
function tables(sql: string): Array<[string, string, number, number, number]> {
  const lines = new LineIndex(sql);
  return findSqlTables(sql).map((t) => {
    const { start, end } = lines.range(t.start, t.end);
    assert.equal(start.line, end.line);
    assert.equal(sql.slice(t.start, t.end).replace(/""/g, '"'), t.name, 'the range covers the bare name');
    return [t.schema ? `${t.schema}.${t.name}` : t.name, t.declaration ? 'decl' : 'use', start.line, start.character, end.character];
  });
}

/** [name, engine, line, startChar, endChar] of each database/schema name. */
function names(sql: string): Array<[string, string, number, number, number]> {
  const lines = new LineIndex(sql);
  return findSqlNames(sql).map((n) => {
    const { start, end } = lines.range(n.start, n.end);
    assert.equal(sql.slice(n.start, n.end), n.name);
    return [n.name, n.engine, start.line, start.character, end.character];
  });
}

test('an Alembic offline migration: declarations, schema-qualified names, REFERENCES, CREATE INDEX ON, INSERT INTO', () => {
  const sql = [
    '-- Running upgrade  -> 3f2a1b',
    'BEGIN;',
    '',
    'CREATE TABLE alembic_version (',
    '    version_num VARCHAR(32) NOT NULL, ',
    '    CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)',
    ');',
    '',
    'CREATE SCHEMA IF NOT EXISTS rag;',
    '',
    'CREATE TABLE rag.documents (',
    '    id SERIAL NOT NULL, ',
    '    owner_id INTEGER, ',
    '    PRIMARY KEY (id), ',
    '    FOREIGN KEY(owner_id) REFERENCES users (id) ON DELETE CASCADE',
    ');',
    '',
    'CREATE INDEX ix_rag_documents_owner_id ON rag.documents (owner_id);',
    '',
    "INSERT INTO alembic_version (version_num) VALUES ('3f2a1b') RETURNING alembic_version.version_num;",
    '',
    'COMMIT;',
  ].join('\n');
  assert.deepEqual(tables(sql), [
    ['alembic_version', 'decl', 3, 13, 28],
    ['rag.documents', 'decl', 10, 17, 26],
    ['users', 'use', 14, 37, 42],
    ['rag.documents', 'use', 17, 46, 55],
    ['alembic_version', 'use', 19, 12, 27],
  ]);
  assert.deepEqual(names(sql), [['rag', 'unknown', 8, 28, 31]]);
});

test('a pg_dump schema with quoted identifiers; COPY data lines are not SQL', () => {
  const sql = [
    'SET statement_timeout = 0;',
    "SELECT pg_catalog.set_config('search_path', '', false);",
    'CREATE TABLE public."UserSessions" (',
    '    "id" integer NOT NULL,',
    '    "userId" integer',
    ');',
    'ALTER TABLE ONLY public."UserSessions"',
    '    ADD CONSTRAINT "UserSessions_userId_fkey" FOREIGN KEY ("userId") REFERENCES public."Users"(id);',
    'COPY public."UserSessions" (id, "userId") FROM stdin;',
    "1\tO'Brien's notes FROM nowhere",
    '\\.',
    'CREATE MATERIALIZED VIEW public.active_sessions AS',
    ' SELECT s.id FROM public."UserSessions" s WHERE s."userId" IS NOT NULL;',
    'CREATE TABLE "we""ird" (x int);',
  ].join('\n');
  assert.deepEqual(tables(sql), [
    ['public.UserSessions', 'decl', 2, 21, 33],
    ['public.UserSessions', 'use', 6, 25, 37],
    ['public.Users', 'use', 7, 88, 93],
    ['public.UserSessions', 'use', 8, 13, 25],
    ['public.active_sessions', 'decl', 11, 32, 47],
    ['public.UserSessions', 'use', 12, 26, 38],
    ['we"ird', 'decl', 13, 14, 21],
  ]);
});

test('MySQL and SQLite dialects: backticks, brackets, backslash escapes, INSERT OR REPLACE, # comments', () => {
  const sql = [
    '# mysqldump',
    'CREATE TABLE IF NOT EXISTS `shop`.`orders` (`id` int) ENGINE=InnoDB;',
    "INSERT INTO `orders` VALUES (1,'it\\'s FROM x'),(2,'C:\\\\');",
    'INSERT OR REPLACE INTO notes (id) VALUES (1);',
    'REPLACE INTO kv VALUES (1);',
    'CREATE TEMP TABLE scratch AS SELECT * FROM [dbo].[Legacy Users];',
    'CREATE VIRTUAL TABLE docs_fts USING fts5(body);',
    'SELECT tags[1], ARRAY[1,2] FROM posts;',
    'UPDATE LOW_PRIORITY counters SET n = n + 1;',
  ].join('\n');
  assert.deepEqual(tables(sql), [
    ['shop.orders', 'decl', 1, 35, 41],
    ['orders', 'use', 2, 13, 19],
    ['notes', 'use', 3, 23, 28],
    ['kv', 'use', 4, 13, 15],
    ['scratch', 'decl', 5, 18, 25],
    ['dbo.Legacy Users', 'use', 5, 50, 62],
    ['docs_fts', 'decl', 6, 21, 29],
    ['posts', 'use', 7, 32, 37],
    ['counters', 'use', 8, 20, 28],
  ]);
});

test('every use form: FROM lists, JOINs, UPDATE ... FROM, DELETE, ALTER, DROP lists, TRUNCATE, COPY, PARTITION OF', () => {
  const sql = [
    'SELECT * FROM a, b.c AS x, ONLY d JOIN e ON true LEFT OUTER JOIN "F" f USING (id);',
    'UPDATE users u SET name = o.name FROM other o WHERE o.id = u.id;',
    'DELETE FROM ONLY logs USING keep WHERE logs.id = keep.id;',
    'ALTER TABLE IF EXISTS ONLY rag.chunks ADD COLUMN z int;',
    'DROP TABLE IF EXISTS old1, rag.old2 CASCADE;',
    'TRUNCATE TABLE t1, ONLY t2 RESTART IDENTITY;',
    'TRUNCATE t3;',
    "COPY staging FROM '/tmp/x.csv';",
    'CREATE TABLE m_2024 PARTITION OF measurements FOR VALUES IN (2024);',
    'CREATE TRIGGER trg AFTER INSERT OR UPDATE ON audited FOR EACH ROW EXECUTE FUNCTION f();',
  ].join('\n');
  assert.deepEqual(tables(sql), [
    ['a', 'use', 0, 14, 15],
    ['b.c', 'use', 0, 19, 20],
    ['d', 'use', 0, 32, 33],
    ['e', 'use', 0, 39, 40],
    ['F', 'use', 0, 66, 67],
    ['users', 'use', 1, 7, 12],
    ['other', 'use', 1, 38, 43],
    ['logs', 'use', 2, 17, 21],
    ['keep', 'use', 2, 28, 32],
    ['rag.chunks', 'use', 3, 31, 37],
    ['old1', 'use', 4, 21, 25],
    ['rag.old2', 'use', 4, 31, 35],
    ['t1', 'use', 5, 15, 17],
    ['t2', 'use', 5, 24, 26],
    ['t3', 'use', 6, 9, 11],
    ['staging', 'use', 7, 5, 12],
    ['m_2024', 'decl', 8, 13, 19],
    ['measurements', 'use', 8, 33, 45],
    ['audited', 'use', 9, 45, 52],
  ]);
});

test('USING lists tables after DELETE FROM and MERGE INTO only; JOIN ... USING (id) and index methods are not tables', () => {
  const sql = [
    'MERGE INTO stock s USING deliveries d ON s.id = d.id WHEN MATCHED THEN UPDATE SET n = s.n + d.n;',
    'CREATE INDEX ix ON docs USING gin (body);',
    'SELECT * FROM a JOIN b USING (id);',
  ].join('\n');
  assert.deepEqual(tables(sql), [
    ['stock', 'use', 0, 11, 16],
    ['deliveries', 'use', 0, 25, 35],
    ['docs', 'use', 1, 19, 23],
    ['a', 'use', 2, 14, 15],
    ['b', 'use', 2, 21, 22],
  ]);
});

test('not tables: comments, strings, subqueries, functions, CTE names, FROM inside EXTRACT/SUBSTRING/TRIM, IS DISTINCT FROM', () => {
  const sql = [
    '-- SELECT * FROM commented_out',
    '/* DROP TABLE block_commented; /* nested */ still comment FROM nope */',
    "SELECT 'FROM quoted_table', $$ FROM dollar_string $$,",
    '       extract(YEAR FROM created_at), substring(name FROM 1 FOR 3), trim(BOTH \' \' FROM title)',
    'FROM (SELECT id FROM inner_t) sub, generate_series(1, 10) g, LATERAL unnest(tags) t',
    'WHERE a IS DISTINCT FROM b AND c IS NOT DISTINCT FROM d;',
    'WITH recent (id) AS (SELECT id FROM events), kept AS MATERIALIZED (SELECT 1)',
    'SELECT * FROM recent JOIN kept ON true JOIN rag.recent ON true;',
    'SELECT now() FROM dual;',
  ].join('\n');
  assert.deepEqual(tables(sql), [
    ['inner_t', 'use', 4, 21, 28],
    ['events', 'use', 6, 36, 42],
    ['rag.recent', 'use', 7, 48, 54],
  ]);
});

test('not tables: ON CONFLICT DO UPDATE SET, ON DUPLICATE KEY UPDATE, FOR UPDATE OF, ON UPDATE CASCADE, SELECT INTO a variable', () => {
  const sql = [
    'INSERT INTO sessions (id) VALUES (1) ON CONFLICT (id) DO UPDATE SET id = excluded.id;',
    'INSERT INTO hits VALUES (1) ON DUPLICATE KEY UPDATE n = n + 1;',
    'SELECT * FROM jobs FOR UPDATE OF jobs SKIP LOCKED;',
    'CREATE TABLE c (p int REFERENCES parents ON UPDATE CASCADE ON DELETE SET NULL);',
    'SELECT count(*) INTO v_count FROM items;',
  ].join('\n');
  assert.deepEqual(tables(sql), [
    ['sessions', 'use', 0, 12, 20],
    ['hits', 'use', 1, 12, 16],
    ['jobs', 'use', 2, 14, 18],
    ['c', 'decl', 3, 13, 14],
    ['parents', 'use', 3, 33, 40],
    ['items', 'use', 4, 34, 39],
  ]);
});

test('GRANT/REVOKE: privileges are not statements, ON [TABLE] names tables, FROM names a role', () => {
  const sql = [
    'GRANT SELECT, UPDATE, DELETE ON users TO app;',
    'GRANT SELECT ON TABLE rag.docs, rag.chunks TO reader;',
    'REVOKE INSERT ON audit FROM intern;',
    'GRANT EXECUTE ON FUNCTION f() TO app;',
    'GRANT USAGE ON SEQUENCE s TO app;',
  ].join('\n');
  assert.deepEqual(tables(sql), [
    ['users', 'use', 0, 32, 37],
    ['rag.docs', 'use', 1, 26, 30],
    ['rag.chunks', 'use', 1, 36, 42],
    ['audit', 'use', 2, 17, 22],
  ]);
});

test('function and DO bodies are SQL; template holes are not names', () => {
  const sql = [
    'CREATE OR REPLACE FUNCTION touch() RETURNS trigger AS $body$',
    'BEGIN',
    '  UPDATE counters SET n = n + 1;',
    '  INSERT INTO audit_log SELECT * FROM staging;',
    'END $body$ LANGUAGE plpgsql;',
    "DO $$ BEGIN EXECUTE 'DROP TABLE dynamic_t'; DELETE FROM trash; END $$;",
    'SELECT * FROM ${schema}.docs JOIN {table_name} ON true JOIN $1 ON true;',
  ].join('\n');
  assert.deepEqual(tables(sql), [
    ['counters', 'use', 2, 9, 17],
    ['audit_log', 'use', 3, 14, 23],
    ['staging', 'use', 3, 38, 45],
    ['trash', 'use', 5, 56, 61],
    ['docs', 'use', 6, 24, 28],
  ]);
});

test('names: CREATE/DROP/ALTER SCHEMA and DATABASE, search_path, USE, \\c, GRANT ON SCHEMA; not an ATTACH alias', () => {
  const sql = [
    'CREATE DATABASE mobius;',
    'CREATE SCHEMA IF NOT EXISTS rag AUTHORIZATION app;',
    'CREATE SCHEMA AUTHORIZATION joe;',
    'DROP SCHEMA IF EXISTS old_a, old_b CASCADE;',
    'DROP DATABASE IF EXISTS mobius_chat;',
    'ALTER SCHEMA rag OWNER TO app;',
    'SET search_path TO rag, "$user", public;',
    'SET LOCAL search_path = "Chat", memory;',
    "SET search_path = 'kb, public';",
    'USE shop;',
    '\\c mobius_rag app',
    '\\connect "Other DB"',
    "ATTACH DATABASE '/app/data/auth.db' AS auth;",
    'GRANT USAGE ON SCHEMA rag, kb TO app;',
    'GRANT SELECT ON ALL TABLES IN SCHEMA rag TO app;',
    'GRANT ALL ON legacy.* TO app;',
    'ALTER TABLE rag_docs SET SCHEMA rag;',
    'USE [master];',
  ].join('\n');
  assert.deepEqual(names(sql), [
    ['mobius', 'unknown', 0, 16, 22],
    ['rag', 'postgres', 1, 28, 31],
    ['old_a', 'unknown', 3, 22, 27],
    ['old_b', 'unknown', 3, 29, 34],
    ['mobius_chat', 'unknown', 4, 24, 35],
    ['rag', 'unknown', 5, 13, 16],
    ['rag', 'postgres', 6, 19, 22],
    ['Chat', 'postgres', 7, 25, 29],
    ['memory', 'postgres', 7, 32, 38],
    ['kb', 'postgres', 8, 19, 21],
    ['shop', 'mysql', 9, 4, 8],
    ['mobius_rag', 'postgres', 10, 3, 13],
    ['Other DB', 'postgres', 11, 10, 18],
    ['rag', 'unknown', 13, 22, 25],
    ['kb', 'unknown', 13, 27, 29],
    ['rag', 'unknown', 14, 37, 40],
    ['legacy', 'mysql', 15, 13, 19],
    ['rag', 'unknown', 16, 32, 35],
    ['master', 'mssql', 17, 5, 11],
  ]);
  assert.deepEqual(tables(sql).map((t) => t[0]), ['rag_docs']);
});

test('names: not in comments or strings; USE only as a statement of its own; \\c - keeps the database', () => {
  const sql = [
    '-- CREATE SCHEMA commented;',
    "SELECT 'SET search_path TO quoted' AS note;",
    'SELECT * FROM t USE INDEX (ix);',
    '\\c - other_user',
    'SET search_path TO DEFAULT;',
  ].join('\n');
  assert.deepEqual(names(sql), []);
});

test('string literals are returned unescaped with the offsets of their characters; comments and identifiers are not strings', () => {
  const sql = "-- 'not a string'\nSELECT dblink('dbname=mobius_rag host=db', 'it''s'), \"ident\" FROM t WHERE x = $q$raw$q$;";
  const strings = findSqlStrings(sql);
  assert.deepEqual(strings.map((s) => s.text), ['dbname=mobius_rag host=db', "it's", 'raw']);
  const [dsn, escaped, raw] = strings;
  assert.equal(dsn.offsets[0], sql.indexOf('dbname'));
  assert.deepEqual(escaped.offsets, [sql.indexOf("it''s"), sql.indexOf("it''s") + 1, sql.indexOf("it''s") + 2, sql.indexOf("it''s") + 4]);
  assert.equal(raw.offsets[0], sql.indexOf('raw'));
});

test('looksLikeSql: statements with a plausible second part', () => {
  for (const s of [
    'SELECT * FROM users',
    'select id, name from users where id = $1',
    'SELECT count(*) FROM t',
    'SELECT 1',
    'SELECT name FROM users',
    '  -- leading comment\n  /* and block */ WITH recent AS (SELECT 1) SELECT * FROM recent',
    'INSERT INTO sessions (id, user_id) VALUES (?, ?)',
    'insert or replace into kv values (?, ?)',
    'UPDATE users SET name = %s WHERE id = %s',
    'DELETE FROM sessions WHERE expires < now()',
    'CREATE TABLE IF NOT EXISTS notes (id integer primary key)',
    'create unique index ix on t (a)',
    'ALTER TABLE users ADD COLUMN x int',
    'DROP TABLE IF EXISTS tmp',
    'TRUNCATE TABLE logs',
    'SET search_path TO rag, public',
    'COPY users FROM STDIN',
    'GRANT SELECT ON users TO app',
    'PRAGMA journal_mode=WAL',
    "ATTACH DATABASE 'auth.db' AS auth",
    'USE shop;',
    'EXPLAIN ANALYZE SELECT * FROM t',
    'SELECT * FROM ${table} WHERE id = ${id}',
  ]) assert.equal(looksLikeSql(s), true, s);
});

test('looksLikeSql: English and code that merely starts with a keyword', () => {
  for (const s of [
    'Select a file',
    'Select a file from the list',
    'select one',
    'Update your profile',
    'update available',
    'Delete from disk?',
    'Create a new account',
    'create an account',
    'insert into the box',
    'drop it',
    'with love',
    'Use the force',
    'use strict',
    'SELECTED',
    'settings',
    '',
    '-- SELECT * FROM t',
  ]) assert.equal(looksLikeSql(s), false, s);
});

test('any text: no throw, ranges inside the text, names equal their (unquoted) text, nothing found inside comments', () => {
  const piece = fc.constantFrom(
    'SELECT ', 'FROM ', 'JOIN ', 'CREATE TABLE ', 'INSERT INTO ', 'UPDATE ', ' SET ', 'WITH ', ' AS ', 'DROP SCHEMA ', 'USE ',
    'SET search_path TO ', '\\c ', 'users', 'rag.docs', '"Q ""x"""', '`b`', '[br]', "'str''s'", "E'a\\'b'", '$$ body $$', '$t$ x $t$',
    '(', ')', ',', ';', '.', '*', '-- c\n', '/* c */', '\n', ' ', '${x}', '{y}', '$1', '?', '::int', 'extract(year FROM d)', '#',
  );
  fc.assert(fc.property(fc.array(piece, { maxLength: 40 }), (pieces) => {
    const sql = pieces.join('');
    const { tables, names, strings } = analyzeSql(sql);
    for (const m of [...tables, ...names]) {
      assert.ok(m.start >= 0 && m.start < m.end && m.end <= sql.length, `${m.start}-${m.end} in ${JSON.stringify(sql)}`);
      const raw = sql.slice(m.start, m.end);
      assert.ok(raw === m.name || raw.replace(/""|``|\]\]/g, (q) => q[0]) === m.name, `${JSON.stringify(raw)} vs ${m.name}`);
    }
    for (const s of strings) for (const o of s.offsets) assert.ok(o >= 0 && o < sql.length);
  }), { numRuns: 2000 });
  // The same names, wrapped in comments, are found nowhere.
  const commented = '-- SELECT * FROM a;\n/* CREATE SCHEMA b; \\c c */\n';
  assert.deepEqual(analyzeSql(commented), { tables: [], names: [], strings: [] });
});
