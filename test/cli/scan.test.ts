// The built `db-audit` bin, run as a child process on the bundled fixture workspace
// (test/fixtures/zoe-like) and on small temp workspaces: exit codes, every report format, and
// what the audit finds in the fixture, pinned reference by reference and finding by finding.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { runCli } from '../helpers/cli';

const REPO = path.resolve(__dirname, '../..');
const BIN = path.join(REPO, 'server/bin/db-audit.js');
const CLI_MAIN = path.join(REPO, 'server/out/cli/main.js');
const FIXTURE = 'test/fixtures/zoe-like';
/** The one literal password in the fixture (services/rag/ingest.py); no report may print it. */
const PASSWORD = 'Tr0ub4dor-zoe-2023';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the bin from the repository root; `env` entries set to undefined are removed. */
function run(args: string[], env: Record<string, string | undefined> = {}): Promise<Run> {
  return runCli(args, { env });
}

interface JsonReference {
  path: string; line: number; column: number; endLine: number; endColumn: number;
  kind: string; engine: string; target: string; value: string; credentials: boolean; envVar?: string; defaultOf?: string;
}
interface JsonFinding {
  rule: string; severity: string; path: string; line: number; column: number; endLine: number; endColumn: number; message: string;
}
interface JsonDatabase {
  name: string; engine: string; references: number; files: number; role: string; absorbedInto?: string;
}
interface JsonReport {
  version: number; filesScanned: number; references: JsonReference[]; findings: JsonFinding[]; databases: JsonDatabase[];
}

let scan: Run;
let report: JsonReport;
/** The fixture in the other formats; text twice: stdout a pipe (not a TTY), and NO_COLOR set. */
const other: Record<'sarif' | 'markdown' | 'text' | 'textNoColor', Run> = {} as never;
const temps: string[] = [];

function tempWorkspace(files: Record<string, string>): string {
  const root = mkdtempSync(path.join(tmpdir(), 'dbaudit-cli-'));
  temps.push(root);
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    writeFileSync(path.join(root, rel), text);
  }
  return root;
}

before(async () => {
  assert.ok(existsSync(CLI_MAIN), `build the CLI first (npm run build): ${path.relative(REPO, CLI_MAIN)} is missing`);
  [scan, other.sarif, other.markdown, other.text, other.textNoColor] = await Promise.all([
    run(['scan', FIXTURE, '--format', 'json']),
    run(['scan', FIXTURE, '--format', 'sarif']),
    run(['scan', FIXTURE, '--format', 'markdown']),
    run(['scan', FIXTURE], { NO_COLOR: undefined, FORCE_COLOR: undefined }),
    run(['scan', FIXTURE, '--format', 'text'], { NO_COLOR: '1' }),
  ]);
  report = JSON.parse(scan.stdout) as JsonReport;
});

after(() => {
  for (const t of temps) rmSync(t, { recursive: true, force: true });
});

// ---------------------------------------------------------------------------------------------
// The fixture, as JSON

test('json: exit 1 (error findings), version 1, every source file scanned, nothing on stderr', () => {
  assert.equal(scan.code, 1, scan.stderr);
  assert.equal(scan.stderr, '');
  assert.equal(report.version, 1);
  // 12 Python files, 3 scripts, 2 migrations, 1 JS, Dockerfile, requirements.txt, compose, .env.example,
  // dbaudit.json, README.md, docs/architecture.md (docs/archive is ignored; data/*.db are not sources).
  assert.equal(report.filesScanned, 25);
});

/** [line, column, endColumn, kind, target, defaultOf] of a file's references, in position order. */
type RefRow = [number, number, number, string, string, string];

function rowsOf(file: string): RefRow[] {
  return report.references
    .filter((r) => r.path === file)
    .map((r): RefRow => {
      assert.equal(r.endLine, r.line, `${file}:${r.line}: a reference on one line`);
      return [r.line, r.column, r.endColumn, r.kind, r.target, r.defaultOf ?? ''];
    })
    .sort((a, b) => a[0] - b[0] || a[1] - b[1] || a[3].localeCompare(b[3]));
}

/**
 * Every database reference of every file of the fixture. Lines and columns are 1-based; env refs
 * cover the var's name, literals the value without its quotes. Non-database vars (DATA_DIR,
 * BACKUP_DIR) are not references; neither are comments, docstrings, Markdown prose, the rules file.
 */
