import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ts } from '../../../server/src/engine/typescript';
import { detectJavaScript, engineOfModule, scriptKindOf } from '../../../server/src/engine/detectors/javascript';
import { digest } from '../../../server/src/engine/collector';
import type { DbReference, TableReference } from '../../../server/src/engine/types';
import { summary } from '../../helpers/references';

/** [name, schema, form, declaration, line, startChar, endChar] of each table, in file order. */
function tables(found: TableReference[]): Array<[string, string, string, boolean, number, number, number]> {
  return [...found]
    .sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character)
    .map((t) => [t.name, t.schema ?? '', t.form, t.declaration, t.range.start.line, t.range.start.character, t.range.end.character]);
}

/** [engine, target, line, startChar, endChar] of each db-name reference, in file order. */
function dbNames(refs: DbReference[]): Array<[string, string, number, number, number]> {
  return [...refs]
    .filter((r) => r.kind === 'db-name')
    .sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character)
    .map((r) => [r.engine, r.target, r.range.start.line, r.range.start.character, r.range.end.character]);
}

function detect(text: string, path = 'src/app.ts') {
  return detectJavaScript({ path, text });
}

// ---------------------------------------------------------------------------------------------
// Literals

test('string literals: a SQLite path, an env default, and a connection URL with its password masked', () => {
  const text = [
    "const db = new Database('data/auth.db');",
    "const p = process.env.DATABASE_PATH ?? 'data/zoe.db';",
    'const url = "postgresql://app:hunter2@db/zoe";',
  ].join('\n');
  const { references } = detect(text);
  assert.deepEqual(summary(references), [
    ['sqlite-path', 'auth.db', '', 0, 25, 0, 37],
    ['env-read', 'DATABASE_PATH', '', 1, 22, 1, 35],
    ['sqlite-path', 'zoe.db', 'DATABASE_PATH', 1, 40, 1, 51],
    ['connection-url', 'zoe', '', 2, 13, 2, 44],
  ]);
  const url = references.find((r) => r.kind === 'connection-url')!;
  assert.equal(url.value, 'postgresql://app:***@db/zoe');
  assert.equal(url.credentials, true);
  assert.equal(url.engine, 'postgres');
  assert.ok(!JSON.stringify(references).includes('hunter2'));
});

test('escapes in strings still map to exact file offsets', () => {
  const text = [
    'const win = "C:\\\\data\\\\auth.db";', //         C:\\data\\auth.db
    "const hex = 'data/\\x61pp.db';", //               \x61 is 'a'
    "const uni = 'data/zoe.d\\u{62}' + 'x';", //        the match ends inside \u{62}: its range ends after it
    'const cont = "postgresql://u@h/\\',
    'mobius";', //                                      a line continuation joins the lines
  ].join('\n');
  const { references } = detect(text, 'src/paths.js');
  assert.deepEqual(summary(references), [
    ['sqlite-path', 'auth.db', '', 0, 13, 0, 30],
    ['sqlite-path', 'app.db', '', 1, 13, 1, 27],
    ['sqlite-path', 'zoe.db', '', 2, 13, 2, 29],
    ['connection-url', 'mobius', '', 3, 14, 4, 6],
  ]);
  assert.deepEqual(references.map((r) => r.value), ['C:\\data\\auth.db', 'data/app.db', 'data/zoe.db', 'postgresql://u@h/mobius']);

  // String.raw keeps backslashes as written.
  const raw = detect('const p = String.raw`C:\\data\\${name}\\zoe.db`;', 'src/win.js').references;
  assert.deepEqual(summary(raw), [['sqlite-path', 'zoe.db', '', 0, 21, 0, 43]]);
  assert.equal(raw[0].value, 'C:\\data\\${name}\\zoe.db');
});

