// JS/TS fixes: before/after snapshots through the real detector, rules and fixer.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { fixOne, ready } from './harness';

before(() => ready);

test('new Database of a legacy file reads DATABASE_PATH with the target as the ?? default', () => {
  assert.equal(
    fixOne('scripts/m.ts', "import Database from 'better-sqlite3';\nconst db = new Database('data/auth.db', { readonly: true });\n"),
    "import Database from 'better-sqlite3';\nconst db = new Database(process.env.DATABASE_PATH ?? 'data/zoe.db', { readonly: true });\n",
  );
});

test('a path.join keeps its form; a template literal and a concatenation are replaced whole', () => {
  assert.equal(
    fixOne('a.js', "const db = new Database(path.join(__dirname, 'data', 'sessions.db'));\n"),
    "const db = new Database(process.env.DATABASE_PATH ?? path.join(__dirname, 'data', 'zoe.db'));\n",
  );
  assert.equal(
    fixOne('b.ts', 'const p = `${dir}/auth.db`;\n'),
    'const p = process.env.DATABASE_PATH ?? `${dir}/zoe.db`;\n',
  );
});

test('parentheses where ?? could not stand alone', () => {
  assert.equal(
    fixOne('a.ts', "const n = '/app/data/auth.db'.length;\n"),
    "const n = (process.env.DATABASE_PATH ?? '/app/data/zoe.db').length;\n",
  );
});

test('a legacy default of another var: the read and the default are retargeted', () => {
  assert.equal(
    fixOne('a.ts', "const p = process.env.AUTH_DB_PATH || '/app/data/auth.db';\n"),
    "const p = process.env.DATABASE_PATH || '/app/data/zoe.db';\n",
  );
});

test('URLs: a password never stays; legacy env var reads are renamed', () => {
  assert.equal(
    fixOne('a.ts', "const pool = new Pool({ connectionString: 'postgres://app:s3cret@db/mobius' });\n"),
    'const pool = new Pool({ connectionString: process.env.DATABASE_URL });\n',
  );
  assert.equal(
    fixOne('b.js', "const pool = new Pool({ connectionString: 'postgres://db/mobius' });\n"),
    "const pool = new Pool({ connectionString: process.env.DATABASE_URL ?? 'postgres://db/mobius' });\n",
  );
  assert.equal(fixOne('c.ts', 'const u = process.env.RAG_DATABASE_URL;\n'), 'const u = process.env.DATABASE_URL;\n');
});

test('CRLF is kept and fix-all is idempotent', () => {
  const before = "const a = new Database('auth.db');\r\nconst b = new Database('sessions.db');\r\n";
  const once = fixOne('a.ts', before);
  assert.equal(once, "const a = new Database(process.env.DATABASE_PATH ?? 'zoe.db');\r\nconst b = new Database(process.env.DATABASE_PATH ?? 'zoe.db');\r\n");
  assert.equal(fixOne('a.ts', once), once);
});