const EXPECTED_REFERENCES: Record<string, RefRow[]> = {
  '.env.example': [
    [2, 1, 14, 'env-define', 'DATABASE_PATH', ''],
    [2, 15, 31, 'sqlite-path', 'zoe.db', ''],
    [3, 1, 15, 'env-define', 'MEMORY_DB_PATH', ''],
    [3, 16, 35, 'sqlite-path', 'memory.db', ''],
    [4, 1, 22, 'env-define', 'PLATFORM_DATABASE_URL', ''],
    [4, 23, 88, 'connection-url', 'zoe_platform', ''],
    [4, 42, 59, 'env-read', 'POSTGRES_PASSWORD', ''],
    [5, 1, 18, 'env-define', 'CHAT_DATABASE_URL', ''],
    [5, 19, 84, 'connection-url', 'zoe_platform', ''],
    [5, 38, 55, 'env-read', 'POSTGRES_PASSWORD', ''],
    [6, 1, 18, 'env-define', 'POSTGRES_PASSWORD', ''],
    [8, 1, 13, 'env-define', 'AUTH_DB_PATH', ''],
    [8, 14, 31, 'sqlite-path', 'auth.db', ''],
  ],
  'docker-compose.yml': [
    [5, 7, 20, 'env-define', 'DATABASE_PATH', ''],
    [5, 22, 38, 'sqlite-path', 'zoe.db', ''],
    [6, 7, 21, 'env-define', 'MEMORY_DB_PATH', ''],
    [6, 23, 42, 'sqlite-path', 'memory.db', ''],
    [8, 9, 22, 'sqlite-path', 'zoe.db', ''],
    [8, 23, 39, 'sqlite-path', 'zoe.db', ''],
    [9, 9, 25, 'sqlite-path', 'memory.db', ''],
    [9, 26, 45, 'sqlite-path', 'memory.db', ''],
    [10, 9, 23, 'sqlite-path', 'auth.db', ''],
    [10, 24, 41, 'sqlite-path', 'auth.db', ''],
    [11, 9, 27, 'sqlite-path', 'sessions.db', ''],
    [11, 28, 49, 'sqlite-path', 'sessions.db', ''],
    [17, 9, 30, 'env-define', 'PLATFORM_DATABASE_URL', ''],
    [17, 31, 95, 'connection-url', 'zoe_platform', ''],
    [17, 50, 67, 'env-read', 'POSTGRES_PASSWORD', ''],
    [18, 9, 26, 'env-define', 'CHAT_DATABASE_URL', ''],
    [18, 27, 86, 'connection-url', 'zoe_rag', ''],
    [18, 46, 63, 'env-read', 'POSTGRES_PASSWORD', ''],
    [25, 7, 18, 'env-define', 'POSTGRES_DB', ''],
    [26, 7, 20, 'env-define', 'POSTGRES_USER', ''],
    [27, 7, 24, 'env-define', 'POSTGRES_PASSWORD', ''],
    [27, 28, 45, 'env-read', 'POSTGRES_PASSWORD', ''],
  ],
  'services/Dockerfile': [
    [8, 5, 18, 'env-define', 'DATABASE_PATH', ''],
    [8, 19, 35, 'sqlite-path', 'zoe.db', ''],
    [9, 5, 19, 'env-define', 'MEMORY_DB_PATH', ''],
    [9, 20, 39, 'sqlite-path', 'memory.db', ''],
    [11, 5, 17, 'env-define', 'AUTH_DB_PATH', ''],
    [11, 18, 35, 'sqlite-path', 'auth.db', ''],
  ],
  'scripts/backup.sh': [
    [8, 12, 25, 'env-read', 'DATABASE_PATH', ''],
    [8, 27, 43, 'sqlite-path', 'zoe.db', 'DATABASE_PATH'],
    [9, 9, 26, 'sqlite-path', 'auth.db', ''],
    [10, 9, 30, 'sqlite-path', 'sessions.db', ''],
  ],
  'scripts/reset-dev.sh': [
    [4, 8, 21, 'env-define', 'DATABASE_PATH', ''],
    [4, 22, 35, 'sqlite-path', 'zoe.db', ''],
    [5, 9, 22, 'env-read', 'DATABASE_PATH', ''],
    [5, 24, 41, 'sqlite-path', 'scratch.db', ''],
  ],
  'scripts/migrate-auth.ts': [
    [4, 30, 42, 'sqlite-path', 'auth.db', ''],
    [5, 38, 51, 'env-read', 'DATABASE_PATH', ''],
    [5, 56, 67, 'sqlite-path', 'zoe.db', 'DATABASE_PATH'],
  ],
  'web/src/notifications.js': [
    [5, 67, 83, 'sqlite-path', 'notifications.db', ''],
  ],
  'services/config.py': [
    // pydantic BaseSettings fields are reads of the upper-cased var; their defaults are only its default.
    [10, 5, 18, 'env-read', 'DATABASE_PATH', ''],
    [10, 27, 43, 'sqlite-path', 'zoe.db', 'DATABASE_PATH'],
    [11, 5, 19, 'env-read', 'MEMORY_DB_PATH', ''],
    [11, 28, 47, 'sqlite-path', 'memory.db', 'MEMORY_DB_PATH'],
    [12, 5, 16, 'env-read', 'CALENDAR_DB', ''],
    [12, 25, 46, 'sqlite-path', 'calendar.db', 'CALENDAR_DB'],
  ],
  'services/core/db.py': [
    [5, 28, 41, 'env-read', 'DATABASE_PATH', ''],
    [5, 45, 61, 'sqlite-path', 'zoe.db', 'DATABASE_PATH'],
  ],
  'services/auth/store.py': [
    [6, 29, 46, 'sqlite-path', 'auth.db', ''],
  ],
  'services/sessions/store.py': [
    [6, 33, 44, 'sqlite-path', 'sessions.db', ''],
  ],
  'services/tasks/developer_tasks.py': [
    [4, 13, 41, 'sqlite-path', 'developer_tasks.db', ''],
  ],
  'services/memory/store.py': [
    [5, 34, 48, 'env-read', 'MEMORY_DB_PATH', ''],
    [5, 52, 71, 'sqlite-path', 'memory.db', 'MEMORY_DB_PATH'],
  ],
  'services/journal/store.py': [
    [7, 30, 51, 'sqlite-path', 'journal.db', ''],
  ],
  'services/reminders/worker.py': [
    [5, 27, 44, 'env-read', 'REMINDERS_DB_PATH', ''],
    [5, 48, 70, 'sqlite-path', 'reminders.db', 'REMINDERS_DB_PATH'],
  ],
  'services/rag/ingest.py': [
    [6, 25, 99, 'connection-url', 'zoe_platform', ''],
    [8, 22, 38, 'env-read', 'RAG_DATABASE_URL', ''],
  ],
  'services/chat/history.py': [
    [9, 17, 24, 'db-name', 'zoe_rag', ''],
    [10, 26, 39, 'env-read', 'POSTGRES_HOST', ''],
    [11, 26, 39, 'env-read', 'POSTGRES_USER', ''],
    [12, 30, 47, 'env-read', 'POSTGRES_PASSWORD', ''],
  ],
  'services/analytics/export.py': [
    [8, 29, 41, 'sqlite-path', 'analytics.db', ''],
  ],
  'migrations/sqlite/003_merge_auth.sql': [
    [3, 18, 35, 'sqlite-path', 'auth.db', ''],
  ],
  'migrations/postgres/001_rag_schema.sql': [
    [1, 29, 32, 'db-name', 'rag', ''],
  ],
  'docs/architecture.md': [
    [7, 23, 39, 'sqlite-path', 'zoe.db', ''], // inline code
    [12, 9, 30, 'sqlite-path', 'calendar.db', ''], // a sh fence
    [20, 22, 35, 'env-read', 'DATABASE_PATH', ''], // a python fence, read as Python
    [20, 39, 55, 'sqlite-path', 'zoe.db', 'DATABASE_PATH'],
  ],
};