test('template literals: substitutions are placeholders, so a templated URL has no literal password', () => {
  const text = [
    'const a = `postgresql://${user}:${pw}@${host}/mobius`;',
    'const b = `postgresql://app:${cfg.password}@${process.env.PGHOST}:5432/${process.env.PGDATABASE}`;',
    'const c = `${dataDir}/memory.db`;',
    'const d = `sqlite:///${path.join(root, "x")}/app.db`;',
    'const e = `mysql://root:s3cret@localhost/shop`;',
  ].join('\n');
  const { references } = detect(text);
  assert.deepEqual(summary(references), [
    ['connection-url', 'mobius', '', 0, 11, 0, 52],
    ['connection-url', 'PGDATABASE', '', 1, 11, 1, 96],
    ['env-read', 'PGHOST', '', 1, 58, 1, 64],
    ['env-read', 'PGDATABASE', '', 1, 85, 1, 95],
    ['sqlite-path', 'memory.db', '', 2, 11, 2, 31],
    ['connection-url', 'app.db', '', 3, 11, 3, 51],
    ['connection-url', 'shop', '', 4, 11, 4, 45],
  ]);
  // An env read in a substitution shows as ${NAME}; other expressions keep a URL-safe spelling.
  assert.deepEqual(references.filter((r) => r.kind !== 'env-read').map((r) => [r.value, r.credentials]), [
    ['postgresql://${user}:${pw}@${host}/mobius', false],
    ['postgresql://app:${cfg.password}@${PGHOST}:5432/${PGDATABASE}', false],
    ['${dataDir}/memory.db', false],
    ['sqlite:///${path.join_root___x__}/app.db', false],
    ['mysql://root:***@localhost/shop', true],
  ]);
});

// ---------------------------------------------------------------------------------------------
// Env reads, definitions and defaults

test('env reads of every form, with the range on the variable name', () => {
  const text = [
    'const a = process.env.DATABASE_URL;',
    "const b = process.env['MEMORY_DB_PATH'];",
    'const c = process.env?.REDIS_URL;',
    'const d = import.meta.env.VITE_PGHOST;',
    "const e = Deno.env.get('PGDATABASE');",
    'const f = Bun.env.MONGO_URI;',
    'const g = globalThis.process.env.NEO4J_URI!;',
    "const { DATABASE_URL, PGHOST: host = 'localhost', 'PGPORT': port, ...rest } = process.env;",
    'const l = process.env[name];',
  ].join('\n');
  const { references } = detect(text);
  assert.deepEqual(summary(references), [
    ['env-read', 'DATABASE_URL', '', 0, 22, 0, 34],
    ['env-read', 'MEMORY_DB_PATH', '', 1, 23, 1, 37],
    ['env-read', 'REDIS_URL', '', 2, 23, 2, 32],
    ['env-read', 'VITE_PGHOST', '', 3, 26, 3, 37],
    ['env-read', 'PGDATABASE', '', 4, 24, 4, 34],
    ['env-read', 'MONGO_URI', '', 5, 18, 5, 27],
    ['env-read', 'NEO4J_URI', '', 6, 33, 6, 42],
    ['env-read', 'DATABASE_URL', '', 7, 8, 7, 20],
    ['env-read', 'PGHOST', '', 7, 22, 7, 28],
    ['env-read', 'PGPORT', '', 7, 51, 7, 57],
  ]);
  assert.deepEqual(references.map((r) => r.envVar), references.map((r) => r.target));
  assert.equal(references.find((r) => r.target === 'PGHOST')!.engine, 'postgres');
});

test('a node without a quote, a backquote, a backslash or `env` holds nothing and is passed over; escaped names are still read', () => {
  const text = [
    'function connect(x) {',
    '  const y = x + 1;',
    '  const u = process.\\u0065nv.DATABASE_URL;',
    '  return new Pool({ connectionString: u, database: `app` });',
    '}',
  ].join('\n');
  const { references } = detect(text);
  assert.deepEqual(summary(references), [
    ['env-read', 'DATABASE_URL', '', 2, 29, 2, 41],
    ['db-name', 'app', '', 3, 52, 3, 55],
  ]);
});

