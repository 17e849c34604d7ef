// The built `db-audit inspect` on temp workspaces with real SQLite files: what it prints in each
// format, its findings on the rules file, exit codes, and that no database file changes.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { corruptFile, fingerprint, splitUsers, tempDir } from '../helpers/sqliteFixtures';
import { runCli, type CliRun } from '../helpers/cli';

const REPO = path.resolve(__dirname, '../..');
const BIN = path.join(REPO, 'server/bin/db-audit.js');

function run(args: string[], cwd = REPO): Promise<CliRun> {
  return runCli(args, { cwd });
}

function workspace(rules: object): string {
  const root = tempDir('dbaudit-inspect-cli-');
  mkdirSync(path.join(root, 'data'));
  splitUsers(path.join(root, 'data'));
  corruptFile(path.join(root, 'data', 'sessions.db'));
  writeFileSync(path.join(root, 'dbaudit.json'), JSON.stringify(rules, null, 2));
  return root;
}

const RULES = { databases: { zoe: { engine: 'sqlite', file: '/app/data/zoe.db', absorbs: ['auth.db', 'developer_tasks.db', 'sessions.db'] } } };

interface InspectJson {
  version: number;
  sqlite: Array<{ path: string; role: string; database?: string; error?: string; tables: Array<{ name: string; rowCount: number }> }>;
  shared: Array<{ table: string; databases: string[] }>;
  comparisons: Array<{ source: string; target: string; error?: string; tables: Array<{ table: string; key?: string[]; rows?: { onlyInSource: number; onlyInTarget: number; differing: number } }> }>;
  findings: Array<{ rule: string; severity: string; path: string; line: number; message: string }>;
}

test('inspect --format json: facts of every declared and absorbed file, comparisons, findings on the absorbs items; files unchanged', async () => {
  const root = workspace(RULES);
  const before = fingerprint(root);
  const r = await run(['inspect', root, '--format', 'json']);
  assert.deepEqual(fingerprint(root), before);
  assert.equal(r.stderr, '');
  assert.equal(r.code, 0);
  const report = JSON.parse(r.stdout) as InspectJson;
  assert.equal(report.version, 1);
  assert.deepEqual(report.sqlite.map((d) => [d.path, d.role, d.error ?? d.tables.map((t) => `${t.name}:${t.rowCount}`).join(' ')]), [
    ['data/auth.db', 'absorbed', 'sessions:1 users:2'],
    ['data/developer_tasks.db', 'absorbed', 'tasks:3 users:1'],
    ['data/sessions.db', 'absorbed', 'corrupt: database disk image is malformed'],
    ['data/zoe.db', 'target', 'notes:1 users:4'],
  ]);
  const counts = (r?: { onlyInSource: number; onlyInTarget: number; differing: number }) => r && [r.onlyInSource, r.onlyInTarget, r.differing];
  assert.deepEqual(report.comparisons.map((c) => [c.source, c.target, c.error, c.tables.map((t) => [t.table, t.key, counts(t.rows)])]), [
    ['data/auth.db', 'data/zoe.db', undefined, [['users', ['username'], [0, 2, 1]]]],
    ['data/developer_tasks.db', 'data/zoe.db', undefined, [['users', ['username'], [1, 4, 0]]]],
    ['data/sessions.db', 'data/zoe.db', 'data/sessions.db: corrupt: database disk image is malformed', []],
  ]);
  assert.deepEqual(report.findings.map((f) => [f.rule, f.severity, f.path, f.line]), [
    ['diverging-rows', 'warning', 'dbaudit.json', 7],
    ['duplicate-table', 'info', 'dbaudit.json', 7],
    ['diverging-rows', 'warning', 'dbaudit.json', 8],
    ['duplicate-table', 'info', 'dbaudit.json', 8],
  ]);
  assert.match(report.findings[2].message, /^developer_tasks\.db users: 1 row, 1 missing from zoe\.db \(username='dev'\)/);
});

test('inspect text and markdown name the tables, the merge and the findings; an error-severity override exits 1', async () => {
  const root = workspace({ ...RULES, rules: { 'diverging-rows': 'error' } });
  const text = await run(['inspect', root]);
  assert.equal(text.code, 1);
  assert.match(text.stdout, /^  data\/zoe\.db \(zoe\) [\d.]+ KiB\n    notes: 1 row; id INTEGER PK, body TEXT\n    users: 4 rows; id INTEGER PK, username TEXT UNIQUE NOT NULL, email TEXT, created_at TEXT$/m);
  assert.match(text.stdout, /^  data\/sessions\.db \(absorbed into zoe\) .*\n    cannot inspect: corrupt: database disk image is malformed$/m);
  assert.match(text.stdout, /^  users: data\/auth\.db, data\/developer_tasks\.db, data\/zoe\.db$/m);
  assert.match(text.stdout, /^  dbaudit\.json:7:\d+ error diverging-rows: auth\.db users: 2 rows, 0 missing from zoe\.db, 1 with the same username/m);
  const md = await run(['inspect', root, '--format', 'markdown']);
  assert.match(md.stdout, /^\| users \| developer_tasks\.db \| zoe\.db \| 1 \| 1 \| 0 \| columns missing from developer_tasks\.db: created_at \|$/m);
});

test('inspect --sqlite compares named files without a rules file; usage errors exit 2; a Postgres password is never printed', async () => {
  const dir = tempDir('dbaudit-inspect-cli-');
  const { zoe } = splitUsers(dir);
  const r = await run(['inspect', dir, '--sqlite', zoe, '--sqlite', 'developer_tasks.db', '--format', 'json'], dir);
  const report = JSON.parse(r.stdout) as InspectJson;
  assert.deepEqual(report.sqlite.map((d) => [d.path, d.role]), [['zoe.db', 'given'], ['developer_tasks.db', 'given']]);
  assert.deepEqual(report.findings.map((f) => [f.rule, f.path]), [['diverging-rows', 'developer_tasks.db'], ['duplicate-table', 'developer_tasks.db']]);
  const bad = await run(['inspect', dir, '--format', 'sarif']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /unknown format 'sarif'/);
  // A file named on the command line that is not there is a mistake in the call (as --config's is), not a report line.
  const missing = await run(['inspect', dir, '--sqlite', 'no-such.db'], dir);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /^db-audit: --sqlite no-such\.db: no such file$/m);
  assert.equal(missing.stdout, '');
  const notPg = await run(['inspect', dir, '--postgres', 'mysql://root:hunter2@db/x']);
  assert.equal(notPg.code, 2);
  assert.doesNotMatch(notPg.stderr, /hunter2/);
  const refused = await run(['inspect', dir, '--postgres', 'postgresql://app:hunter2@127.0.0.1:1/app']);
  assert.equal(refused.code, 0);
  assert.match(refused.stdout, /cannot inspect: postgresql:\/\/app:\*\*\*@127\.0\.0\.1:1\/app: connect ECONNREFUSED/);
  assert.doesNotMatch(refused.stdout + refused.stderr, /hunter2/);
});