for (const [file, rows] of Object.entries(EXPECTED_REFERENCES)) {
  test(`json: every reference in ${file}, with 1-based line and columns`, () => {
    assert.deepEqual(rowsOf(file), rows);
  });
}

test('json: no other file has references (rules file, README, requirements.txt, the ignored docs/archive)', () => {
  const files = new Set(report.references.map((r) => r.path));
  assert.deepEqual([...files].filter((f) => !(f in EXPECTED_REFERENCES)).sort(), []);
  for (const file of ['dbaudit.json', 'README.md', 'services/requirements.txt', 'services/rag/models.py', 'docs/archive/old.md']) {
    assert.ok(!files.has(file), `${file} has no references`);
  }
  assert.ok(!report.references.some((r) => r.path.startsWith('docs/archive/')), 'docs/archive/** is ignored');
  assert.ok(!report.findings.some((f) => f.path.startsWith('docs/archive/')), 'docs/archive/** is ignored');
});

test('json: comments, docstrings and Markdown prose that name databases are not references', () => {
  const quiet: Array<[string, number]> = [
    ['.env.example', 1], ['.env.example', 7],
    ['services/Dockerfile', 10],
    ['scripts/backup.sh', 2], ['scripts/reset-dev.sh', 2],
    ['scripts/migrate-auth.ts', 1], ['web/src/notifications.js', 4],
    ['services/auth/store.py', 1], ['services/core/db.py', 1], ['services/memory/store.py', 1], ['services/config.py', 1],
    ['services/sessions/store.py', 10], ['services/rag/ingest.py', 5], ['services/chat/history.py', 7],
    ['migrations/sqlite/003_merge_auth.sql', 1], ['migrations/sqlite/003_merge_auth.sql', 2],
    // prose of docs/architecture.md: auth.db, sessions.db, calendar.db, zoe.db, memory.db, zoe_platform
    ['docs/architecture.md', 3], ['docs/architecture.md', 4], ['docs/architecture.md', 5],
  ];
  const fixtureText = (rel: string) => readFileSync(path.join(REPO, FIXTURE, rel), 'utf8').split('\n');
  for (const [file, line] of quiet) {
    assert.match(fixtureText(file)[line - 1], /\.db\b|DATABASE_URL|DATABASE_PATH|zoe_platform|zoe_rag/, `${file}:${line} names a database (so the negative means something)`);
    assert.deepEqual(report.references.filter((r) => r.path === file && r.line === line), [], `${file}:${line}`);
  }
});