test('imports are read where the file spells import, require or a Drizzle schema call, deep in code and with escaped names', () => {
  const text = [
    'function connect() {',
    "  const { Pool } = requ\\u0069re('pg');",
    "  return new Pool({ database: 'app' });",
    '}',
    'function tables() {',
    "  const rag = pgSchema('rag');",
    "  return rag.table('documents', {});",
    '}',
  ].join('\n');
  const found = detect(text, 'src/app.js');
  assert.deepEqual(dbNames(found.references), [
    ['postgres', 'app', 2, 31, 34],
    ['postgres', 'rag', 5, 24, 27],
  ]);
  assert.deepEqual(tables(found.tables), [['documents', 'rag', 'orm', true, 6, 20, 29]]);
});

test('defaults: ??, ||, a destructuring default, a ternary, a chain and a computed default are only the default of the var', () => {
  const text = [
    "const { MEMORY_DB_PATH = 'data/memory.db' } = process.env;",
    'const h = process.env.SESSIONS_DB_PATH || "data/sessions.db";',
    "const i = process.env.AUTH_DB ? process.env.AUTH_DB : 'data/auth.db';",
    'const j = process.env.ZOE_DB ?? process.env.DATABASE_PATH ?? `${root}/zoe.db`;',
    "const k = (process.env.TASKS_DB as string) ?? path.join(__dirname, 'tasks.db');",
    "function open({ CACHE_DB_PATH = 'cache.db' } = process.env) {}",
    "const m = settings.path ?? 'data/not-a-default.db';",
  ].join('\n');
  const { references } = detect(text);
  assert.deepEqual(summary(references), [
    ['env-read', 'MEMORY_DB_PATH', '', 0, 8, 0, 22],
    ['sqlite-path', 'memory.db', 'MEMORY_DB_PATH', 0, 26, 0, 40],
    ['env-read', 'SESSIONS_DB_PATH', '', 1, 22, 1, 38],
    ['sqlite-path', 'sessions.db', 'SESSIONS_DB_PATH', 1, 43, 1, 59],
    ['env-read', 'AUTH_DB', '', 2, 22, 2, 29],
    ['env-read', 'AUTH_DB', '', 2, 44, 2, 51],
    ['sqlite-path', 'auth.db', 'AUTH_DB', 2, 55, 2, 67],
    ['env-read', 'ZOE_DB', '', 3, 22, 3, 28],
    ['env-read', 'DATABASE_PATH', '', 3, 44, 3, 57],
    ['sqlite-path', 'zoe.db', 'DATABASE_PATH', 3, 62, 3, 76],
    ['env-read', 'TASKS_DB', '', 4, 23, 4, 31],
    ['sqlite-path', 'tasks.db', 'TASKS_DB', 4, 68, 4, 76],
    ['env-read', 'CACHE_DB_PATH', '', 5, 16, 5, 29],
    ['sqlite-path', 'cache.db', 'CACHE_DB_PATH', 5, 33, 5, 41],
    ['sqlite-path', 'not-a-default.db', '', 6, 28, 6, 49],
  ]);
});

test('assignments to the environment are definitions in the file, not reads', () => {
  const text = [
    "process.env.DATABASE_PATH = '/tmp/test/zoe.db';",
    "process.env['DATABASE_URL'] = url;",
    "process.env.PGHOST ??= 'localhost';",
    "Deno.env.set('REDIS_URL', 'redis://cache:6379/0');",
    'delete process.env.MEMORY_DB_PATH;',
  ].join('\n');
  const { references } = detect(text, 'test/setup.ts');
  assert.deepEqual(summary(references), [
    ['env-define', 'DATABASE_PATH', '', 0, 12, 0, 25],
    ['sqlite-path', 'zoe.db', '', 0, 29, 0, 45],
    ['env-define', 'DATABASE_URL', '', 1, 13, 1, 25],
    ['env-define', 'PGHOST', '', 2, 12, 2, 18],
    ['env-define', 'REDIS_URL', '', 3, 14, 3, 23],
    ['connection-url', 'cache:6379', '', 3, 27, 3, 47],
  ]);
  const defines = new Map(references.filter((r) => r.kind === 'env-define').map((r) => [r.envVar!, r]));
  assert.equal(defines.get('DATABASE_PATH')!.environment, 'test/setup.ts');
  assert.equal(defines.get('DATABASE_PATH')!.valueDigest, digest('/tmp/test/zoe.db'));
  assert.equal(defines.get('DATABASE_URL')!.valueDigest, undefined, 'a computed value is not known');
  assert.equal(defines.get('DATABASE_URL')!.value, 'DATABASE_URL');
  assert.equal(defines.get('REDIS_URL')!.value, 'REDIS_URL=redis://cache:6379/0');
});

