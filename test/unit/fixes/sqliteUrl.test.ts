// SQLite URLs in code: before/after snapshots through the real detector, rules and fixer; the
// result is checked by running the real detector and rules on it again (no finding left) and by
// a second fix-all pass (nothing changes).
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { splitSqliteUrl } from '../../../server/src/engine/fixes/sqliteUrl';
import { syntaxErrors } from '../../../server/src/engine/fixes/parses';
import { fixAllOf, findingsOf, fixesOf, ready, type Workspace } from './harness';

before(() => ready);

/** Fix-all on one file: the text after it, checked to parse, to leave no finding, and to be a fixed point. */
function fixed(path: string, text: string, rulesText?: string): string {
  const ws = (t: string): Workspace => ({ files: { [path]: t }, rulesText });
  assert.ok(findingsOf(ws(text)).length > 0, 'the input has a finding to fix');
  const after = fixAllOf(ws(text)).texts[path];
  assert.equal(syntaxErrors(path, after), 0, after);
  assert.deepEqual(findingsOf(ws(after)).map((f) => `${f.rule}: ${f.message}`), []);
  assert.equal(fixAllOf(ws(after)).texts[path], after, 'a second pass changes nothing');
  return after;
}

test('Python: an absolute sqlite:////path builds the URL from DATABASE_PATH, the other quote kind inside the f-string', () => {
  assert.equal(
    fixed('svc/db.py', 'import os\nfrom sqlalchemy import create_engine\n\nengine = create_engine("sqlite:////app/data/auth.db")\n'),
    'import os\nfrom sqlalchemy import create_engine\n\nengine = create_engine(f"sqlite:///{os.getenv(\'DATABASE_PATH\', \'/app/data/zoe.db\')}")\n',
  );
  assert.equal(
    fixed('svc/settings.py', "import sqlite3\nDATABASE_URL = 'sqlite:///auth.db'\n"),
    'import os\nimport sqlite3\nDATABASE_URL = f\'sqlite:///{os.getenv("DATABASE_PATH", "zoe.db")}\'\n',
  );
});

test('Python: the driver (sqlite+aiosqlite), a relative ./path and a query string keep their form', () => {
  assert.equal(
    fixed('a.py', 'engine = create_async_engine("sqlite+aiosqlite:////app/data/sessions.db")\n'),
    'import os\n\nengine = create_async_engine(f"sqlite+aiosqlite:///{os.getenv(\'DATABASE_PATH\', \'/app/data/zoe.db\')}")\n',
  );
  assert.equal(
    fixed('b.py', 'import os\nengine = create_engine("sqlite:///./data/auth.db")\n'),
    'import os\nengine = create_engine(f"sqlite:///{os.getenv(\'DATABASE_PATH\', \'./data/zoe.db\')}")\n',
  );
  assert.equal(
    fixed('c.py', 'import os\nengine = create_engine("sqlite:////srv/zoe.db?mode=ro")\n'),
    'import os\nengine = create_engine(f"sqlite:///{os.getenv(\'DATABASE_PATH\', \'/app/data/zoe.db\')}?mode=ro")\n',
  );
});

test('TS/JS: the URL becomes a template reading DATABASE_PATH with the target path as the ?? default', () => {
  assert.equal(
    fixed('src/db.ts', "import { Sequelize } from 'sequelize';\nconst s = new Sequelize('sqlite:data/auth.db');\n"),
    "import { Sequelize } from 'sequelize';\nconst s = new Sequelize(`sqlite:${process.env.DATABASE_PATH ?? 'data/zoe.db'}`);\n",
  );
  assert.equal(
    fixed('src/b.js', "const s = new Sequelize('sqlite://data/auth.db');\n"),
    "const s = new Sequelize(`sqlite://${process.env.DATABASE_PATH ?? 'data/zoe.db'}`);\n",
  );
  assert.equal(
    fixed('src/c.ts', 'const url = "sqlite+aiosqlite:////app/data/sessions.db";\n'),
    'const url = `sqlite+aiosqlite:///${process.env.DATABASE_PATH ?? "/app/data/zoe.db"}`;\n',
  );
});