test('json: chosen references carry engine, value, credentials and the env var, as the README specifies', () => {
  const at = (file: string, line: number, column: number) => {
    const found = report.references.filter((r) => r.path === file && r.line === line && r.column === column);
    assert.equal(found.length, 1, `one reference at ${file}:${line}:${column}`);
    return found[0];
  };
  const sqlite = (value: string, target: string) => ({ kind: 'sqlite-path', engine: 'sqlite', target, value, credentials: false });
  const cases: Array<[string, number, number, number, Partial<JsonReference>]> = [
    // Python
    ['services/auth/store.py', 6, 29, 46, sqlite('/app/data/auth.db', 'auth.db')],
    ['services/sessions/store.py', 6, 33, 44, sqlite('sessions.db', 'sessions.db')],
    ['services/core/db.py', 5, 28, 41, { kind: 'env-read', engine: 'sqlite', target: 'DATABASE_PATH', value: 'DATABASE_PATH', envVar: 'DATABASE_PATH' }],
    ['services/core/db.py', 5, 45, 61, { ...sqlite('/app/data/zoe.db', 'zoe.db'), defaultOf: 'DATABASE_PATH' }],
    ['services/chat/history.py', 9, 17, 24, { kind: 'db-name', engine: 'postgres', target: 'zoe_rag', value: 'zoe_rag', credentials: false }],
    ['services/rag/ingest.py', 6, 25, 99, {
      kind: 'connection-url', engine: 'postgres', target: 'zoe_platform', credentials: true,
      value: 'postgresql+psycopg2://zoe:***@db.internal:5432/zoe_platform',
    }],
    // TypeScript and JavaScript
    ['scripts/migrate-auth.ts', 4, 30, 42, sqlite('data/auth.db', 'auth.db')],
    ['scripts/migrate-auth.ts', 5, 56, 67, { ...sqlite('data/zoe.db', 'zoe.db'), defaultOf: 'DATABASE_PATH' }],
    ['web/src/notifications.js', 5, 67, 83, sqlite('notifications.db', 'notifications.db')],
    // compose: a volume, an environment entry, a templated URL
    ['docker-compose.yml', 10, 9, 23, sqlite('./data/auth.db', 'auth.db')],
    ['docker-compose.yml', 5, 7, 20, { kind: 'env-define', target: 'DATABASE_PATH', value: 'DATABASE_PATH=/app/data/zoe.db', envVar: 'DATABASE_PATH' }],
    ['docker-compose.yml', 18, 27, 86, {
      kind: 'connection-url', engine: 'postgres', target: 'zoe_rag', credentials: false,
      value: 'postgresql://zoe:${POSTGRES_PASSWORD}@postgres:5432/zoe_rag',
    }],
    // Dockerfile, shell, .env.example
    ['services/Dockerfile', 11, 5, 17, { kind: 'env-define', target: 'AUTH_DB_PATH', value: 'AUTH_DB_PATH=/app/data/auth.db', envVar: 'AUTH_DB_PATH' }],
    ['services/Dockerfile', 11, 18, 35, sqlite('/app/data/auth.db', 'auth.db')],
    ['scripts/backup.sh', 8, 12, 25, { kind: 'env-read', target: 'DATABASE_PATH', envVar: 'DATABASE_PATH' }],
    ['scripts/backup.sh', 8, 27, 43, { ...sqlite('/app/data/zoe.db', 'zoe.db'), defaultOf: 'DATABASE_PATH' }],
    ['scripts/backup.sh', 9, 9, 26, sqlite('/app/data/auth.db', 'auth.db')],
    ['.env.example', 8, 14, 31, sqlite('/app/data/auth.db', 'auth.db')],
    ['.env.example', 4, 23, 88, { kind: 'connection-url', engine: 'postgres', target: 'zoe_platform', credentials: false }],
    // Markdown: inline code and a fence
    ['docs/architecture.md', 7, 23, 39, sqlite('/app/data/zoe.db', 'zoe.db')],
    ['docs/architecture.md', 12, 9, 30, sqlite('/app/data/calendar.db', 'calendar.db')],
    // SQL
    ['migrations/sqlite/003_merge_auth.sql', 3, 18, 35, sqlite('/app/data/auth.db', 'auth.db')],
    ['migrations/postgres/001_rag_schema.sql', 1, 29, 32, { kind: 'db-name', target: 'rag', value: 'rag' }],
  ];
  for (const [file, line, column, endColumn, expected] of cases) {
    const ref = at(file, line, column);
    assert.equal(ref.endLine, line, `${file}:${line}:${column} endLine`);
    assert.equal(ref.endColumn, endColumn, `${file}:${line}:${column} endColumn`);
    const picked = Object.fromEntries(Object.keys(expected).map((k) => [k, ref[k as keyof JsonReference]]));
    assert.deepEqual(picked, expected, `${file}:${line}:${column}`);
  }
});

/** [rule, severity, path, line, column] of every finding, in report order (by path, position, rule). */
const EXPECTED_FINDINGS: Array<[string, string, string, number, number]> = [
  ['legacy-database', 'error', '.env.example', 8, 14],
  ['undeclared-database-file', 'error', 'data/scratch.db', 1, 1],
  ['legacy-database', 'error', 'docker-compose.yml', 10, 9],
  ['legacy-database', 'error', 'docker-compose.yml', 10, 24],
  ['legacy-database', 'error', 'docker-compose.yml', 11, 9],
  ['legacy-database', 'error', 'docker-compose.yml', 11, 28],
  ['env-mismatch', 'error', 'docker-compose.yml', 17, 9],
  ['env-mismatch', 'error', 'docker-compose.yml', 18, 9],
  ['legacy-database', 'error', 'docker-compose.yml', 18, 27],
  ['legacy-database', 'error', 'docs/architecture.md', 12, 9],
  ['prefixed-table', 'info', 'migrations/postgres/001_rag_schema.sql', 3, 28],
  ['legacy-database', 'error', 'migrations/sqlite/003_merge_auth.sql', 3, 18],
  ['legacy-database', 'error', 'scripts/backup.sh', 9, 9],
  ['legacy-database', 'error', 'scripts/backup.sh', 10, 9],
  ['legacy-database', 'error', 'scripts/migrate-auth.ts', 4, 30],
  ['hardcoded-database-path', 'warning', 'scripts/reset-dev.sh', 5, 24],
  ['unknown-database', 'warning', 'scripts/reset-dev.sh', 5, 24],
  ['legacy-database', 'error', 'services/Dockerfile', 11, 18],
  ['hardcoded-database-path', 'warning', 'services/analytics/export.py', 8, 29],
  ['unknown-database', 'warning', 'services/analytics/export.py', 8, 29],
  ['legacy-database', 'error', 'services/auth/store.py', 6, 29],
  ['legacy-database', 'error', 'services/chat/history.py', 9, 17],
  ['legacy-database', 'error', 'services/config.py', 12, 25],
  ['legacy-database', 'error', 'services/journal/store.py', 7, 30],
  ['credentials-in-connection-string', 'error', 'services/rag/ingest.py', 6, 25],
  ['hardcoded-connection-string', 'warning', 'services/rag/ingest.py', 6, 25],
  ['legacy-env-var', 'warning', 'services/rag/ingest.py', 8, 22],
  ['prefixed-table', 'info', 'services/rag/models.py', 8, 22],
  ['legacy-database', 'error', 'services/reminders/worker.py', 5, 48],
  ['legacy-database', 'error', 'services/sessions/store.py', 6, 33],
  ['legacy-database', 'error', 'services/tasks/developer_tasks.py', 4, 13],
  ['legacy-database', 'error', 'web/src/notifications.js', 5, 67],
];