// ---------------------------------------------------------------------------------------------
// Negatives

test('module specifiers, member names, globs, file names that are not databases, host names, comments and JSDoc are not references', () => {
  const text = [
    "import db from './db';",
    "import { users } from '../app.db';",
    "export * from './db.js';",
    "const legacy = require('./app.db.js');",
    "const lazy = await import('./storage.db');",
    "type T = import('./x.db').T;",
    'class Repo { constructor() { this.db = open(this.db); } }',
    "const ignored = ['Thumbs.db', '*.db', '**/*.sqlite', '.db', 'app.db.ts'];",
    "const host = 'db.example.com';",
    "const site = 'https://db.example.com/files/report.db?x=1';",
    "// new Database('auth.db')",
    '/* postgresql://u:p@h/db */',
    '/**',
    ' * Opens `data/auth.db`.',
    " * @example new Database('data/legacy.db')",
    " * @param {string} [path='data/jsdoc.db']",
    ' */',
    'function openDb(path) {}',
  ].join('\n');
  for (const path of ['src/repo.ts', 'src/repo.js']) {
    const result = detect(text, path);
    assert.deepEqual(result.references, [], path);
    assert.deepEqual(result.tables, [], path);
  }
});

// ---------------------------------------------------------------------------------------------
// Module flavours

test('JSX and TSX: attribute strings are searched (raw: JSX takes no backslash escapes); JSX text is prose', () => {
  const tsx = [
    'export function Admin<T,>({ rows }: Props<T>) {',
    '  return (',
    "    <Panel source=\"data/admin.db\" title={`${name}.sqlite`} label='C:\\data\\x.db'>",
    '      Backups live in data/backup.db and postgresql://u:p@h/db',
    "      {rows.map((r) => <Row key={r.id} db={'data/rows.db'} />)}",
    '    </Panel>',
    '  );',
    '}',
  ].join('\n');
  const jsx = tsx.replace('<T,>({ rows }: Props<T>)', '({ rows })');
  const expected = [
    ['sqlite-path', 'admin.db', '', 2, 19, 2, 32],
    ['sqlite-path', '${name}.sqlite', '', 2, 42, 2, 56],
    ['sqlite-path', 'x.db', '', 2, 66, 2, 78],
    ['sqlite-path', 'rows.db', '', 4, 44, 4, 56],
  ];
  for (const [path, text] of [['ui/Admin.tsx', tsx], ['ui/Admin.jsx', jsx], ['ui/Admin.js', jsx]]) {
    const { references } = detect(text, path);
    assert.deepEqual(summary(references), expected, path);
    assert.equal(references[2].value, 'C:\\data\\x.db', path);
  }
  // A JSX attribute ending in a backslash is closed by its quote.
  const trailing = detect("<A dir='C:\\dbs\\' file='data/one.db' />;", 'ui/A.jsx').references;
  assert.deepEqual(summary(trailing), [['sqlite-path', 'one.db', '', 0, 23, 0, 34]]);
});

