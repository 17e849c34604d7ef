import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { loadGrammars } from '../../server/src/engine/treeSitter';
import { analyzeFile, detectorFor, fileTypeOf, type FileType } from '../../server/src/engine/detectors';
import { mayReferenceDatabase, prefilter, type ScanFilter, type Verdict } from '../../server/src/engine/prefilter';
import { isDatabaseEnvVar } from '../../server/src/engine/envVars';
import { generateTree } from '../../bench/generate';

before(async () => {
  await loadGrammars();
});

const REPO = path.resolve(__dirname, '../..');

/** A file name of each type, for cases written as text. */
const SAMPLE_PATH: Partial<Record<FileType, string>> = { python: 'm.py', javascript: 'm.ts', dotenv: '.env', shell: 'run.sh', yaml: 'docker-compose.yml', text: 'notes.txt', json: 'package.json', sql: 'a.sql' };

/** What the detector itself finds, bypassing the prefilter. */
function detect(type: FileType, rel: string, text: string) {
  return detectorFor(type)({ path: rel, text });
}

/** The prefilter's promise: when it says no, the detector finds nothing. */
function assertSound(type: FileType, rel: string, text: string): boolean {
  const may = mayReferenceDatabase(type, text);
  if (!may) {
    const found = detect(type, rel, text);
    assert.deepEqual({ references: found.references.length, tables: found.tables.length }, { references: 0, tables: 0 }, `${rel} was ruled out but has ${JSON.stringify(found).slice(0, 300)}`);
  }
  return may;
}

function filesUnder(dir: string, exts: RegExp, limit: number): string[] {
  const out: string[] = [];
  const visit = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      if (out.length >= limit) return;
      const abs = path.join(d, name);
      const st = statSync(abs);
      if (st.isDirectory()) visit(abs);
      else if (exts.test(name) && st.size < 200_000) out.push(abs);
    }
  };
  visit(dir);
  return out;
}

test('every fixture code file with a reference or table passes the prefilter', () => {
  let withRefs = 0;
  for (const abs of filesUnder(path.join(REPO, 'test/fixtures'), /\.(py|[cm]?[jt]sx?)$/, 10_000)) {
    const rel = path.relative(REPO, abs);
    const type = fileTypeOf(rel)!;
    const text = readFileSync(abs, 'utf8');
    const found = detect(type, rel, text);
    if (found.references.length + found.tables.length > 0) {
      withRefs++;
      assert.ok(mayReferenceDatabase(type, text), `${rel} has references but was ruled out`);
    }
  }
  assert.ok(withRefs >= 5, `only ${withRefs} fixture files with references`);
});

test('on real code (this repo, its dependencies) and generated Python/TypeScript, a file ruled out yields nothing from its detector', () => {
  const corpus = [
    ...filesUnder(path.join(REPO, 'server/src'), /\.ts$/, 200),
    ...filesUnder(path.join(REPO, 'node_modules/ajv/dist'), /\.js$/, 150),
    ...filesUnder(path.join(REPO, 'node_modules/yaml/dist'), /\.js$/, 100),
    ...filesUnder(path.join(REPO, 'node_modules/pg/lib'), /\.js$/, 50),
    // Compiled and bundled JS: 'use strict', Object.defineProperty and https links everywhere.
    ...filesUnder(path.join(REPO, 'node_modules/vscode-languageserver/lib'), /\.js$/, 150),
    ...filesUnder(path.join(REPO, 'node_modules/playwright-core/lib/server'), /\.js$/, 300),
  ].map((abs) => ({ rel: path.relative(REPO, abs), text: readFileSync(abs, 'utf8') }));
  // Python and TypeScript in the benchmark's style, most of them naming no database.
  corpus.push(...generateTree(400, 5).filter((f) => /\.(py|ts)$/.test(f.path) && f.content.length < 100_000).map((f) => ({ rel: f.path, text: f.content })));
  let ruledOut = 0;
  for (const { rel, text } of corpus) {
    if (!assertSound(fileTypeOf(rel)!, rel, text)) ruledOut++;
  }
  assert.ok(corpus.length > 400, `corpus of ${corpus.length} files`);
  assert.ok(ruledOut > 0, 'the prefilter ruled nothing out');
});