test('json: every finding of the fixture, by rule, file and position', () => {
  assert.deepEqual(report.findings.map((f) => [f.rule, f.severity, f.path, f.line, f.column]), EXPECTED_FINDINGS);
});

test('json: findings per rule', () => {
  const count = (findings: ReadonlyArray<{ rule: string } | [string, ...unknown[]]>) => {
    const out: Record<string, number> = {};
    for (const f of findings) {
      const rule = Array.isArray(f) ? f[0] : f.rule;
      out[rule] = (out[rule] ?? 0) + 1;
    }
    return out;
  };
  assert.deepEqual(count(report.findings), {
    'legacy-database': 20, 'undeclared-database-file': 1, 'env-mismatch': 2, 'prefixed-table': 2, 'hardcoded-database-path': 2,
    'unknown-database': 2, 'credentials-in-connection-string': 1, 'hardcoded-connection-string': 1, 'legacy-env-var': 1,
  });
  assert.deepEqual(count(report.findings), count(EXPECTED_FINDINGS));
});

test('json: messages say what to do instead, and a finding spans its reference', () => {
  const find = (rule: string, file: string, line: number) => {
    const f = report.findings.find((x) => x.rule === rule && x.path === file && x.line === line);
    assert.ok(f, `${rule} at ${file}:${line}`);
    return f;
  };
  const auth = find('legacy-database', 'services/auth/store.py', 6);
  assert.equal(auth.message, 'auth.db is absorbed into zoe (zoe.db); read DATABASE_PATH instead of a hardcoded path');
  assert.deepEqual([auth.endLine, auth.endColumn], [6, 46]);
  assert.equal(find('legacy-database', 'docker-compose.yml', 18).message,
    'zoe_rag is absorbed into platform; read PLATFORM_DATABASE_URL instead of a hardcoded URL');
  assert.equal(find('legacy-database', 'services/chat/history.py', 9).message,
    'zoe_rag is absorbed into platform; read PLATFORM_DATABASE_URL instead of a hardcoded name');
  assert.equal(find('legacy-env-var', 'services/rag/ingest.py', 8).message,
    'RAG_DATABASE_URL is an old name for PLATFORM_DATABASE_URL (platform); read PLATFORM_DATABASE_URL instead');
  assert.equal(find('prefixed-table', 'services/rag/models.py', 8).message, 'rag_documents belongs in schema rag of platform: name it rag.documents');
  assert.equal(find('prefixed-table', 'migrations/postgres/001_rag_schema.sql', 3).message, 'rag_chunks belongs in schema rag of platform: name it rag.chunks');
  assert.match(find('env-mismatch', 'docker-compose.yml', 17).message,
    /^PLATFORM_DATABASE_URL and CHAT_DATABASE_URL must point at the same database, but service zoe-rag of docker-compose\.yml gives PLATFORM_DATABASE_URL a different value than CHAT_DATABASE_URL$/);
  assert.equal(find('credentials-in-connection-string', 'services/rag/ingest.py', 6).message,
    'Connection string postgresql+psycopg2://zoe:***@db.internal:5432/zoe_platform embeds a password; take it from the environment (PLATFORM_DATABASE_URL) or a git-ignored .env');
  assert.equal(find('hardcoded-connection-string', 'services/rag/ingest.py', 6).message, 'Hardcoded postgres URL for zoe_platform; read PLATFORM_DATABASE_URL instead');
  assert.match(find('undeclared-database-file', 'data/scratch.db', 1).message, /^data\/scratch\.db is a database file that dbaudit\.json does not declare/);
});

test('json: the databases summary lists every declared, absorbed and unknown database with its counts', () => {
  const row = (name: string, engine: string, references: number, files: number, role: string, absorbedInto?: string): JsonDatabase =>
    ({ name, engine, references, files, role, ...(absorbedInto ? { absorbedInto } : {}) });
  const withRefs = [
    row('zoe', 'sqlite', 22, 9, 'primary'),
    row('memory', 'sqlite', 12, 5, 'specialized'),
    row('auth.db', 'sqlite', 8, 7, 'legacy', 'zoe'),
    row('platform', 'postgres', 8, 4, 'primary'),
    row('sessions.db', 'sqlite', 4, 3, 'legacy', 'zoe'),
    row('calendar.db', 'sqlite', 2, 2, 'legacy', 'zoe'),
    row('zoe_rag', 'postgres', 2, 2, 'legacy', 'platform'),
    row('analytics.db', 'sqlite', 1, 1, 'unknown'),
    row('developer_tasks.db', 'sqlite', 1, 1, 'legacy', 'zoe'),
    row('journal.db', 'sqlite', 1, 1, 'legacy', 'zoe'),
    row('notifications.db', 'sqlite', 1, 1, 'legacy', 'zoe'),
    row('reminders.db', 'sqlite', 1, 1, 'legacy', 'zoe'),
    row('scratch.db', 'sqlite', 1, 1, 'unknown'),
  ];
  const unreferenced = ['agent_state.db', 'contacts.db', 'feature_flags.db', 'habits.db', 'lists.db', 'music.db', 'smart_home.db', 'weather_cache.db', 'workflows.db'];
  assert.deepEqual(report.databases.slice(0, withRefs.length), withRefs);
  // Absorbed files nothing references any more: listed (sorted by name) so the plan shows them, engine aside.
  assert.deepEqual(
    report.databases.slice(withRefs.length).map(({ name, references, files, role, absorbedInto }) => ({ name, references, files, role, absorbedInto })),
    unreferenced.map((name) => ({ name, references: 0, files: 0, role: 'legacy', absorbedInto: 'zoe' })),
  );
});