test('ESM, CommonJS and TypeScript module flavours all parse', () => {
  const esm = "import Database from 'better-sqlite3';\nexport const db = new Database(process.env.DATABASE_PATH ?? 'data/zoe.db');\n";
  const cjs = "'use strict';\nconst Database = require('better-sqlite3');\nmodule.exports = new Database(process.env.DATABASE_PATH || 'data/zoe.db');\n";
  const ts5 = "import Database = require('better-sqlite3');\nexport const db: Database.Database = new Database(<string>process.env.DATABASE_PATH ?? 'data/zoe.db');\n";
  const cases: Array<[string, string, number, number]> = [
    ['src/db.mjs', esm, 61, 72], ['src/db.js', esm, 61, 72], ['src/db.cjs', cjs, 60, 71],
    ['src/db.mts', ts5, 88, 99], ['src/db.cts', ts5, 88, 99], ['src/db.ts', ts5, 88, 99],
  ];
  for (const [path, text, start, end] of cases) {
    const line = text.startsWith("'use strict'") ? 2 : 1;
    const refs = summary(detect(text, path).references);
    assert.deepEqual(refs.map((r) => r.slice(0, 3)), [['env-read', 'DATABASE_PATH', ''], ['sqlite-path', 'zoe.db', 'DATABASE_PATH']], path);
    assert.deepEqual(refs[1].slice(3), [line, start, line, end], path);
  }
  assert.equal(scriptKindOf('a.mjs'), ts.ScriptKind.JS);
  assert.equal(scriptKindOf('a.cjs'), ts.ScriptKind.JS);
  assert.equal(scriptKindOf('a.JSX'), ts.ScriptKind.JSX);
  assert.equal(scriptKindOf('a.cts'), ts.ScriptKind.TS);
  assert.equal(scriptKindOf('a.tsx'), ts.ScriptKind.TSX);
});

test('malformed code: the parser recovers, what it can read is found, nothing throws', () => {
  const text = [
    "const a = new Database('data/a.db'",
    'function broken( {',
    "  if (process.env.DATABASE_PATH ?? 'x.db'",
    "@Entity('half",
    "const s = 'unterminated/b.db",
  ].join('\n');
  const result = detect(text);
  assert.deepEqual(summary(result.references), [
    ['sqlite-path', 'a.db', '', 0, 24, 0, 33],
    ['env-read', 'DATABASE_PATH', '', 2, 18, 2, 31],
    ['sqlite-path', 'x.db', 'DATABASE_PATH', 2, 36, 2, 40],
    ['sqlite-path', 'b.db', '', 4, 11, 4, 28],
  ]);
  for (const junk of ['', '\u0000\u0001\uFFFF', '`${`${`${', '<<<<>>>>', '@@@', ')'.repeat(100), 'x'.repeat(10) + '\uD800']) {
    assert.deepEqual(detect(junk).references, []);
  }
});

test('very long expressions: the walk does not recurse; a parser stack overflow yields nothing instead of throwing', () => {
  const long = 'const s = ' + Array.from({ length: 20000 }, (_, i) => `'p${i}'`).join(' + ') + " + 'data/deep.db';\n";
  assert.deepEqual(detect(long, 'gen.js').references.map((r) => r.target), ['deep.db']);
  const nested = '('.repeat(6000) + "'data/paren.db'" + ')'.repeat(6000) + ';';
  assert.doesNotThrow(() => detect(nested, 'gen.js'));
});

// ---------------------------------------------------------------------------------------------
// Database names

test('db names in connection options, with the engine of the imported driver or the dialect option', () => {
  const text = [
    "const { Pool } = require('pg');",
    "const mysql = require('mysql2/promise');",
    "const mongoose = require('mongoose');",
    "const { Sequelize } = require('sequelize');",
    "const pool = new Pool({ host: 'db', database: 'mobius', user: 'app' });",
    "const conn = await mysql.createConnection({ host: 'localhost', database: 'shop' });",
    "await mongoose.connect(process.env.MONGO_URI, { dbName: 'zoe_events' });",
    "const seq = new Sequelize('legacy_crm', 'crm', process.env.CRM_PW, { dialect: 'mysql', host: 'crm' });",
    "const cache = mongoose.connection.useDb('cache_db');",
    "module.exports = { client: 'pg', connection: { host: 'pg', database: 'knex_db', password: process.env.PGPASSWORD } };",
    "new DataSource({ type: 'postgres', database: 'typeorm_db' });",
  ].join('\n');
  const { references } = detect(text, 'src/db.js');
  assert.deepEqual(dbNames(references), [
    ['postgres', 'mobius', 4, 47, 53],
    ['mysql', 'shop', 5, 74, 78],
    ['mongodb', 'zoe_events', 6, 57, 67],
    ['mysql', 'legacy_crm', 7, 27, 37],
    ['mongodb', 'cache_db', 8, 41, 49],
    ['postgres', 'knex_db', 9, 70, 77],
    ['postgres', 'typeorm_db', 10, 46, 56],
  ]);
  assert.ok(references.filter((r) => r.kind === 'db-name').every((r) => r.value === r.target && !r.credentials));
});