test('escapes, implicit concatenation and SQL at a string start keep a file a candidate', () => {
  const cases: Array<[FileType, string]> = [
    ['javascript', String.raw`const u = 'postgres:\/\/app@db/platform';`],
    ['javascript', "const u = 'postgres:\\\n//app@db/platform';"],
    ['javascript', String.raw`const p = 'data/zoe\x2edb';`],
    ['javascript', String.raw`const p = 'data/zoe\.db';`],
    ['javascript', 'const q = `\n  select id from users where x = 1`;'],
    ['javascript', "const q = '/* list */ SELECT a, b FROM t';"],
    ['javascript', "@Entity('users') class User {}"],
    ['javascript', "const rows = await db('users').where({ id });"],
    ['python', 'URL = ("postgresql:" "//app@db/platform")'],
    ['python', 'Q = "" "SELECT a, b FROM t"'],
    ['python', 'P = "data/zoe\\x2edb"'],
    ['python', 'P = "data/zoe\\U0000002edb"'],
    ['javascript', String.raw`const u = '\u0070ostgres://app@db/platform';`],
    ['javascript', String.raw`const p = 'data/zoe\u{2e}db';`],
    ['python', 'P = "data/zoe\\056db"'],
    ['python', 'def up():\n    op.add_column("users", sa.Column("x"))'],
    ['python', 'class S(BaseSettings):\n    port: int = 1'],
    // Decoded copies hold the lines around each escape or join: deep in a long file too.
    ['python', 'x = 1\n'.repeat(300) + 'P = "data/zoe\\x2edb"\n' + 'y = 2\n'.repeat(300)],
    ['python', 'x = 1\n'.repeat(300) + 'Q = ("SEL"\n     "ECT a, b FROM t")\n' + 'y = 2\n'.repeat(300)],
    ['javascript', 'const x = 1;\n'.repeat(300) + "const u = 'postgres:\\\n//app@db/platform';\n" + 'const y = 2;\n'.repeat(300)],
  ];
  for (const [type, text] of cases) {
    assert.ok(mayReferenceDatabase(type, text), text);
  }
  // And the detectors do find something in each (so the cases are real references).
  for (const [type, text] of cases) {
    const rel = SAMPLE_PATH[type]!;
    const found = detect(type, rel, text);
    assert.ok(found.references.length + found.tables.length > 0, `nothing found in ${text}`);
  }
});

test('plain code with no database words is ruled out; other file types are always read', () => {
  assert.equal(mayReferenceDatabase('python', 'import logging\n\ndef add(a, b):\n    """Adds."""\n    return a + b\n'), false);
  assert.equal(mayReferenceDatabase('javascript', "import { x } from './x';\nexport const y = x + 1; // done\n"), false);
  for (const type of ['yaml', 'dotenv', 'json', 'sql', 'markdown', 'shell', 'text'] as const) assert.equal(mayReferenceDatabase(type, 'a: 1\n'), true);
  assert.deepEqual(analyzeFile({ path: 'a.py', text: 'x = 1\n' }), { references: [], tables: [] });
});