// ---------------------------------------------------------------------------------------------
// Secrets

test('no report format prints the fixture password; the source really holds it, masked in output', () => {
  assert.ok(readFileSync(path.join(REPO, FIXTURE, 'services/rag/ingest.py'), 'utf8').includes(PASSWORD), 'the fixture holds the password');
  assert.ok(!scan.stdout.includes(PASSWORD) && !scan.stderr.includes(PASSWORD), 'json');
  assert.ok(scan.stdout.includes('postgresql+psycopg2://zoe:***@db.internal:5432/zoe_platform'), 'json shows the masked URL');
  for (const format of ['text', 'sarif', 'markdown'] as const) {
    const r = other[format];
    assert.equal(r.code, 1, `${format}: ${r.stderr}`);
    assert.ok(r.stdout.length > 0, `${format} printed a report`);
    assert.ok(!r.stdout.includes(PASSWORD) && !r.stderr.includes(PASSWORD), `${format} does not print the password`);
    // The ignored archive's password never shows either: the file is not read at all.
    assert.ok(!r.stdout.includes('hunter2'), `${format}: docs/archive is not read`);
  }
  assert.ok(!scan.stdout.includes('hunter2'));
});

// ---------------------------------------------------------------------------------------------
// Other formats

test('sarif: SARIF 2.1.0 with the rules, help links and 1-based regions relative to the scanned root', () => {
  const r = other.sarif;
  assert.equal(r.code, 1, r.stderr);
  const log = JSON.parse(r.stdout);
  assert.equal(log.version, '2.1.0');
  assert.match(log.$schema, /sarif-2\.1\.0/);
  assert.equal(log.runs.length, 1);
  const driver = log.runs[0].tool.driver;
  assert.equal(driver.name, 'db-audit');
  assert.equal(typeof driver.version, 'string');
  const ruleIds = driver.rules.map((x: { id: string }) => x.id);
  assert.deepEqual([...ruleIds].sort(), [
    'credentials-in-connection-string', 'env-mismatch', 'hardcoded-connection-string', 'hardcoded-database-path', 'legacy-database',
    'legacy-env-var', 'prefixed-table', 'undeclared-database-file', 'unknown-database',
  ]);
  for (const rule of driver.rules) {
    assert.match(rule.helpUri, new RegExp(`README\\.md#${rule.id}$`), `${rule.id} links to its README section`);
    assert.equal(typeof rule.shortDescription.text, 'string');
    assert.ok(['error', 'warning', 'note'].includes(rule.defaultConfiguration.level));
  }
  const results = log.runs[0].results;
  assert.equal(results.length, EXPECTED_FINDINGS.length);
  for (const res of results) {
    assert.equal(ruleIds[res.ruleIndex], res.ruleId);
    assert.ok(['error', 'warning', 'note'].includes(res.level));
    assert.equal(typeof res.message.text, 'string');
    const loc = res.locations[0].physicalLocation;
    assert.equal(loc.artifactLocation.uriBaseId, '%SRCROOT%');
    assert.ok(!loc.artifactLocation.uri.startsWith('/') && !loc.artifactLocation.uri.includes('zoe-like'), `relative uri ${loc.artifactLocation.uri}`);
    assert.ok(loc.region.startLine >= 1 && loc.region.startColumn >= 1, 'regions are 1-based');
  }
  const rows = results.map((res: { ruleId: string; level: string; locations: Array<{ physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number; startColumn: number } } }> }) =>
    [res.ruleId, res.level, res.locations[0].physicalLocation.artifactLocation.uri, res.locations[0].physicalLocation.region.startLine, res.locations[0].physicalLocation.region.startColumn]);
  const level: Record<string, string> = { error: 'error', warning: 'warning', info: 'note', hint: 'note' };
  assert.deepEqual(rows, EXPECTED_FINDINGS.map(([rule, severity, file, line, column]) => [rule, level[severity], file, line, column]));
  const credentials = results.find((res: { ruleId: string }) => res.ruleId === 'credentials-in-connection-string');
  assert.deepEqual(credentials.locations[0].physicalLocation.region, { startLine: 6, startColumn: 25, endLine: 6, endColumn: 99 });
  const mismatch = results.find((res: { ruleId: string }) => res.ruleId === 'env-mismatch');
  assert.equal(mismatch.relatedLocations[0].physicalLocation.artifactLocation.uri, 'docker-compose.yml');
  assert.equal(mismatch.relatedLocations[0].physicalLocation.region.startLine, 18);
});

