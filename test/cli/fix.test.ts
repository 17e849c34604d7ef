// `db-audit fix` on a COPY of the zoe-like fixture (never the fixture itself): what it changes,
// that nothing fixable is left, that a second run changes nothing, that --dry-run only prints a
// diff, that BOM and CRLF survive, and that the fixed code still opens its database.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { auditWorkspace } from '../../server/src/engine/audit';
import { fixesFor } from '../../server/src/engine/fixes';

const REPO = path.resolve(__dirname, '../..');
const BIN = path.join(REPO, 'server/bin/db-audit.js');
const FIXTURE = path.join(REPO, 'test/fixtures/zoe-like');
const PASSWORD = 'Tr0ub4dor-zoe-2023';

function run(args: string[], cwd = REPO) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Every file under `dir` with its bytes, for "nothing changed" checks. */
function snapshot(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const f of readdirSync(dir, { recursive: true }).map(String).sort()) {
    const abs = path.join(dir, f);
    if (statSync(abs).isFile()) out.set(f, readFileSync(abs, 'latin1'));
  }
  return out;
}

let root: string;
const CRLF_BOM = '\ufeff"""Sessions with a BOM and CRLF."""\r\nimport sqlite3\r\n\r\nDB = "/app/data/sessions.db"\r\n';
const UTF16_BEFORE = '\ufeff# Sessions, in UTF-16 — ü\r\nimport sqlite3\r\n\r\nDB = "/app/data/sessions.db"\r\n';
const UTF16_AFTER = '\ufeff# Sessions, in UTF-16 — ü\r\nimport os\r\nimport sqlite3\r\n\r\nDB = os.getenv("DATABASE_PATH", "/app/data/zoe.db")\r\n';

before(() => {
  root = mkdtempSync(path.join(tmpdir(), 'dbaudit-fix-'));
  cpSync(FIXTURE, root, { recursive: true });
  writeFileSync(path.join(root, 'services/sessions/crlf.py'), CRLF_BOM);
  // UTF-16 with a BOM (Windows PowerShell's `>` writes UTF-16LE): read, fixed and written back in its encoding.
  writeFileSync(path.join(root, 'services/sessions/utf16le.py'), Buffer.from(UTF16_BEFORE, 'utf16le'));
  writeFileSync(path.join(root, 'services/sessions/utf16be.py'), Buffer.from(UTF16_BEFORE, 'utf16le').swap16());
});

after(() => rmSync(root, { recursive: true, force: true }));

test('--dry-run prints a unified diff and changes nothing', () => {
  const before = snapshot(root);
  const r = run(['fix', root, '--dry-run']);
  assert.equal(r.stderr, '');
  assert.match(r.stdout, /^--- a\/services\/auth\/store\.py\n\+\+\+ b\/services\/auth\/store\.py\n@@ /m);
  assert.match(r.stdout, /^-    conn = sqlite3\.connect\("\/app\/data\/auth\.db"\)\n\+    conn = sqlite3\.connect\(os\.getenv\("DATABASE_PATH", "\/app\/data\/zoe\.db"\)\)$/m);
  assert.match(r.stdout, /would change 16 files; \d+ findings left\n$/);
  assert.doesNotMatch(r.stdout, new RegExp(`^\\+.*${PASSWORD}`, 'm'), 'no added line carries the password');
  assert.deepEqual(snapshot(root), before);
});