test('CRLF files stay CRLF (Python import os included)', () => {
  assert.equal(
    fixed('a.py', 'import sqlite3\r\nengine = create_engine("sqlite:////app/data/auth.db")\r\n'),
    'import os\r\nimport sqlite3\r\nengine = create_engine(f"sqlite:///{os.getenv(\'DATABASE_PATH\', \'/app/data/zoe.db\')}")\r\n',
  );
  assert.equal(
    fixed('a.ts', "const a = new Sequelize('sqlite:data/auth.db');\r\nconst b = 1;\r\n"),
    "const a = new Sequelize(`sqlite:${process.env.DATABASE_PATH ?? 'data/zoe.db'}`);\r\nconst b = 1;\r\n",
  );
});

const URL_RULES = JSON.stringify({
  databases: { zoe: { engine: 'sqlite', file: '/app/data/zoe.db', env: 'DATABASE_URL', role: 'primary', absorbs: ['auth.db'] } },
});

test('when the target env var holds a URL, it is read whole with the target URL (same form) as its default', () => {
  assert.equal(
    fixed('a.py', 'import os\nengine = create_engine("sqlite+aiosqlite:////app/data/auth.db")\n', URL_RULES),
    'import os\nengine = create_engine(os.getenv("DATABASE_URL", "sqlite+aiosqlite:////app/data/zoe.db"))\n',
  );
  assert.equal(
    fixed('a.ts', "const s = new Sequelize('sqlite:///./data/auth.db');\n", URL_RULES),
    "const s = new Sequelize(process.env.DATABASE_URL ?? 'sqlite:///./data/zoe.db');\n",
  );
});

test('the fix is preferred and titled; shapes it cannot rewrite safely get no fix', () => {
  const [fix] = fixesOf({ files: { 'a.py': 'engine = create_engine("sqlite:////app/data/auth.db")\n' } }, 'legacy-database');
  assert.equal(fix.isPreferred, true);
  assert.equal(fix.title, 'Build the URL from DATABASE_PATH (default /app/data/zoe.db)');
  // A URL assembled by `+` or an f-string, and an escaped string: flagged, but a person decides.
  for (const [path, text] of [['b.ts', "const u = 'sqlite:///' + 'data/auth.db';\n"], ['c.py', 'u = "sqlite:///data\\x2fauth.db"\n'], ['d.py', 'u = f"sqlite:///{DATA}/auth.db"\n']]) {
    const ws = { files: { [path]: text } };
    assert.ok(findingsOf(ws).some((f) => f.rule === 'legacy-database'), path);
    assert.deepEqual(fixesOf(ws, 'legacy-database'), [], path);
  }
});

test('splitSqliteUrl keeps scheme, driver, slashes and query apart; :memory: is no file', () => {
  assert.deepEqual(splitSqliteUrl('sqlite+aiosqlite:////app/x.db?mode=ro'), { prefix: 'sqlite+aiosqlite:///', path: '/app/x.db', query: '?mode=ro' });
  assert.deepEqual(splitSqliteUrl('sqlite:data/x.db'), { prefix: 'sqlite:', path: 'data/x.db', query: '' });
  assert.equal(splitSqliteUrl('sqlite:///:memory:'), undefined);
  assert.equal(splitSqliteUrl('postgres://db/x'), undefined);
});

test('inside the rewritten URL, a legacy default of the env read is still flagged (the default is checked, not the URL)', () => {
  const py = findingsOf({ files: { 'a.py': 'import os\nu = f"sqlite:///{os.getenv(\'DATABASE_PATH\', \'/app/data/auth.db\')}"\n' } });
  assert.deepEqual(py.map((f) => [f.rule, f.data.found]), [['legacy-database', 'auth.db']]);
  const ts = findingsOf({ files: { 'a.ts': "const u = `sqlite:///${process.env.DATABASE_PATH ?? '/app/data/auth.db'}`;\n" } });
  assert.deepEqual(ts.map((f) => [f.rule, f.data.found]), [['legacy-database', 'auth.db']]);
});