test('markdown: the consolidation table, one row per database', () => {
  const r = other.markdown;
  assert.equal(r.code, 1, r.stderr);
  const lines = r.stdout.split('\n');
  const header = lines.indexOf('| Database | Engine | References | Files | Role | Action |');
  assert.ok(header > 0, r.stdout);
  assert.equal(lines[header + 1], '| --- | --- | ---: | ---: | --- | --- |');
  const rows = lines.slice(header + 2, lines.indexOf('', header));
  assert.equal(rows.length, report.databases.length);
  assert.equal(rows[0], '| zoe | sqlite | 22 | 9 | primary | Keep (primary) |');
  assert.ok(rows.includes('| memory | sqlite | 12 | 5 | specialized | Keep (specialized) |'), rows.join('\n'));
  assert.ok(rows.includes('| auth.db | sqlite | 8 | 7 | legacy → zoe | Merge into zoe; rewrite 8 references |'), rows.join('\n'));
  assert.ok(rows.includes('| notifications.db | sqlite | 1 | 1 | legacy → zoe | Merge into zoe; rewrite 1 reference |'), rows.join('\n'));
  assert.ok(rows.includes('| scratch.db | sqlite | 1 | 1 | unknown | Declare in dbaudit.json or absorb |'), rows.join('\n'));
  assert.ok(rows.some((row) => /^\| lists\.db \| \w+ \| 0 \| 0 \| legacy → zoe \| Merge into zoe \|$/.test(row)), rows.join('\n'));
  assert.ok(lines.includes('| legacy-database | 20 |'), 'findings by rule');
});

test('text: findings grouped under each file once, no ANSI colour when stdout is not a TTY or NO_COLOR is set', () => {
  for (const r of [other.text, other.textNoColor]) {
    assert.equal(r.code, 1, r.stderr);
    assert.ok(!r.stdout.includes('\x1b['), 'no escape sequences');
    const lines = r.stdout.split('\n');
    const files = [...new Set(EXPECTED_FINDINGS.map((f) => f[2]))];
    for (const file of files) assert.equal(lines.filter((l) => l === file).length, 1, `one heading for ${file}`);
    const at = lines.indexOf('services/rag/ingest.py');
    assert.match(lines[at + 1], /^ {2}6:25 +error +Connection string postgresql\+psycopg2:\/\/zoe:\*\*\*@db\.internal:5432\/zoe_platform embeds a password.* credentials-in-connection-string$/);
    assert.match(lines[at + 2], /^ {2}6:25 +warning +Hardcoded postgres URL .* hardcoded-connection-string$/);
    assert.match(lines[at + 3], /^ {2}8:22 +warning +RAG_DATABASE_URL is an old name .* legacy-env-var$/);
    assert.equal(lines[at + 4], '', 'a blank line ends the group');
    assert.match(r.stdout, /^25 files scanned, \d+ database references in \d+ files, 22 databases\.$/m);
    assert.match(r.stdout, /^32 findings: 24 errors, 6 warnings, 2 info\.$/m);
  }
});

test('--output FILE writes the report there and prints nothing', async () => {
  const dir = tempWorkspace({});
  const out = path.join(dir, 'report.json');
  const r = await run(['scan', FIXTURE, '--format', 'json', '--output', out]);
  assert.equal(r.code, 1, r.stderr);
  assert.equal(r.stdout, '');
  assert.equal(r.stderr, '');
  assert.deepEqual(JSON.parse(readFileSync(out, 'utf8')), report);
});

test('--output into folders that do not exist yet creates them, as a CI job\'s `reports/` is', async () => {
  const dir = tempWorkspace({});
  const out = path.join(dir, 'reports/ci/db-audit.json');
  const r = await run(['scan', FIXTURE, '--format', 'json', '--output', out]);
  assert.equal(r.code, 1, r.stderr);
  assert.deepEqual(JSON.parse(readFileSync(out, 'utf8')), report);
});

test('an --output or --cache that cannot be used is a usage error before the audit runs: no cache is written', async () => {
  const dir = tempWorkspace({ 'a-file': 'x\n' });
  const cache = path.join(dir, 'cache');
  const cases: Array<[string[], RegExp]> = [
    [['scan', FIXTURE, '--cache', cache, '--output', dir], /^db-audit: cannot write the report to .*: it is a folder$/m],
    [['scan', FIXTURE, '--cache', cache, '--output', path.join(dir, 'a-file/report.json')], /^db-audit: cannot write the report to .*a-file\/report\.json: .*a-file is not a folder$/m],
    [['report', FIXTURE, '--output', path.join(dir, 'a-file/report.md')], /^db-audit: cannot write the report to .*a-file\/report\.md: .*a-file is not a folder$/m],
    [['inspect', FIXTURE, '--output', dir], /^db-audit: cannot write the report to .*: it is a folder$/m],
    [['plan', FIXTURE, '--output', dir], /^db-audit: cannot write the report to .*: it is a folder$/m],
    [['scan', FIXTURE, '--cache', path.join(dir, 'a-file')], /^db-audit: --cache .*a-file is not a folder$/m],
    [['scan', FIXTURE, '--cache', path.join(dir, 'a-file/cache')], /^db-audit: --cache .*a-file\/cache: .*a-file is not a folder$/m],
  ];
  for (const [args, reason] of cases) {
    const r = await run(args);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, reason, args.join(' '));
    assert.equal(r.stdout, '', args.join(' '));
  }
  assert.equal(existsSync(cache), false, 'no audit ran: its cache would be there');
});

test('a cache that cannot be saved is a warning: the report is still written and the exit code is the findings\'', async () => {
  // Where the cache file goes, a folder with a file in it: the store can be read (as empty) but not replaced.
  const cache = tempWorkspace({ 'db-audit-analyses.json/keep': 'x\n' });
  const r = await run(['scan', FIXTURE, '--format', 'json', '--cache', cache]);
  assert.equal(r.code, 1, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), report);
  assert.match(r.stderr, /^db-audit: warning: the cache could not be saved to .*: (EISDIR|ENOTEMPTY|EEXIST|EPERM)/m);
});

// ---------------------------------------------------------------------------------------------
// Exit codes on other workspaces and bad usage