test('property: for code made of database-ish and neutral fragments, a ruled-out file yields nothing', () => {
  const fragment = fc.constantFrom(
    'x = 1\n', 'def f(a):\n    return a\n', '"plain words"\n', "'with care'\n", '"Select a file"\n', 'import os\n',
    '"a" "b"\n', '"\\\\n"\n', '"/tmp/x"\n', '"http"\n', '":"\n', '"//"\n', '"zoe"\n', '".db"\n', '"sel" "ect 1"\n',
    'conn.execute("UPDATE t SET a = 1")\n', 'os.getenv("X")\n', '"postgres://h/db"\n', 'f"{a}://{b}"\n', '"host=h dbname=d"\n',
    'connect(dbname="x")\n', '"\\x2e"\n', 'Table("t", meta)\n', 'print("done")\n', '# comment SELECT 1 FROM t\n',
    '"\\x70ostgres"\n', '"\\u0064b"\n', '"\\56db"\n', '"\\u00e9"\n', "'use strict'\n", "'delete'\n", '"--x"\n', '"\\nselect "\n',
    '"use "\n', '"x;"\n', 'createTable("t")\n', '"table"\n', '"host"\n', '"=h "\n', '"https://x"\n',
    '"\\N{EM DASH}"\n', '"zoe\\N{FULL STOP}db"\n', '"\\N{BULLET}.db"\n', '"x.db\\N{BULLET}"\n', '"\\N{BULLET}select "\n',
    '"""doc app.db"""\n', '# app.db\n', '(\n"app.db"\n)\n', 'f(host=h, port=p)\n', '"host=h port=1"\n', '"host=h "\n', '"port=1"\n', 'x = ("host=h "\n', '"user=u")\n', "'%s(host=%r, port=%r)'\n",
  );
  fc.assert(fc.property(fc.array(fragment, { maxLength: 12 }), (parts) => {
    const text = parts.join('');
    assertSound('python', 'p.py', text);
    assertSound('javascript', 'p.js', text.replace(/^def f\(a\):\n {4}return a$/m, 'function f(a) { return a; }').replace(/#/g, '//'));
  }), { numRuns: 300, seed: 6 });
});

const NO_DECLARED: ScanFilter = { declaredEnvNames: [] };

/** Cases the prefilter rules out under a scan filter, in which the detector indeed finds nothing. */
function assertRuledOutAndEmpty(cases: Array<[FileType, string]>): void {
  for (const [type, text] of cases) {
    assert.notEqual(prefilter(type, text, NO_DECLARED), 'analyze', text);
    const found = detect(type, SAMPLE_PATH[type]!, text);
    assert.deepEqual([found.references.length, found.tables.length], [0, 0], text);
  }
}

/** Cases the prefilter keeps under a scan filter, in which the detector finds something (real references). */
function assertCandidatesWithFindings(cases: Array<[FileType, string]>): void {
  for (const [type, text] of cases) {
    assert.equal(prefilter(type, text, NO_DECLARED), 'analyze', text);
    const found = detect(type, SAMPLE_PATH[type]!, text);
    assert.ok(found.references.length + found.tables.length > 0, `nothing found in ${text}`);
  }
}

/** The scan filter's promise: an `env-only` file yields only env reads/definitions of variables the scan drops. */
function assertEnvOnlySound(type: FileType, rel: string, text: string, filter: ScanFilter): string {
  const verdict = prefilter(type, text, filter);
  if (verdict === 'env-only') {
    const found = detect(type, rel, text);
    const kept = found.references.filter((r) => !(r.kind === 'env-read' || r.kind === 'env-define') || isDatabaseEnvVar(r.envVar!, new Set(filter.declaredEnvNames)));
    assert.deepEqual({ kept: kept.map((r) => `${r.kind} ${r.envVar ?? r.target}`), tables: found.tables.length }, { kept: [], tables: 0 }, `${rel} was ruled env-only`);
  }
  return verdict;
}

test('with a scan filter, a file whose env reads name no database variable is env-only, and only such reads are in it', () => {
  const corpus = generateTree(1500, 7).filter((f) => fileTypeOf(f.path) && f.content.length < 100_000).map((f) => ({ rel: f.path, text: f.content }));
  corpus.push(...filesUnder(path.join(REPO, 'server/src'), /\.ts$/, 200).map((abs) => ({ rel: path.relative(REPO, abs), text: readFileSync(abs, 'utf8') })));
  corpus.push(...filesUnder(path.join(REPO, 'test/fixtures'), /./, 10_000).filter((abs) => fileTypeOf(abs)).map((abs) => ({ rel: path.relative(REPO, abs), text: readFileSync(abs, 'utf8') })));
  const verdicts: Record<string, number> = {};
  for (const { rel, text } of corpus) {
    const v = assertEnvOnlySound(fileTypeOf(rel)!, rel, text, NO_DECLARED);
    verdicts[v] = (verdicts[v] ?? 0) + 1;
  }
  assert.ok((verdicts['env-only'] ?? 0) > 300, `env-only ${verdicts['env-only']} of ${corpus.length}`);
  assert.ok((verdicts.analyze ?? 0) > 20, `analyze ${verdicts.analyze} of ${corpus.length}`);
});

test('env access to a database variable, or to one the rules file declares, keeps a file a candidate', () => {
  const cases: Array<[FileType, string, Verdict, string[]?]> = [
    ['python', 'import os\nLEVEL = os.getenv("LOG_LEVEL", "info")\n', 'env-only'],
    ['python', 'import os\nDSN = os.environ["SENTRY_DSN"]\n', 'env-only'],
    // Python names a variable in a string: "database" in its prose is no variable's name.
    ['python', '"""Interfaces to Unix databases: the database module."""\nimport os\nhome = os.environ["HOME"]\n', 'env-only'],
    ['python', 'import os\nURL = os.environ.get(\'DATABASE_URL\')\n', 'analyze'],
    ['python', 'import os\nURL = os.getenv("CHAT_RAG_DATABASE_URL")\n', 'analyze'],
    ['python', 'import os\nURL = os.environ.get("POSTGRES_DB")\n', 'analyze'],
    ['python', 'import os\nURL = os.environ["SUPABASE_URL"]\n', 'env-only'],
    ['python', 'import os\nURL = os.environ["SUPABASE_URL"]\n', 'analyze', ['SUPABASE_URL']],
    ['python', 'import os\nURL = os.environ["supabase_url".upper()]\n', 'analyze', ['SUPABASE_URL']],
    ['python', 'import os\nKEY = "CHAT_" "DATABASE_URL"\nURL = os.environ[KEY]\n', 'analyze'],
    ['python', 'from pydantic_settings import BaseSettings\nclass S(BaseSettings):\n    supabase_url: str\n', 'analyze'],
    // python-decouple's and environs' readers (python.ts CONFIG_READERS) spell no `env` of their own.
    ['python', 'from decouple import config\nDATABASE_URL = config("DATABASE_URL")\n', 'analyze'],
    ['python', 'import decouple\nLEVEL = decouple.config(\n    "LOG_LEVEL", default="info")\n', 'env-only'],
    ['python', 'from myapp import get_config, myconfig\nx = get_config("DATABASE_URL") or myconfig("DATABASE_URL")\n', 'skip'],
    ['javascript', 'const level = process.env.LOG_LEVEL ?? "info";\n', 'env-only'],
    ['javascript', 'const host = process.env.PGHOST;\n', 'analyze'],
    ['javascript', 'const { MEMORY_DB_PATH } = process.env;\n', 'analyze'],
    ['javascript', 'const u = import.meta.env.VITE_API_URL;\n', 'env-only'],
    ['javascript', 'const u = import.meta.env.VITE_API_URL;\n', 'analyze', ['VITE_API_URL']],
    ['javascript', 'export const y = x + 1;\n', 'skip'],
    ['dotenv', 'LOG_LEVEL=info\nPORT=8080\n', 'env-only'],
    ['dotenv', 'MEMORY_DB_PATH=/app/data/memory.db\n', 'analyze'],
    // An http(s) URL is no database URL (literals.ts hasDatabaseUrl): only the variable's name counts.
    ['dotenv', 'SUPABASE_URL=http://kong:8000\n', 'env-only'],
    ['dotenv', 'SUPABASE_URL=http://kong:8000\n', 'analyze', ['SUPABASE_URL']],
    ['dotenv', 'CACHE=rediss://cache:6380/0\n', 'analyze'],
    ['shell', '#!/bin/sh\nexport PORT=8080\nexec app --port "$PORT"\n', 'env-only'],
    ['shell', '#!/bin/sh\nexec app --store "$SESSIONS_DB"\n', 'analyze'],
    ['shell', "#!/bin/sh\nexec app $'postgres:\\x2f/x'\n", 'analyze'],
    ['yaml', 'services:\n  web:\n    environment:\n      SUPABASE_KEY: abc\n', 'env-only'],
    ['yaml', 'services:\n  web:\n    environment:\n      SUPABASE_KEY: abc\n', 'analyze', ['SUPABASE_KEY']],
    ['yaml', 'services:\n  web:\n    environment:\n      DATABASE_URL: ${DATABASE_URL}\n', 'analyze'],
    ['text', 'see postgres://db.example.org/app\n', 'analyze'],
    ['json', '{ "scripts": { "start": "PORT=1 node ." } }\n', 'env-only'],
    ['sql', 'select 1;\n', 'analyze'],
  ];
  for (const [type, text, want, declared] of cases) {
    const filter = { declaredEnvNames: declared ?? [] };
    assert.equal(prefilter(type, text, filter), want, text);
    const rel = SAMPLE_PATH[type]!;
    assertEnvOnlySound(type, rel, text, filter);
    // Without a filter (a detector's own view), env access alone keeps a file a candidate, and config files are always read.
    if (want !== 'skip') assert.equal(prefilter(type, text), 'analyze', text);
    // The env-only cases are real reads or definitions.
    if (want === 'env-only') assert.ok(detect(type, rel, text).references.length > 0, `no env reference in ${text}`);
  }
});

test('real-code triggers that name no database (use strict, Object.defineProperty, https links, string values like \'delete\', Title-case prose, CLI flags, HTML tables); their database forms stay', () => {
  const ruledOut: Array<[FileType, string]> = [
    ['javascript', "'use strict';\nObject.defineProperty(exports, '__esModule', { value: true });\nexports.x = 1;\n"],
    ['javascript', '"use client";\n// See https://example.com/docs for the entity model.\nexport const y = 2;\n'],
    ['python', '# https://docs.python.org/3/\nx = "use strict"\n'],
    ['text', 'see https://example.org\n'],
    ['python', 'import socket\nNOTE = "a stable, portable table of notable hosts"\nname = socket.gethostname()\n'],
    ['python', 'def f():\n    """Create a new user.\n\n    With care: Set the flag."""\n    return 1\n'],
    ['javascript', 'throw new Error("Update failed");\nconst s = "Select a file";\n'],
    ['javascript', "// Don't update the cache, won't set it either.\n/** Calls `set()` and `delete` on the map. */\nexport const f = (m) => m;\n"],
    ['javascript', "const m = 'delete';\nrun(['--help']);\napp.get('/*', h);\nconst html = '<table></table>';\nconst o = { host: h, port: 1 };\n"],
    // Named escapes are read as the detector reads them (U+FFFD), not as a reason to parse.
    ['python', 'DASH = "\\N{EM DASH}"\nprint(f"{x}\\N{NO-BREAK SPACE}units")\n'],
  ];
  assertRuledOutAndEmpty(ruledOut);
  const kept: Array<[FileType, string]> = [
    ['javascript', "db.query('USE app;');\n"],
    ['javascript', 'db.query("USE \\"app\\";");\n'],
    ['javascript', "import { Sequelize } from 'sequelize';\nconst User = orm.define('user', {});\n"],
    ['javascript', "@Entity('users')\nexport class User {}\n"],
    ['javascript', "@/* typeorm */ Entity('users')\nexport class User {}\n"],
    ['javascript', "const url = 'postgresql+asyncpg://u@h/app';\n"],
    ['javascript', "const url = 'jdbc:mysql://h:3306/app';\n"],
    ['python', "q = 'USE ' 'app;'\n"],
    ['text', 'see rediss://cache:6380/0\n'],
    ['javascript', "q('delete from users');\n"],
    ['javascript', "q('DELETE FROM users');\n"],
    ['python', 'q = "cReate table users (id int)"\n'],
    ['javascript', 'const q = `\n  DELETE FROM users WHERE id = ${id}`;\n'],
    ['python', 'q = "\\n\\tselect * from users"\n'],
    ['python', 'import sqlalchemy as sa\nusers = sa.Table(\n    "users", meta, sa.Column("id"))\n'],
    ['python', 'class User(Base):\n    __tablename__ = "users"\n'],
    ['python', 'class User(models.Model):\n    class Meta:\n        db_table = "users"\n'],
    ['python', 'CFG = {"ENGINE": "myco.backends.postgresql", "NAME": "billing"}\n'],
    ['python', 'import psycopg2\nconn = psycopg2.connect("host = pg port=5432 user=app")\n'],
    ['javascript', "q('-- note\\nselect * from users');\n"],
    ['javascript', "q('/* note */ select * from users');\n"],
    ['python', 'q = """\n-- migrate\nSELECT * FROM users\n"""\n'],
    ['python', 'q = """USE app\n;"""\n'],
    ['python', 'q = ("SELECT"\n     " * FROM t")\n'],
    ['javascript', 'knex.schema.createTable("users", (t) => {});\n'],
    ['javascript', "export const users = pgTable<Cols>('users', {});\n"],
    ['javascript', 'class U extends Model { static tableName = "users"; }\n'],
    ['javascript', "const dsn = 'host = pg port=5432 user=app';\n"],
  ];
  assertCandidatesWithFindings(kept);
  // Forms the detectors may read (a placeholder name, a call through `?.` or `['…']`): they stay candidates.
  const candidates: Array<[FileType, string]> = [
    ['python', "q = f\"USE {names['app']};\"\n"],
    ['javascript', 'schema.table?.("documents");\n'],
    ['javascript', "k['createTable']('users');\n"],
  ];
  for (const [type, text] of candidates) assert.equal(prefilter(type, text, NO_DECLARED), 'analyze', text);
});

test('a quote that closes a string, prose starting with a keyword, and database words inside identifiers are ruled out; their database forms stay', () => {
  const ruledOut: Array<[FileType, string]> = [
    // The quote closes `':'`; `with` starts a Python statement, not a string.
    ['python', "sep = ',', ':'\n\n    with options.infile as infile:\n        pass\n"],
    ['python', 'def f():\n    """Docs."""\n    with warnings.catch_warnings():\n        pass\n'],
    ['python', "print('set up')\nparser.add_argument('-x', help=\"create a new file\")\nm = 'with trailing comment'\n"],
    ['python', "import os\nline = 'x' -- 1\n"],
    ['python', 'def make_table(rows):\n    return hashtable(rows)\n'],
    ['python', 'import socket\nhost = socket.gethostname()\n'],
    ['javascript', 'function flatMapToMutable(a) { return a; }\nconst w = handle.createWritable();\nconst typeCatalog = [];\nconst usedBrace = 1;\n'],
    ['javascript', 'interface IDBDatabaseInfo { name?: string }\nframe.dblclick();\nconst host = getHost(node);\nexport = host;\n'],
    ['javascript', '/** Opens the database. */\nexport function open(name) { return indexedDB.open(name); }\n'],
    // Attribute assignments are no DSN: no pairs run on (`self.` is no key).
    ['python', "class C:\n    def __init__(self, host, port):\n        self.host = host\n        self.port = port\n"],
    // Pairs in code, not in a string: findLibpq reads DSNs in strings only.
    ['python', 'class L:\n    async def create_connection(self, factory, host=None, port=None, *, ssl=None):\n        return await self.loop.create_server(factory, host=host, port=port)\n'],
    ['python', "def open_url(host, user):\n    host = unquote(host)\n    user = user or ''\n    return host, user\n"],
    // Comments and documentation strings: the Python detector reads neither.
    ['python', '"""Stores rows in app.db: SELECT * FROM users, see table (1)."""\n\n# some emulations generate a .db file\ndef f(x):\n    """Copy data from x to the database."""\n    return x\n'],
    // `op` is Alembic's only with one of its operations.
    ['python', 'import operator as op\nf = op.itemgetter(1)\n'],
  ];
  assertRuledOutAndEmpty(ruledOut);
  const kept: Array<[FileType, string]> = [
    ['python', "q = (\n    'SELECT a, b '  # columns\n    'FROM users'\n)\n"],
    ['python', 'q = f"SELECT {col}, b FROM users WHERE id = %s"\n'],
    ['python', 'q = f"SELECT {d["a"]}, b FROM users"\n'],
    ['python', "q = 'INSERT INTO users ' \\\n    '(id) VALUES (1)'\n"],
    ['python', 'import psycopg2\nconn = psycopg2.connect("host=pg\\nport=5432")\n'],
    ['python', 'import sqlite3\nconn = sqlite3.connect("data/zoe.db\\n".strip())\n'],
    ['python', 'import pyodbc\nc = pyodbc.connect("Server=db;Initial Catalog=billing;")\n'],
    ['python', 'import asyncpg\npool = asyncpg.create_pool(database="mobius")\n'],
    ['javascript', 'const q = `SELECT ${cols.join(", ")} FROM users`;\n'],
    ['javascript', "const q = 'UPDATE users \\\n  SET a = 1';\n"],
    ['javascript', "import { mysqlTable } from 'drizzle-orm/mysql-core';\nexport const u = mysqlTable('users', {});\n"],
    ['javascript', "import mongoose from 'mongoose';\nimport { MongoClient } from 'mongodb';\nconst d = mongoose.connection.useDb('zoe');\n"],
    ['javascript', "import { Pool } from 'pg';\nconst pool = new Pool({ database: 'mobius' });\n"],
    ['javascript', "const p = 'data/memory.db3';\n"],
    ['python', 'import psycopg2\ncfg = {"database": "mobius", "host": "pg"}\nconn = psycopg2.connect(**cfg)\n'],
    ['python', "import psycopg2\nconn = psycopg2.connect(f\"host={cfg['host']} port={cfg['port']}\")\n"],
    ['javascript', "import { Client } from 'pg';\nconst c = new Client(`port=${p}\\thost=db`);\n"],
    ['python', 'from alembic import op\n\ndef upgrade():\n    op.drop_column("users", "legacy")\n'],
    // findLibpq reads pairs whose values end in a comma too.
    ['python', 'def __repr__(self):\n    return "%s(host=%r, port=%r)" % (type(self).__name__, self.host, self.port)\n'],
    // A string after documentation and comments still counts.
    ['python', 'import sqlite3\n\ndef f():\n    """Docs."""  # a comment\n    return sqlite3.connect("data/app.db")\n'],
    // DSNs in strings of every shape: across lines, joined, as a template.
    ['python', 'import psycopg2\nDSN = """\nhost=db\nport=5432\n"""\nc = psycopg2.connect(DSN)\n'],
    ['python', 'import psycopg2\nc = psycopg2.connect("host=db "\n                     "port=5432")\n'],
    ['javascript', "import { Client } from 'pg';\nconst c = new Client(`host=${h} port=${p} user=app`);\n"],
  ];
  assertCandidatesWithFindings(kept);
});

test('JS: table calls without a string argument, knex roots behind a property or in prose, tableName as a type, and env only inside words are ruled out; the forms javascript.ts reads stay', () => {
  const ruledOut: Array<[FileType, string]> = [
    ['javascript', 'console.table(...rows);\nfunction table(state, start) { return state; }\n// a hash table (could be avoided)\n'],
    ['javascript', 'interface CertificateReturnValue { tableNames: string[]; tableName: string; }\n'],
    ['javascript', "const TAG = { TBODY: [`TABLE`], TD: ['TR'] };\n"],
    ['javascript', '/**\n * The **`db`** read-only property. Gain in dB.\n * Reads BillableCommitters data from DB. Then 10 dB (A).\n */\nexport declare const gain: number;\n'],
    ['javascript', 'function close(db) { if (db) { db = null; } return db || cached; }\n'],
    // `environment`, `development`: no env access, so the word "database" is no variable read.
    ['javascript', "// the environment picks the database\nconst mode = 'development';\n"],
  ];
  assertRuledOutAndEmpty(ruledOut);
  const kept: Array<[FileType, string]> = [
    ['javascript', "const rows = await db\n  .select('id')\n  .from('users');\n"],
    ['javascript', "await trx('logs').insert(row);\n"],
    ['javascript', "const ids = [...db.from('users').pluck('id')];\n"],
    ['javascript', "import { MongoClient } from 'mongodb';\nconst zoe = client.db('zoe');\n"],
    ['javascript', "class U extends Model { static tableName: string = 'users'; }\n"],
    ['javascript', "knex.schema.createTable(\n  'users', (t) => {});\n"],
    ['javascript', 'const url = process\n  .env.DATABASE_URL;\n'],
  ];
  assertCandidatesWithFindings(kept);
  // Chains the detector may read through parentheses and assertions (chainRoot unwraps them): candidates.
  for (const text of ["await (db as Knex).into('logs');\n", "await (db).into('logs');\n", "await db!.from('users');\n", "const q = db<User>('users');\n"]) {
    assert.equal(prefilter('javascript', text, NO_DECLARED), 'analyze', text);
  }
});

test('JS: a knex root needs a query method with a string in the file, and dbname a libpq or option form', () => {
  assertRuledOutAndEmpty([
    ['javascript', 'const tx = db.transaction(["files"], "readwrite");\ndb.close();\nconst all = Array.from(items);\n'],
    ['javascript', 'export declare function dumpTar(dbname: string, compression?: boolean): Promise<void>;\n'],
  ]);
  assertCandidatesWithFindings([
    ['javascript', "const rows = await db.select('id').from('users');\n"],
    ['javascript', "await knex({ client: 'pg' }).into('logs').insert(row);\n"],
    ['javascript', "const pool = new Pool({ host: 'db', dbname: 'mobius' });\n"],
    ['javascript', "const dsn = `host=${h} dbname=mobius`;\n"],
  ]);
});

test('JS: URLs, SQLite paths, DSNs and SQL count only in strings and templates, not in code or comments (javascriptStrings.ts)', () => {
  assertRuledOutAndEmpty([
    ['javascript', 'BigInteger.prototype.DB = dbits;\nif (sh >= this.db) sh -= this.db;\nconst c = { db: e.db, dst: t.db };\n'],
    ['javascript', '/**\n * @example\n * const pg = new PGlite("postgres://user@localhost/app.db");\n * await pg.query("SELECT * FROM users");\n */\nexport declare function open(): void;\n'],
    ['javascript', '// connect with host=db port=5432 user=app\nconst ok = /"(?:x\\.db|postgres:\\/\\/)"/.test(s);\n'],
  ]);
  assertCandidatesWithFindings([
    ['javascript', 'this.db = new Database("data/app.db");\n'],
    ['javascript', 'const file = `${dir}/cache.sqlite`;\n'],
    ['javascript', 'const url = "postgres://app@db/mobius"; // this.db\n'],
    ['javascript', "const rows = this.db.prepare('SELECT id FROM users').all();\n"],
    ['javascript', "const dsn = 'host=db port=5432 dbname=app';\n"],
  ]);
  // Decoded, a string spells the path; a file whose strings cannot be read in step stays a candidate.
  assert.equal(prefilter('javascript', 'const p = "app\\x2edb";\n', NO_DECLARED), 'analyze');
  assert.equal(prefilter('javascript', 'const s = "unterminated\nthis.db = 1;\n', NO_DECLARED), 'analyze');
});

test('config files: a literal\'s words count only in the form a literal has them (a host key, prose, a MIME type are none); each literal form stays', () => {
  const filter: ScanFilter = { declaredEnvNames: [] };
  const ruledOut: Array<[FileType, string, string]> = [
    ['yaml', 'ingress.yaml', 'spec:\n  rules:\n    - host: app.example.com\n      http:\n        paths: [{ path: /, backend: web }]\n'],
    ['json', 'messages.json', '{ "fallback": "Cache not found, falling back to the host", "level": "verbose" }\n'],
    ['json', 'mime.json', '{ "types": ["application/sgml-open-catalog", "text/x-dbase"] }\n'],
    ['ini', 'setup.cfg', '[server]\nhost = 0.0.0.0\nworkers = 4\n'],
    ['text', 'notes.txt', 'Its catalog lives on another host.\n'],
  ];
  for (const [type, rel, text] of ruledOut) {
    assert.notEqual(prefilter(type, text, filter), 'analyze', text);
    assert.equal(detect(type, rel, text).references.filter((r) => r.kind !== 'env-read' && r.kind !== 'env-define').length, 0, text);
  }
  const kept: Array<[FileType, string, string, string]> = [
    ['json', 'appsettings.json', '{ "ConnectionStrings": { "Main": "Server=db;Database=app;User Id=sa" } }\n', 'app'],
    ['text', 'App.config', '<add connectionString="Data Source=db;Initial Catalog=orders" />\n', 'orders'],
    ['yaml', 'values.yaml', 'conn: "host=db port=5432 user=app"\n', 'db'],
    ['yaml', 'values.yaml', 'conn: "dbname=zoe user=app"\n', 'zoe'],
    ['ini', 'setup.cfg', '[store]\npath = /var/lib/app/zoe.db\n', 'zoe.db'],
    ['json', 'settings.json', '{ "url": "mysql://app@db/shop" }\n', 'shop'],
    ['yaml', 'values.yaml', 'conn: "Server=db;\\nDatabase=app"\n', 'app'],
  ];
  for (const [type, rel, text, target] of kept) {
    assert.equal(prefilter(type, text, filter), 'analyze', text);
    assert.ok(detect(type, rel, text).references.some((r) => r.target === target), `${text}: ${JSON.stringify(detect(type, rel, text).references.map((r) => r.target))}`);
  }
});

test('Python: BaseSettings as a name of its own, a Django backend ending a string, and SQLite paths or `Initial Catalog` only in strings (pythonStrings.ts); each form the detector reads stays', () => {
  assertRuledOutAndEmpty([
    // Real code (moto, IPython, matplotlib's users): a word inside another, a module path in code, an attribute.
    ['python', 'class Endpoint:\n    def to_json(self):\n        return {"SybaseSettings": self.sybase_settings}\n'],
    ['python', 'import matplotlib.backends.backend_agg as agg\nfrom matplotlib.backends import backend_inline\n'],
    ['python', 'def restore(self):\n    db = self.shell.db\n    for key in self.shell.db.keys("autorestore/*"):\n        print(db[key])\n'],
  ]);
  assertCandidatesWithFindings([
    ['python', 'from pydantic_settings import BaseSettings\n\nclass Settings(BaseSettings):\n    database_url: str\n'],
    ['python', 'import pydantic_settings as ps\n\nclass Settings(ps.BaseSettings):\n    database_url: str\n'],
    ['python', "DATABASES = {\n    'default': {\n        'ENGINE': 'django.db.backends.postgresql',\n        'NAME': 'mobius',\n    }\n}\n"],
    ['python', "DATABASES = {'default': {'ENGINE': 'django.db.' 'backends.mysql', 'NAME': 'shop'}}\n"],
    ['python', 'import sqlite3\nconn = sqlite3.connect("data/zoe.db")\n'],
    ['python', 'import sqlite3\nconn = sqlite3.connect(f"{root}/zoe.db")\n'],
    ['python', "import sqlite3\nconn = sqlite3.connect('data/zoe' '.sqlite3')\n"],
    ['python', 'import sqlite3\nconn = sqlite3.connect("data/zoe\\x2edb")\n'],
    ['python', 'import pyodbc\nc = pyodbc.connect("Server=db;Initial Catalog=billing;")\n'],
  ]);
  // Strings that cannot be read in step (readPython): a path anywhere keeps the file a candidate.
  assert.equal(prefilter('python', 's = "unterminated\nself.shell.db = 1\n', NO_DECLARED), 'analyze');
});

test('Python: `database` counts as a keyword argument or dict key with a string value, or as ADO\'s key inside a string; a variable of that name is none', () => {
  assertRuledOutAndEmpty([
    // moto's request handlers: a variable named `database`, a keyword argument or key with a variable as its value.
    ['python', 'def get_table(self):\n    database = self._get_param("DatabaseName")\n    return self.backend.get_table(database=database)\n'],
    ['python', 'def describe(self):\n    return {"Database": self.database, "database": name}\n'],
  ]);
  assertCandidatesWithFindings([
    ['python', 'import asyncpg\npool = asyncpg.create_pool(database="mobius")\n'],
    ['python', 'import asyncpg\npool = asyncpg.create_pool(database = (\n    # the main one\n    "mobius"))\n'],
    ['python', "import psycopg2\ncfg = {'host': 'pg', 'database': u'mobius'}\nconn = psycopg2.connect(**cfg)\n"],
    ['python', 'import pyodbc\nc = pyodbc.connect("Server=db;Database=billing;")\n'],
    ['python', 'import pyodbc\nc = pyodbc.connect("Server=db;" "Database=billing;")\n'],
    ['python', 'import psycopg\nconn = psycopg.connect(host="pg", database=f"mobius")\n'],
  ]);
});

test('Python: BaseSettings counts only in a class\'s bases, where settings classes come from (an import, an annotation or its own definition is none)', () => {
  assertRuledOutAndEmpty([
    ['python', 'from pydantic_settings import BaseSettings\n\n__all__ = ["BaseSettings"]\n'],
    ['python', 'from pydantic_settings import BaseSettings\n\ndef load(cls: type[BaseSettings]) -> BaseSettings:\n    return cls()\n'],
    ['python', 'class BaseSettings(BaseModel):\n    def __init__(self, **values):\n        super().__init__(**values)\n'],
  ]);
  assertCandidatesWithFindings([
    ['python', 'from pydantic_settings import BaseSettings\n\nclass S(BaseSettings, env_prefix="APP_"):\n    database_url: str\n'],
    ['python', 'import pydantic_settings\n\nclass S(\n    pydantic_settings.BaseSettings  # the base\n):\n    database_url: str\n'],
    ['python', 'from pydantic_settings import BaseSettings\n\nclass Base(BaseSettings):\n    debug: bool = False\n\nclass S(Base):\n    database_url: str\n'],
  ]);
});

test('JS: `database` counts as an option with a string value, or as ADO\'s `Database=` in a string; a type annotation, a parameter or an option with another value is none', () => {
  assertRuledOutAndEmpty([
    ['javascript', 'export interface Target {\n  database: string;\n  "database"?: Database;\n}\nfunction open(database: string, opts: { database?: string }) { return database; }\n'],
    ['javascript', 'const options = { database: config.name, database2: 1 };\nlet database = pick(options);\n'],
  ]);
  assertCandidatesWithFindings([
    ['javascript', "import { Pool } from 'pg';\nconst pool = new Pool({ database: 'mobius' });\n"],
    ['javascript', "import { Pool } from 'pg';\nconst pool = new Pool({ 'database' : (\"mobius\") });\n"],
    ['javascript', "import { Pool } from 'pg';\nconst pool = new Pool({ database: `mobius` });\n"],
    ['javascript', "import { Pool } from 'pg';\nconst pool = new Pool({\n  database: // the main one\n    'mobius',\n});\n"],
    ['javascript', "import { Pool } from 'pg';\nconst pool = new Pool({ database: /* main */ <string>'mobius' });\n"],
    ['javascript', "import sql from 'mssql';\nconst c = await sql.connect('Server=db;Database=billing;');\n"],
  ]);
});

test('Python: a file whose only database reads go through python-decouple\'s config() is analyzed, and its reads survive (it was ruled out: no `env` in it)', () => {
  const text = 'from decouple import config\n\nDATABASE_URL = config("DATABASE_URL")\nSESSIONS = config("SESSIONS_DB_PATH")\n';
  const found = analyzeFile({ path: 'app/settings.py', text } as Parameters<typeof analyzeFile>[0], 'python', NO_DECLARED);
  assert.deepEqual(found.references.map((r) => `${r.kind}:${r.envVar}`), ['env-read:DATABASE_URL', 'env-read:SESSIONS_DB_PATH']);
});