test('db names: the only import decides the engine; otherwise unknown', () => {
  const viaFile = "import knex from 'knex';\nimport 'pg';\nexport default knex({ connection: { database: 'reports' } });\n";
  assert.deepEqual(dbNames(detect(viaFile).references), [['postgres', 'reports', 2, 47, 54]]);
  const none = "export default createPool({ database: 'reports' });\n";
  assert.deepEqual(dbNames(detect(none).references), [['unknown', 'reports', 0, 39, 46]]);
  const mixed = "import 'pg';\nimport 'mysql2';\nconnect({ dbname: 'both' });\n";
  assert.deepEqual(dbNames(detect(mixed).references), [['unknown', 'both', 2, 19, 23]]);
});

test('db names: conservative; SQLite databases are files, not names', () => {
  const text = [
    "import Database from 'better-sqlite3';",
    "const user = { name: 'mobius_admin', database: 'not_a_config' };",
    "log({ name: 'report', title: 'mobius' });",
    "const cfg = { database: 'data/app.db', host: 'x' };",
    "new DataSource({ type: 'better-sqlite3', database: 'orm_local' });",
    "const seq = new Sequelize('offline', null, null, { dialect: 'sqlite', storage: 'data/offline.sqlite' });",
    "const mem = new Sequelize('sqlite::memory:', { logging: false });",
    "open({ database: '' }, { database: `${name}_db` }, { database: process.env.PGDATABASE ?? 'x y' });",
    "client.db('no_mongo_import');",
  ].join('\n');
  const { references } = detect(text);
  assert.deepEqual(dbNames(references), []);
  assert.deepEqual(
    references.filter((r) => r.kind === 'sqlite-path').map((r) => r.target),
    ['app.db', 'offline.sqlite'],
  );
});

// ---------------------------------------------------------------------------------------------
// Tables

test('ORM tables: TypeORM, Sequelize, Objection, Drizzle (with pgSchema) and knex', () => {
  const text = [
    "import { Entity } from 'typeorm';",
    "import { pgTable, pgSchema, text } from 'drizzle-orm/pg-core';",
    "import { sqliteTable } from 'drizzle-orm/sqlite-core';",
    "@Entity('users')",
    'export class User {}',
    "@Entity({ name: 'rag_documents', schema: 'public' })",
    'export class Doc {}',
    "@Entity('chunks', { schema: 'rag' })",
    'export class Chunk {}',
    '@Entity()',
    'export class Unnamed {}',
    "const Task = sequelize.define('Task', { title: DataTypes.STRING });",
    "const Note = sequelize.define('Note', {}, { tableName: 'notes', schema: 'app' });",
    "Memory.init({}, { sequelize, tableName: 'memories' });",
    "export class Person extends Model { static tableName = 'persons'; }",
    "export const sessions = pgTable('sessions', { id: text('id') });",
    "export const kv = sqliteTable('kv', {});",
    "export const rag = pgSchema('rag');",
    "export const documents = rag.table('documents', {});",
    "export const embeddings = pgSchema('vectors').table('embeddings', {});",
    'export async function up(knex) {',
    "  await knex.schema.createTable('accounts', (t) => t.increments());",
    "  await knex.schema.withSchema('rag').createTable('sources', (t) => t.text('url'));",
    "  await knex.schema.dropTableIfExists('old_accounts');",
    "  const rows = await knex('accounts').where({ id: 1 });",
    "  await db.select('*').from('rag.chunks');",
    "  await trx.into('audit_log as a').insert({});",
    "  await knex.withSchema('rag').from('documents');",
    '}',
  ].join('\n');
  const result = detect(text, 'src/schema.ts');
  assert.deepEqual(tables(result.tables), [
    ['users', '', 'orm', true, 3, 9, 14],
    ['rag_documents', 'public', 'orm', true, 5, 17, 30],
    ['chunks', 'rag', 'orm', true, 7, 9, 15],
    ['Task', '', 'orm', true, 11, 31, 35],
    ['notes', 'app', 'orm', true, 12, 56, 61],
    ['memories', '', 'orm', true, 13, 41, 49],
    ['persons', '', 'orm', true, 14, 56, 63],
    ['sessions', '', 'orm', true, 15, 33, 41],
    ['kv', '', 'orm', true, 16, 31, 33],
    ['documents', 'rag', 'orm', true, 18, 36, 45],
    ['embeddings', 'vectors', 'orm', true, 19, 53, 63],
    ['accounts', '', 'orm', true, 21, 33, 41],
    ['sources', 'rag', 'orm', true, 22, 51, 58],
    ['old_accounts', '', 'orm', false, 23, 39, 51],
    ['accounts', '', 'orm', false, 24, 27, 35],
    ['chunks', 'rag', 'orm', false, 25, 33, 39],
    ['audit_log', '', 'orm', false, 26, 18, 27],
    ['documents', 'rag', 'orm', false, 27, 37, 46],
  ]);
  // A Drizzle schema names a Postgres schema.
  assert.deepEqual(dbNames(result.references), [['postgres', 'rag', 17, 29, 32], ['postgres', 'vectors', 19, 36, 43]]);
  assert.ok(result.tables.every((t) => t.path === 'src/schema.ts'));
});