test('exit 0 on a workspace that follows its rules', async () => {
  const root = tempWorkspace({
    'dbaudit.json': '{ "databases": { "zoe": { "engine": "sqlite", "file": "/app/data/zoe.db", "env": "DATABASE_PATH", "absorbs": ["auth.db"] } }, "forbidNewDatabaseFiles": true }\n',
    'run.sh': '#!/bin/sh\nexec sqlite3 "${DATABASE_PATH:-/app/data/zoe.db}" .tables\n',
    'app/db.py': 'import os\nimport sqlite3\nconn = sqlite3.connect(os.getenv("DATABASE_PATH", "/app/data/zoe.db"))\n',
    '.env': 'DATABASE_PATH=/app/data/zoe.db\n',
    'data/zoe.db': '',
  });
  const [r, text] = await Promise.all([run(['scan', root, '--format', 'json']), run(['scan', root])]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const clean = JSON.parse(r.stdout) as JsonReport;
  assert.deepEqual(clean.findings, []);
  assert.ok(clean.references.some((x) => x.path === 'run.sh' && x.kind === 'env-read'), 'the workspace was read');
  assert.equal(text.code, 0);
  assert.match(text.stdout, /0 findings: 0 errors, 0 warnings, 0 info\./);
});

test('--jobs 2 (worker threads) prints the same report as --jobs 1 (this thread)', async () => {
  const [one, two] = await Promise.all([run(['scan', FIXTURE, '--format', 'json', '--jobs', '1']), run(['scan', FIXTURE, '--format', 'json', '--jobs', '2'])]);
  assert.equal(two.stderr, '');
  assert.equal(two.code, one.code);
  assert.equal(two.stdout, one.stdout);
  assert.ok((JSON.parse(two.stdout) as JsonReport).references.length > 50);
});

test('exit 2 with the reason on stderr for bad usage', async () => {
  const cases: Array<[string[], RegExp]> = [
    [['frobnicate'], /unknown command 'frobnicate'/],
    [['scan', FIXTURE, '--frobnicate'], /--frobnicate/],
    [['scan', 'test/fixtures/no-such-folder'], /test\/fixtures\/no-such-folder is not a directory/],
    [['scan', FIXTURE, '--format', 'nope'], /unknown format 'nope' \(expected text, json, sarif, markdown\)/],
    [['scan', FIXTURE, '--config', 'missing.json'], /cannot read rules file missing\.json: ENOENT/],
    [['scan', FIXTURE, '--max-file-size', 'lots'], /--max-file-size takes a positive whole number/],
    [['scan', FIXTURE, FIXTURE], /scan takes one PATH, got 2/],
    [['scan', FIXTURE, '--jobs', '0'], /--jobs takes a whole number from 1 to 64/],
    [['report', FIXTURE, '--jobs', 'many'], /--jobs takes a whole number from 1 to 64/],
  ];
  const runs = await Promise.all(cases.map(([args]) => run(args)));
  for (const [i, [args, reason]] of cases.entries()) {
    const r = runs[i];
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, reason, args.join(' '));
    assert.match(r.stderr, /^db-audit: /m, args.join(' '));
    assert.equal(r.stdout, '', `${args.join(' ')} prints no report`);
  }
});

test('exit 2 on an invalid rules file, each problem with its line and column on stderr', async () => {
  const schemaError = tempWorkspace({
    'dbaudit.json': '{\n  "databases": {\n    "zoe": { "engine": "sqlite", "absorb": ["auth.db"] }\n  }\n}\n',
    'app.py': 'import sqlite3\nsqlite3.connect("auth.db")\n',
  });
  let r = await run(['scan', schemaError]);
  assert.equal(r.code, 2, r.stdout + r.stderr);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /^dbaudit\.json:3:34: error: Unknown key "absorb" in \/databases\/zoe$/m);
  assert.match(r.stderr, /the rules file dbaudit\.json has errors/);

  const syntaxError = tempWorkspace({ 'dbaudit.json': '{\n  "databases": {},\n  "ignore": ["a"\n}\n' });
  r = await run(['scan', syntaxError, '--format', 'json']);
  assert.equal(r.code, 2, r.stdout + r.stderr);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /^dbaudit\.json:4:1: error: Syntax error: /m);

  // --config names a rules file elsewhere: problems are reported against that file.
  const elsewhere = tempWorkspace({ 'rules/strict.json': '{ "databases": { "a": { "absorbs": ["x.db"] }, "b": { "absorbs": ["x.db"] } } }\n' });
  r = await run(['scan', FIXTURE, '--config', path.join(elsewhere, 'rules/strict.json')]);
  assert.equal(r.code, 2, r.stdout + r.stderr);
  assert.match(r.stderr, /strict\.json:1:\d+: error: "x\.db" is absorbed twice: by "a" and by "b"/);
});

test('--help and scan --help exit 0 with the usage; no command at all is a usage error', async () => {
  const helps = [['--help'], ['-h']];
  const runs = await Promise.all([...helps, ['scan', '--help']].map((args) => run(args)));
  for (const [i, args] of helps.entries()) {
    const r = runs[i];
    assert.equal(r.code, 0, args.join(' '));
    assert.match(r.stdout, /^Usage: db-audit <command> \[options\]/);
    assert.match(r.stdout, /^  scan +Audit the workspace at PATH/m);
  }
  const scanHelp = runs[2];
  assert.equal(scanHelp.code, 0);
  assert.match(scanHelp.stdout, /^Usage: db-audit scan \[PATH\] \[options\]/);
  assert.match(scanHelp.stdout, /--format FORMAT +text \| json \| sarif \| markdown/);
  const none = await run([]);
  assert.equal(none.code, 2);
  assert.match(none.stdout, /^Usage: db-audit/);
});