test('fix rewrites the copy, lists what it left for a person, and exits as scan does on what remains', () => {
  const r = run(['fix', root]);
  assert.equal(r.stderr, '');
  assert.equal(r.code, 1, 'error findings remain (allowHardcoded files, Markdown, the merge migration)');
  assert.match(r.stdout, /^fixed services\/auth\/store\.py\n  6:29 legacy-database: Read DATABASE_PATH \(default \/app\/data\/zoe\.db\)$/m);
  assert.match(r.stdout, /left for a person \(no safe automatic fix\):\n/);
  assert.match(r.stdout, /^ {2}docs\/architecture\.md:12:9 {2}error {2}legacy-database/m);
  assert.equal(readFileSync(path.join(root, 'services/auth/store.py'), 'utf8'),
    readFileSync(path.join(FIXTURE, 'services/auth/store.py'), 'utf8')
      .replace('import sqlite3\n', 'import os\nimport sqlite3\n')
      .replace('sqlite3.connect("/app/data/auth.db")', 'sqlite3.connect(os.getenv("DATABASE_PATH", "/app/data/zoe.db"))'));
  const ingest = readFileSync(path.join(root, 'services/rag/ingest.py'), 'utf8');
  assert.doesNotMatch(ingest, new RegExp(PASSWORD));
  assert.match(ingest, /create_engine\(os\.environ\["PLATFORM_DATABASE_URL"\]\)/);
  assert.match(ingest, /os\.getenv\("PLATFORM_DATABASE_URL"\)/);
  // BOM and CRLF kept; no temp file left behind.
  assert.equal(readFileSync(path.join(root, 'services/sessions/crlf.py'), 'utf8'),
    '\ufeff"""Sessions with a BOM and CRLF."""\r\nimport os\r\nimport sqlite3\r\n\r\nDB = os.getenv("DATABASE_PATH", "/app/data/zoe.db")\r\n');
  assert.deepEqual(readFileSync(path.join(root, 'services/sessions/utf16le.py')), Buffer.from(UTF16_AFTER, 'utf16le'));
  assert.deepEqual(readFileSync(path.join(root, 'services/sessions/utf16be.py')), Buffer.from(UTF16_AFTER, 'utf16le').swap16());
  assert.deepEqual([...snapshot(root).keys()].filter((f) => f.includes('db-audit-')), []);
  // The fixture itself is untouched.
  assert.match(readFileSync(path.join(FIXTURE, 'services/auth/store.py'), 'utf8'), /sqlite3\.connect\("\/app\/data\/auth\.db"\)/);
});

test('after fix, the audit finds nothing fixable left, and a second fix changes nothing', async () => {
  const audit = await auditWorkspace({ root });
  const textOf = (rel: string) => {
    try {
      return readFileSync(path.join(root, rel), 'utf8').replace(/^\ufeff/, '');
    } catch {
      return undefined;
    }
  };
  const fixable = audit.findings.filter((f) => fixesFor(f, { textOf, config: audit.rulesFile?.config }).some((x) => x.isPreferred));
  assert.deepEqual(fixable.map((f) => `${f.path}:${f.range.start.line + 1} ${f.rule}`), []);
  const rules = new Set(audit.findings.map((f) => f.rule));
  for (const gone of ['hardcoded-connection-string', 'credentials-in-connection-string', 'legacy-env-var', 'prefixed-table']) assert.ok(!rules.has(gone as never), gone);

  const before = snapshot(root);
  const again = run(['fix', root]);
  assert.match(again.stdout, /changed 0 files; \d+ findings left\n$/);
  assert.deepEqual(snapshot(root), before);
});

test('the rewritten services still open their database, located by DATABASE_PATH', () => {
  const db = path.join(root, 'data', 'zoe-test.db');
  const script = [
    'import os, sqlite3',
    `conn = sqlite3.connect(os.environ["DATABASE_PATH"])`,
    'conn.execute("CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT, password_hash TEXT)")',
    'conn.execute("CREATE TABLE tasks (id INTEGER PRIMARY KEY, title TEXT, done INTEGER)")',
    `conn.execute("INSERT INTO users (email, password_hash) VALUES ('a@zoe', 'h')")`,
    `conn.execute("INSERT INTO tasks (title, done) VALUES ('ship the merge', 0)")`,
    'conn.commit(); conn.close()',
    'from services.auth.store import find_user',
    'from services.tasks.developer_tasks import open_tasks',
    'assert find_user("a@zoe")["email"] == "a@zoe", "auth reads zoe.db"',
    'assert open_tasks() == [(1, "ship the merge")], "tasks read zoe.db"',
    'print("ok")',
  ].join('\n');
  const r = spawnSync('python3', ['-c', script], { cwd: root, encoding: 'utf8', env: { ...process.env, DATABASE_PATH: db } });
  assert.equal(r.stderr, '');
  assert.equal(r.stdout, 'ok\n');
});

test('--rule limits the fixes; an unknown rule is a usage error', () => {
  const copy = mkdtempSync(path.join(tmpdir(), 'dbaudit-fix-rule-'));
  try {
    cpSync(FIXTURE, copy, { recursive: true });
    const r = run(['fix', copy, '--rule', 'legacy-env-var']);
    assert.match(r.stdout, /^fixed services\/rag\/ingest\.py\n {2}8:22 legacy-env-var: Read PLATFORM_DATABASE_URL instead of RAG_DATABASE_URL\n/);
    assert.match(r.stdout, /changed 1 file; 0 findings left\n$/, 'only findings of that rule are counted');
    assert.match(readFileSync(path.join(copy, 'services/rag/ingest.py'), 'utf8'), new RegExp(PASSWORD), 'other rules untouched');
    const bad = run(['fix', copy, '--rule', 'nope']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /unknown rule 'nope'/);
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
});