test('tables: calls that merely look like queries are not tables', () => {
  const text = [
    "const r = await api.from('profiles').select();",
    "render('users');",
    "foo.table('not_a_table');",
    "const x = { tableName: 'free_standing' };",
    "define('amd-module', ['dep'], () => {});",
    "app.define('widget', {});",
    "knex.from(tableVar);",
    "db(`users_${tenant}`);",
    "knex('users; drop table x');",
  ].join('\n');
  assert.deepEqual(detect(text).tables, []);
});

// ---------------------------------------------------------------------------------------------
// SQL inside strings (tables and names found by sqlTables.ts)

test('SQL in strings, templates and tagged templates: tables and schema names at their file offsets', () => {
  const text = [
    "import { Pool } from 'pg';",
    "await pool.query('SELECT * FROM rag_documents WHERE id = $1', [id]);",
    'await sql`CREATE SCHEMA rag`;',
    'const rows = await db.query(`',
    '  SELECT d.id FROM rag.documents d',
    '  JOIN rag_chunks c ON c.doc = d.id',
    '  WHERE d.owner = ${owner}`);',
    "await pool.query('UPDATE\\tsessions SET seen = now()');",
    '// SELECT * FROM commented_out',
  ].join('\n');
  const result = detect(text, 'src/repo.ts');
  assert.deepEqual(tables(result.tables), [
    ['rag_documents', '', 'sql', false, 1, 32, 45],
    ['documents', 'rag', 'sql', false, 4, 23, 32],
    ['rag_chunks', '', 'sql', false, 5, 7, 17],
    ['sessions', '', 'sql', false, 7, 26, 34],
  ]);
  assert.deepEqual(dbNames(result.references), [['postgres', 'rag', 2, 24, 27]]);
});

test('SQL that is not in a string, or a string that is not SQL, yields no tables', () => {
  const text = [
    "const label = 'users';",
    "const msg = `Loaded ${n} rows`;",
    '/* CREATE TABLE hidden (id int) */',
    '/** @example db.query("SELECT * FROM doc_example") */',
  ].join('\n');
  assert.deepEqual(detect(text).tables, []);
});

// ---------------------------------------------------------------------------------------------
// A realistic module

