// The module inventory over a real audit of a small workspace: three modules (a Node package,
// a Python project, a Go module) that share one Postgres database through three different env
// vars, plus a shared env var and what sits outside every module.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { auditWorkspace, type AuditResult } from '../../server/src/engine/audit';
import { buildInventory, findManifests, moduleFolders, moduleOf, type ModuleInventory } from '../../server/src/engine/inventory';

let root: string;
let result: AuditResult;
let inventory: ModuleInventory[];

function write(rel: string, text: string): void {
  mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
  writeFileSync(path.join(root, rel), text);
}

before(async () => {
  root = mkdtempSync(path.join(tmpdir(), 'dbaudit-inventory-'));
  write('services/orders/package.json', '{ "name": "orders", "version": "1.0.0" }\n');
  write('services/orders/.env', 'ORDERS_DATABASE_URL=postgresql://orders:${PGPASS}@db:5432/platform\nREDIS_URL=redis://cache:6379/0\n');
  write('services/orders/src/db.js', "const { Pool } = require('pg');\nmodule.exports = new Pool({ connectionString: process.env.ORDERS_DATABASE_URL });\n");
  write('services/orders/schema.sql', 'CREATE TABLE orders (id serial primary key);\nCREATE TABLE order_lines (id serial primary key);\n');
  write('services/billing/pyproject.toml', '[project]\nname = "billing"\n');
  write('services/billing/.env', 'BILLING_DB_URL=postgresql://billing:${PGPASS}@db:5432/platform\nREDIS_URL=redis://cache:6379/0\n');
  write('services/billing/billing/models.py', [
    'import os',
    'from sqlalchemy import create_engine',
    'from sqlalchemy.orm import declarative_base',
    'Base = declarative_base()',
    'engine = create_engine(os.environ["BILLING_DB_URL"])',
    'class Invoice(Base):',
    '    __tablename__ = "invoices"',
    '',
  ].join('\n'));
  write('tools/reports/go.mod', 'module example.com/reports\n\ngo 1.22\n');
  write('tools/reports/reports.env', 'REPORTS_PG_DSN=postgres://reports:${PGPASS}@db:5432/platform\n');
  write('tools/reports/main.go', 'package main\n\nfunc main() {}\n');
  write('scripts/backup.sh', 'pg_dump "postgresql://backup:${PGPASS}@db:5432/platform" > backup.sql\n');
  const audit = await auditWorkspace({ root });
  result = audit;
  inventory = buildInventory({
    references: audit.references,
    tables: audit.tables,
    files: await findManifests(root, audit.files.map((f) => f.path)),
    config: audit.rulesFile?.config,
  });
});

after(() => rmSync(root, { recursive: true, force: true }));

const mod = (p: string) => {
  const m = inventory.find((x) => x.path === p);
  assert.ok(m, `module ${p} in ${inventory.map((x) => x.path).join(', ')}`);
  return m;
};

test('modules are the folders with a manifest (go.mod found on disk), then the root for the rest', () => {
  assert.deepEqual(inventory.map((m) => [m.path, m.manifests]), [
    ['.', []],
    ['services/billing', ['pyproject.toml']],
    ['services/orders', ['package.json']],
    ['tools/reports', ['go.mod']],
  ]);
  assert.ok(!result.files.some((f) => f.path === 'tools/reports/go.mod'), 'the walk itself does not list go.mod');
});

test('each module uses the shared Postgres database through its own env var', () => {
  const platform = (p: string) => mod(p).databases.find((d) => d.name === 'platform');
  assert.deepEqual(platform('services/orders'), { name: 'platform', engine: 'postgres', role: 'unknown', references: 3, via: ['ORDERS_DATABASE_URL'] });
  assert.deepEqual(platform('services/billing'), { name: 'platform', engine: 'postgres', role: 'unknown', references: 3, via: ['BILLING_DB_URL'] });
  assert.deepEqual(platform('tools/reports'), { name: 'platform', engine: 'postgres', role: 'unknown', references: 2, via: ['REPORTS_PG_DSN'] });
  assert.deepEqual(platform('.'), { name: 'platform', engine: 'postgres', role: 'unknown', references: 1, via: [] });
});

test('env vars read and defined per module', () => {
  assert.deepEqual([mod('services/orders').envReads, mod('services/orders').envDefines], [['ORDERS_DATABASE_URL'], ['ORDERS_DATABASE_URL', 'REDIS_URL']]);
  assert.deepEqual([mod('services/billing').envReads, mod('services/billing').envDefines], [['BILLING_DB_URL'], ['BILLING_DB_URL', 'REDIS_URL']]);
  assert.deepEqual([mod('tools/reports').envReads, mod('tools/reports').envDefines], [[], ['REPORTS_PG_DSN']]);
});

test('tables declared per module, with their form and place', () => {
  assert.deepEqual(mod('services/orders').tables.map((t) => [t.name, t.form, t.path, t.line]), [
    ['order_lines', 'sql', 'services/orders/schema.sql', 2],
    ['orders', 'sql', 'services/orders/schema.sql', 1],
  ]);
  assert.deepEqual(mod('services/billing').tables.map((t) => [t.name, t.form, t.path, t.line]), [['invoices', 'sqlalchemy', 'services/billing/billing/models.py', 7]]);
  assert.deepEqual(mod('tools/reports').tables, []);
});

test('modules that share a database or an env var name each other', () => {
  assert.deepEqual(mod('services/orders').sharesWith, [
    { module: '.', databases: ['platform'], envVars: [] },
    // The Redis URL names no database, so its host designates it (as in the summary).
    { module: 'services/billing', databases: ['cache:6379', 'platform'], envVars: ['REDIS_URL'] },
    { module: 'tools/reports', databases: ['platform'], envVars: [] },
  ]);
  assert.deepEqual(mod('tools/reports').sharesWith.map((s) => s.module), ['.', 'services/billing', 'services/orders']);
});

test('a rules file declaring the database gives its role and engine', () => {
  const declared = buildInventory({
    references: result.references,
    tables: result.tables,
    files: ['services/orders/package.json'],
    config: {
      path: 'dbaudit.json', sameDatabase: [], allowHardcoded: [], forbidNewDatabaseFiles: false, ignore: [], rules: {},
      databases: [{ name: 'platform', engine: 'postgres', role: 'primary', database: 'platform', env: 'ORDERS_DATABASE_URL', aliases: [], absorbs: [], schemas: {}, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, absorbsRanges: {} }],
    },
  });
  const orders = declared.find((m) => m.path === 'services/orders')!;
  assert.equal(orders.databases.find((d) => d.name === 'platform')?.role, 'primary');
});

test('moduleOf picks the deepest module folder', () => {
  const folders = moduleFolders(['a/package.json', 'a/b/pyproject.toml', 'README.md']);
  assert.equal(moduleOf('a/b/c/x.py', folders), 'a/b');
  assert.equal(moduleOf('a/x.js', folders), 'a');
  assert.equal(moduleOf('x.js', folders), '.');
  assert.equal(moduleOf('ab/x.js', folders), '.');
});