test('a realistic TypeScript module: config object, pg Pool, Drizzle tables and a knex migration', () => {
  const text = [
    '// Platform database access for the chat service.',
    "import { Pool } from 'pg';",
    "import { drizzle } from 'drizzle-orm/node-postgres';",
    "import { pgSchema, pgTable, serial, text, vector } from 'drizzle-orm/pg-core';",
    "import type { Knex } from 'knex';",
    '',
    '/** Settings read once at start-up (never `postgresql://admin:root@prod/mobius`). */',
    'export const config = {',
    "  databaseUrl: process.env.DATABASE_URL ?? 'postgresql://dev@localhost:5432/mobius',",
    '  ragUrl: process.env.RAG_DATABASE_URL,',
    "  memoryPath: process.env.MEMORY_DB_PATH || './data/memory.db',",
    '  poolSize: Number(process.env.DB_POOL_SIZE ?? 10),',
    '};',
    '',
    'export const pool = new Pool({',
    '  host: process.env.PGHOST,',
    '  port: 5432,',
    "  database: 'mobius_chat',",
    "  user: 'chat',",
    '  password: process.env.PGPASSWORD,',
    '});',
    '',
    'export const db = drizzle(pool);',
    '',
    "export const messages = pgTable('chat_messages', {",
    "  id: serial('id').primaryKey(),",
    "  body: text('body'),",
    '});',
    '',
    "const rag = pgSchema('rag');",
    "export const chunks = rag.table('chunks', {",
    "  id: serial('id').primaryKey(),",
    "  embedding: vector('embedding', { dimensions: 1536 }),",
    '});',
    '',
    'export async function up(knex: Knex): Promise<void> {',
    "  await knex.schema.withSchema('rag').createTable('documents', (t) => {",
    "    t.increments('id');",
    "    t.text('title');",
    '  });',
    "  await knex('chat_messages').del();",
    '}',
  ].join('\n');
  const result = detect(text, 'services/chat/src/db.ts');
  assert.deepEqual(summary(result.references), [
    ['env-read', 'DATABASE_URL', '', 8, 27, 8, 39],
    ['connection-url', 'mobius', 'DATABASE_URL', 8, 44, 8, 82],
    ['env-read', 'RAG_DATABASE_URL', '', 9, 22, 9, 38],
    ['env-read', 'MEMORY_DB_PATH', '', 10, 26, 10, 40],
    ['sqlite-path', 'memory.db', 'MEMORY_DB_PATH', 10, 45, 10, 61],
    ['env-read', 'DB_POOL_SIZE', '', 11, 31, 11, 43],
    ['env-read', 'PGHOST', '', 15, 20, 15, 26],
    ['db-name', 'mobius_chat', '', 17, 13, 17, 24],
    ['env-read', 'PGPASSWORD', '', 19, 24, 19, 34],
    ['db-name', 'rag', '', 29, 22, 29, 25],
  ]);
  assert.deepEqual(tables(result.tables), [
    ['chat_messages', '', 'orm', true, 24, 33, 46],
    ['chunks', 'rag', 'orm', true, 30, 33, 39],
    ['documents', 'rag', 'orm', true, 36, 51, 60],
    ['chat_messages', '', 'orm', false, 40, 14, 27],
  ]);
  const url = result.references.find((r) => r.kind === 'connection-url')!;
  assert.equal(url.value, 'postgresql://dev@localhost:5432/mobius');
  assert.equal(url.credentials, false);
  assert.deepEqual(dbNames(result.references).map(([engine]) => engine), ['postgres', 'postgres']);
  assert.ok(!JSON.stringify(result).includes('admin:root'), 'the comment with a URL is not read');
});

test('engineOfModule: drivers, subpaths, scoped packages and drizzle dialects', () => {
  assert.equal(engineOfModule('pg'), 'postgres');
  assert.equal(engineOfModule('@neondatabase/serverless'), 'postgres');
  assert.equal(engineOfModule('mysql2/promise'), 'mysql');
  assert.equal(engineOfModule('mongoose'), 'mongodb');
  assert.equal(engineOfModule('better-sqlite3'), 'sqlite');
  assert.equal(engineOfModule('ioredis'), 'redis');
  assert.equal(engineOfModule('drizzle-orm/node-postgres'), 'postgres');
  assert.equal(engineOfModule('drizzle-orm/better-sqlite3'), 'sqlite');
  assert.equal(engineOfModule('drizzle-orm/mysql-core'), 'mysql');
  assert.equal(engineOfModule('drizzle-orm'), undefined);
  assert.equal(engineOfModule('./db'), undefined);
  assert.equal(engineOfModule('toString'), undefined);
});
