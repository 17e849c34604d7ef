import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { loadGrammars } from '../../../server/src/engine/treeSitter';
import { analyzePythonWithoutGrammar, decodeEscape, detectPython, splitQualified } from '../../../server/src/engine/detectors/python';
import { digest, ReferenceCollector } from '../../../server/src/engine/collector';
import type { DbReference, TableReference } from '../../../server/src/engine/types';
import { summary } from '../../helpers/references';

before(async () => {
  await loadGrammars();
});

/** [name, schema, form, declaration, line, startChar, endChar] of each table, in file order. */
function tableSummary(tables: TableReference[]): Array<[string, string, string, boolean, number, number, number]> {
  return [...tables]
    .sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character)
    .map((t) => [t.name, t.schema ?? '', t.form, t.declaration, t.range.start.line, t.range.start.character, t.range.end.character]);
}

function py(text: string, path = 'app/module.py') {
  return detectPython({ path, text });
}

/** The file text a reference's range covers (single-line ranges). */
function covered(text: string, r: { range: DbReference['range'] }): string {
  return text.split('\n')[r.range.start.line].slice(r.range.start.character, r.range.end.character);
}

// ---------------------------------------------------------------------------------------------
// Literals

test('sqlite3.connect: the path is a sqlite-path whose range is the value, not its quotes', () => {
  const text = 'import sqlite3\nconn = sqlite3.connect("/app/data/auth.db")\n';
  const { references } = py(text);
  assert.deepEqual(summary(references), [['sqlite-path', 'auth.db', '', 1, 24, 1, 41]]);
  assert.equal(references[0].value, '/app/data/auth.db');
  assert.equal(references[0].engine, 'sqlite');
  assert.equal(references[0].credentials, false);
});

test('os.getenv with a default: a read of the var and a literal that is only its default', () => {
  const text = 'DB = os.getenv("DATABASE_PATH", "/app/data/zoe.db")\n';
  const { references } = py(text);
  assert.deepEqual(summary(references), [
    ['env-read', 'DATABASE_PATH', '', 0, 16, 0, 29],
    ['sqlite-path', 'zoe.db', 'DATABASE_PATH', 0, 33, 0, 49],
  ]);
  assert.equal(references[0].envVar, 'DATABASE_PATH');
  assert.equal(references[0].engine, 'sqlite');
});

test('a URL with a password: connection-url with credentials, the password masked', () => {
  const text = 'DSN = "postgresql://app:hunter2@db/zoe"\n';
  const { references } = py(text);
  assert.deepEqual(summary(references), [['connection-url', 'zoe', '', 0, 7, 0, 38]]);
  assert.equal(references[0].value, 'postgresql://app:***@db/zoe');
  assert.equal(references[0].credentials, true);
  assert.equal(references[0].engine, 'postgres');
  assert.ok(!JSON.stringify(references).includes('hunter2'));
});

test('f-strings are templated URLs: interpolations are placeholders, and code inside them is walked', () => {
  const text = [
    'URL = f"postgresql://{u}:{p}@{h}/{db}"',
    "LOCAL = f\"sqlite:///{os.getenv('DATA_DIR')}/app.db\"",
    'ASYNC = F"postgresql+asyncpg://{cfg["user"]}:{cfg["pw"]!s}@{host}:{port:d}/mobius"',
  ].join('\n');
  const { references } = py(text);
  assert.deepEqual(summary(references), [
    ['connection-url', '<dynamic>', '', 0, 8, 0, 37],
    ['connection-url', 'app.db', '', 1, 10, 1, 50],
    ['env-read', 'DATA_DIR', '', 1, 32, 1, 40],
    ['connection-url', 'mobius', '', 2, 10, 2, 81],
  ]);
  const [templated, local, asyncUrl] = references.filter((r) => r.kind === 'connection-url');
  assert.equal(templated.value, 'postgresql://{u}:{p}@{h}/{db}');
  assert.equal(templated.credentials, false, '{p} is a placeholder, not a literal password');
  assert.equal(local.engine, 'sqlite');
  assert.equal(asyncUrl.credentials, false);
  assert.equal(covered(text, asyncUrl), text.split('\n')[2].slice(10, 81));
});

test('raw, triple-quoted, concatenated and escaped strings map to exact file offsets; bytes are left aside', () => {
  const text = [
    'WIN = "C:\\\\data\\\\auth.db"', //                 C:\\data\\auth.db in the file
    "RAW = r'C:\\data\\memory.db'",
    'URL = ("postgresql://app:"',
    '       "s3cret@db/zoe")',
    'ESC = "\\u0061udit.db"',
    'DOC = """',
    '/app/data/triple.db',
    '"""',
    'BLOB = b"legacy.db"',
    'UNI = "données/é🙂.db"',
  ].join('\n');
  const { references } = py(text);
  assert.deepEqual(summary(references), [
    ['sqlite-path', 'auth.db', '', 0, 7, 0, 24],
    ['sqlite-path', 'memory.db', '', 1, 8, 1, 25],
    ['connection-url', 'zoe', '', 2, 8, 3, 21],
    ['sqlite-path', 'audit.db', '', 4, 7, 4, 20],
    ['sqlite-path', 'triple.db', '', 6, 0, 6, 19],
    ['sqlite-path', 'é🙂.db', '', 9, 7, 9, 21],
  ]);
  const byTarget = new Map(references.map((r) => [r.target, r]));
  assert.equal(byTarget.get('auth.db')!.value, 'C:\\data\\auth.db', 'the value is what Python sees');
  assert.equal(byTarget.get('memory.db')!.value, 'C:\\data\\memory.db', 'raw strings keep their backslashes');
  assert.equal(byTarget.get('zoe')!.value, 'postgresql://app:***@db/zoe');
  assert.equal(byTarget.get('zoe')!.credentials, true);
  assert.equal(byTarget.get('audit.db')!.value, 'audit.db');
});

test('Path joins and os.path.join: the file name segment is a sqlite-path', () => {
  const text = [
    'ZOE = Path(ROOT) / "data" / "zoe.db"',
    'AUTH = os.path.join(BASE, "data", "auth.db")',
    'DATA = Path(__file__).parent / "data"',
  ].join('\n');
  assert.deepEqual(summary(py(text).references), [
    ['sqlite-path', 'zoe.db', '', 0, 29, 0, 35],
    ['sqlite-path', 'auth.db', '', 1, 35, 1, 42],
  ]);
});

// ---------------------------------------------------------------------------------------------
// Env reads and definitions

test('env reads of every form, with the range of the name inside its quotes', () => {
  const text = [
    'from os import getenv, environ',
    'a = os.getenv("A_URL")',
    'b = getenv("B_URL")',
    'c = os.environ["POSTGRES_HOST"]',
    'd = os.environ.get("D_URL")',
    'e = environ.get("E_URL")',
    'f = os.environ.setdefault("F_DB_PATH", "/tmp/f.db")',
    'g = os.environ.pop("G_URL", None)',
    'h = config("DATABASE_URL", default="sqlite:///h.db", cast=str)',
    'i = env("I_URL")',
    'j = env.str("J_URL", "sqlite:///j.db")',
    'k = env.int("DB_POOL_SIZE", default=5)',
    'l = config("not_an_env_var")',
    'm = settings.get("M_URL")',
  ].join('\n');
  assert.deepEqual(summary(py(text).references), [
    ['env-read', 'A_URL', '', 1, 15, 1, 20],
    ['env-read', 'B_URL', '', 2, 12, 2, 17],
    ['env-read', 'POSTGRES_HOST', '', 3, 16, 3, 29],
    ['env-read', 'D_URL', '', 4, 20, 4, 25],
    ['env-read', 'E_URL', '', 5, 17, 5, 22],
    ['env-read', 'F_DB_PATH', '', 6, 27, 6, 36],
    ['sqlite-path', 'f.db', 'F_DB_PATH', 6, 40, 6, 49],
    ['env-read', 'G_URL', '', 7, 20, 7, 25],
    ['env-read', 'DATABASE_URL', '', 8, 12, 8, 24],
    ['connection-url', 'h.db', 'DATABASE_URL', 8, 36, 8, 50],
    ['env-read', 'I_URL', '', 9, 9, 9, 14],
    ['env-read', 'J_URL', '', 10, 13, 10, 18],
    ['connection-url', 'j.db', 'J_URL', 10, 22, 10, 36],
    ['env-read', 'DB_POOL_SIZE', '', 11, 13, 11, 25],
  ]);
});

test('`or` fallbacks and nested defaults: the innermost read owns the literal', () => {
  const text = [
    'DB = os.getenv("DATABASE_PATH") or "data/zoe.db"',
    'N = os.getenv("A_DB", os.getenv("B_DB", "x.db"))',
    'O = os.environ.get("OLD_DB") or os.environ.get("NEW_DB") or "y.db"',
    'P = (os.getenv("P_DB") or "p.db") + "/../q.db"',
    'Q = flag or "plain.db"',
  ].join('\n');
  assert.deepEqual(summary(py(text).references), [
    ['env-read', 'DATABASE_PATH', '', 0, 16, 0, 29],
    ['sqlite-path', 'zoe.db', 'DATABASE_PATH', 0, 36, 0, 47],
    ['env-read', 'A_DB', '', 1, 15, 1, 19],
    ['env-read', 'B_DB', '', 1, 33, 1, 37],
    ['sqlite-path', 'x.db', 'B_DB', 1, 41, 1, 45],
    ['env-read', 'OLD_DB', '', 2, 20, 2, 26],
    ['env-read', 'NEW_DB', '', 2, 48, 2, 54],
    ['sqlite-path', 'y.db', 'NEW_DB', 2, 61, 2, 65],
    ['env-read', 'P_DB', '', 3, 16, 3, 20],
    ['sqlite-path', 'p.db', 'P_DB', 3, 27, 3, 31],
    ['sqlite-path', 'q.db', '', 3, 37, 3, 45],
    ['sqlite-path', 'plain.db', '', 4, 13, 4, 21],
  ]);
});

test('os.environ[X] = v and os.putenv define the var in this file; the value is still searched', () => {
  const text = [
    'os.environ["DATABASE_URL"] = "sqlite:///test.db"',
    'os.environ["PGDATABASE"] = name',
    'os.putenv("PGHOST", "localhost")',
    'del os.environ["UNUSED"]',
  ].join('\n');
  const { references } = py(text, 'tests/conftest.py');
  assert.deepEqual(summary(references), [
    ['env-define', 'DATABASE_URL', '', 0, 12, 0, 24],
    ['connection-url', 'test.db', '', 0, 30, 0, 47],
    ['env-define', 'PGDATABASE', '', 1, 12, 1, 22],
    ['env-define', 'PGHOST', '', 2, 11, 2, 17],
  ]);
  const defines = references.filter((r) => r.kind === 'env-define');
  assert.deepEqual(defines.map((d) => d.environment), ['tests/conftest.py', 'tests/conftest.py', 'tests/conftest.py']);
  assert.equal(defines[0].valueDigest, digest('sqlite:///test.db'));
  assert.equal(defines[1].valueDigest, undefined, 'a computed value has no digest');
  assert.equal(defines[2].value, 'PGHOST=localhost');
});

test('pydantic settings: fields are reads of their upper-cased names, defaults belong to them', () => {
  const text = [
    'from typing import ClassVar',
    'from pydantic import Field, AliasChoices',
    'from pydantic_settings import BaseSettings, SettingsConfigDict',
    '',
    'class Settings(BaseSettings):',
    '    database_path: str = "/app/data/zoe.db"',
    '    rag_database_url: str',
    '    memory_db: str = Field("/app/data/memory.db", env="MEMORY_DB_PATH")',
    '    chat_url: str = Field(default="sqlite:///chat.db", validation_alias=AliasChoices("CHAT_DATABASE_URL", "CHAT_DB"))',
    '    redis: str = Field(..., alias="REDIS_URL", description="the cache at redis://cache:6379/0")',
    '    _private: str = "x.db"',
    '    TABLES: ClassVar[list] = ["a.db"]',
    '',
    'class AppSettings(pydantic_settings.BaseSettings):',
    '    model_config = SettingsConfigDict(env_prefix="APP_")',
    '    database_url: str = "postgresql://app@db/mobius"',
    '',
    'class Child(AppSettings):',
    '    class Config:',
    '        env_prefix = "CHILD_"',
    '    db_path: str = "child.db"',
    '',
    'class NotSettings(BaseModel):',
    '    database_url: str = "sqlite:///model.db"',
  ].join('\n');
  assert.deepEqual(summary(py(text, 'app/config.py').references), [
    ['env-read', 'DATABASE_PATH', '', 5, 4, 5, 17],
    ['sqlite-path', 'zoe.db', 'DATABASE_PATH', 5, 26, 5, 42],
    ['env-read', 'RAG_DATABASE_URL', '', 6, 4, 6, 20],
    ['sqlite-path', 'memory.db', 'MEMORY_DB_PATH', 7, 28, 7, 47],
    ['env-read', 'MEMORY_DB_PATH', '', 7, 55, 7, 69],
    ['connection-url', 'chat.db', 'CHAT_DATABASE_URL', 8, 35, 8, 52],
    ['env-read', 'CHAT_DATABASE_URL', '', 8, 86, 8, 103],
    ['env-read', 'CHAT_DB', '', 8, 107, 8, 114],
    ['env-read', 'REDIS_URL', '', 9, 35, 9, 44],
    ['sqlite-path', 'x.db', '', 10, 21, 10, 25],
    ['sqlite-path', 'a.db', '', 11, 31, 11, 35],
    ['env-read', 'APP_DATABASE_URL', '', 15, 4, 15, 16],
    ['connection-url', 'mobius', 'APP_DATABASE_URL', 15, 25, 15, 51],
    ['env-read', 'CHILD_DB_PATH', '', 20, 4, 20, 11],
    ['sqlite-path', 'child.db', 'CHILD_DB_PATH', 20, 20, 20, 28],
    ['connection-url', 'model.db', '', 23, 25, 23, 43],
  ]);
});

test('statements without a quote are passed over; settings fields, which have none, are still read', () => {
  const plain = ['import os, sqlite3', 'def f(x):', '    y = x + 1', '    return sqlite3.connect(os.getenv("DB_PATH", "app.db"))'].join('\n');
  assert.deepEqual(summary(py(plain).references), [
    ['env-read', 'DB_PATH', '', 3, 38, 3, 45],
    ['sqlite-path', 'app.db', 'DB_PATH', 3, 49, 3, 55],
  ]);
  // No quote anywhere in the class or the function around it: a file that spells BaseSettings walks every statement.
  const settings = ['from pydantic_settings import BaseSettings', 'def make():', '    class S(BaseSettings):', '        database_url: str', '    return S'].join('\n');
  assert.deepEqual(summary(py(settings).references), [['env-read', 'DATABASE_URL', '', 3, 8, 3, 20]]);
});

// ---------------------------------------------------------------------------------------------
// Database names

test('db-name keywords of driver calls, with the engine of the module the call comes from', () => {
  const text = [
    'import psycopg2',
    'import asyncpg, pymysql, sqlite3',
    'import mysql.connector',
    'from psycopg import connect as pg_connect',
    'a = psycopg2.connect(dbname="mobius_rag", host="db")',
    'b = await asyncpg.create_pool(database="mobius")',
    'c = pymysql.connect(db_name="shop")',
    'd = mysql.connector.connect(database="legacy_shop")',
    'e = pg_connect(dbname="chat")',
    'f = sqlite3.connect(database="local.db")',
    'g = Client(name="not_a_db", database="data/x.db")',
    'h = sqlalchemy.URL.create("postgresql+psycopg2", database="platform")',
  ].join('\n');
  const { references } = py(text);
  assert.deepEqual(summary(references), [
    ['db-name', 'mobius_rag', '', 4, 29, 4, 39],
    ['db-name', 'mobius', '', 5, 40, 5, 46],
    ['db-name', 'shop', '', 6, 29, 6, 33],
    ['db-name', 'legacy_shop', '', 7, 38, 7, 49],
    ['db-name', 'chat', '', 8, 23, 8, 27],
    ['sqlite-path', 'local.db', '', 9, 30, 9, 38],
    ['sqlite-path', 'x.db', '', 10, 38, 10, 47],
    ['db-name', 'platform', '', 11, 59, 11, 67],
  ]);
  assert.deepEqual(references.filter((r) => r.kind === 'db-name').map((r) => r.engine), ['postgres', 'postgres', 'mysql', 'mysql', 'postgres', 'postgres']);
});

test('db names without a visible driver are unknown; Django DATABASES entries name theirs', () => {
  const text = [
    'conn = connect(database="reports")',
    'DATABASES = {',
    '    "default": {"ENGINE": "django.db.backends.postgresql", "NAME": "mobius", "HOST": "db"},',
    '    "local": {"ENGINE": "django.db.backends.sqlite3", "NAME": BASE_DIR / "db.sqlite3"},',
    '}',
    'OPTIONS = {"database": "analytics", "host": "warehouse"}',
    'LABELS = {"database": "Database", "name": "x"}',
  ].join('\n');
  const { references } = py(text, 'site/settings.py');
  assert.deepEqual(summary(references), [
    ['db-name', 'reports', '', 0, 25, 0, 32],
    ['db-name', 'mobius', '', 2, 68, 2, 74],
    ['sqlite-path', 'db.sqlite3', '', 3, 74, 3, 84],
    ['db-name', 'analytics', '', 5, 24, 5, 33],
  ]);
  assert.deepEqual(references.filter((r) => r.kind === 'db-name').map((r) => r.engine), ['unknown', 'postgres', 'unknown']);
});

// ---------------------------------------------------------------------------------------------
// Tables

test('SQLAlchemy: __tablename__ with __table_args__ schema, and Table(...) declarations', () => {
  const text = [
    'class Document(Base):',
    '    __tablename__ = "rag_documents"',
    '    __table_args__ = {"schema": "rag"}',
    '',
    'class Chunk(Base):',
    '    __tablename__ = "chunks"',
    '    __table_args__ = (Index("ix_chunk"), {"schema": "rag", "comment": "x"})',
    '',
    'class Plain(Base):',
    "    __tablename__ = 'users'",
    '',
    'tags = Table("tags", metadata, Column("id", Integer), schema="rag")',
    'links = sa.Table("links", Base.metadata)',
    'alone = Table("not_a_table")',
  ].join('\n');
  const { references, tables } = py(text, 'app/models.py');
  assert.deepEqual(references, []);
  assert.deepEqual(tableSummary(tables), [
    ['rag_documents', 'rag', 'sqlalchemy', true, 1, 21, 34],
    ['chunks', 'rag', 'sqlalchemy', true, 5, 21, 27],
    ['users', '', 'sqlalchemy', true, 9, 21, 26],
    ['tags', 'rag', 'sqlalchemy', true, 11, 14, 18],
    ['links', '', 'sqlalchemy', true, 12, 18, 23],
  ]);
});

test('Alembic operations: create_table declares, the others use; the table argument of each', () => {
  const text = [
    'from alembic import op',
    'import sqlalchemy as sa',
    '',
    'def upgrade():',
    '    op.create_table("rag_documents", sa.Column("id", sa.Integer), schema="rag")',
    '    op.add_column("users", sa.Column("email", sa.String))',
    '    op.create_index("ix_docs_source", "rag_documents", ["source"], schema="rag")',
    '    op.create_index(op.f("ix_x"), table_name="things")',
    '    op.rename_table("old_name", "new_name")',
    '    op.create_foreign_key("fk", "chunks", "documents", ["doc_id"], ["id"], referent_schema="rag")',
    '    seed = sa.table("roles", sa.column("name"))',
    '    op.bulk_insert(seed, [{"name": "admin"}])',
    '    op.bulk_insert(table("flags"), [])',
    '',
    'def downgrade():',
    '    op.drop_column("users", "email")',
    '    op.alter_column("users", "name", nullable=True)',
    '    op.drop_table("rag_documents", schema="rag")',
  ].join('\n');
  const { references, tables } = py(text, 'migrations/versions/0001_rag.py');
  assert.deepEqual(references, []);
  assert.deepEqual(tableSummary(tables), [
    ['rag_documents', 'rag', 'alembic', true, 4, 21, 34],
    ['users', '', 'alembic', false, 5, 19, 24],
    ['rag_documents', 'rag', 'alembic', false, 6, 39, 52],
    ['things', '', 'alembic', false, 7, 46, 52],
    ['old_name', '', 'alembic', false, 8, 21, 29],
    ['new_name', '', 'alembic', true, 8, 33, 41],
    ['chunks', '', 'alembic', false, 9, 33, 39],
    ['documents', 'rag', 'alembic', false, 9, 43, 52],
    ['roles', '', 'alembic', false, 10, 21, 26],
    ['flags', '', 'alembic', false, 12, 26, 31],
    ['users', '', 'alembic', false, 15, 20, 25],
    ['users', '', 'alembic', false, 16, 21, 26],
    ['rag_documents', 'rag', 'alembic', false, 17, 19, 32],
  ]);
});

test('Django Meta.db_table, plain or schema-qualified, names the bare table', () => {
  const text = [
    'class Document(models.Model):',
    '    class Meta:',
    '        db_table = "rag_documents"',
    'class Chunk(models.Model):',
    '    class Meta:',
    '        db_table = \'"rag"."chunks"\'',
    'class Source(models.Model):',
    '    class Meta:',
    '        db_table = "rag.sources"',
    'class Meta:',
    '    db_table = "top_level_is_not_a_model"',
  ].join('\n');
  assert.deepEqual(tableSummary(py(text, 'rag/models.py').tables), [
    ['rag_documents', '', 'django', true, 2, 20, 33],
    ['chunks', 'rag', 'django', true, 5, 27, 33],
    ['sources', 'rag', 'django', true, 8, 24, 31],
  ]);
  assert.deepEqual(splitQualified('"rag"."chunks"'), { schema: 'rag', name: 'chunks', start: 7, end: 13 });
  assert.equal(splitQualified('not a table'), undefined);
});

// Needs sqlTables.ts (findSqlTables / findSqlNames / looksLikeSql) to be implemented.
test('SQL inside strings: tables and schema names at their file offsets, escapes included', () => {
  const text = [
    'import psycopg2',
    'cur.execute("SELECT * FROM rag_documents WHERE id = %s", (1,))',
    'cur.execute("""',
    '    INSERT INTO rag.chunks (doc_id) VALUES (%s)',
    '""")',
    'cur.execute("SELECT 1;\\nCREATE SCHEMA rag")',
    'cur.execute(f"SELECT * FROM {table}")',
    'print("select a database to continue")',
  ].join('\n');
  const { references, tables } = py(text, 'app/repo.py');
  assert.deepEqual(tableSummary(tables), [
    ['rag_documents', '', 'sql', false, 1, 27, 40],
    ['chunks', 'rag', 'sql', false, 3, 20, 26],
  ]);
  assert.deepEqual(summary(references), [['db-name', 'rag', '', 5, 38, 5, 41]]);
  assert.equal(references[0].engine, 'postgres', 'CREATE SCHEMA in a file that imports psycopg2');
});

// ---------------------------------------------------------------------------------------------
// Negatives and robustness

test('not references: attributes, imports, Thumbs.db, globs, host names, comments, docstrings, prose', () => {
  const text = [
    '"""Service module. Connects to postgresql://u:p@h/db and keeps auth.db."""',
    'from app.db import session',
    'import app.db',
    'import app.db as appdb',
    '',
    '# sqlite3.connect("auth.db")',
    'class Repo:',
    '    """The repository over zoe.db."""',
    '',
    '    def __init__(self):',
    '        """Opens sqlite:///legacy.db lazily."""',
    '        self.db = None  # auth.db later',
    '        "a bare string about legacy.db is documentation too"',
    '',
    'ignored = ["Thumbs.db", "*.db", "data/*.sqlite", ".db"]',
    'host = "db.example.com"',
    'url = "https://db.example.com/api"',
    'label = "database"',
    'mod = importlib.import_module("app.db")',
    'log = logging.getLogger("app.db")',
    'parser.add_argument("--db", default="data/app.db", help="path, e.g. data/other.db")',
  ].join('\n');
  const { references, tables } = py(text);
  assert.deepEqual(summary(references), [['sqlite-path', 'app.db', '', 20, 37, 20, 48]]);
  assert.deepEqual(tables, []);
});

test('a file that fails to parse still yields what tree-sitter recovers, and never throws', () => {
  const text = [
    'def broken(:',
    '    pass',
    'conn = sqlite3.connect("data/app.db")',
    'class X(',
    'DB = os.getenv("DATABASE_URL", "sqlite:///./broken.db")',
    'x = "unterminated',
  ].join('\n');
  const { references } = py(text);
  const found = summary(references).map(([kind, target, defaultOf]) => `${kind}:${target}:${defaultOf}`);
  assert.ok(found.includes('sqlite-path:app.db:'), found.join(' '));
  assert.ok(found.includes('env-read:DATABASE_URL:'), found.join(' '));
  assert.ok(found.includes('connection-url:broken.db:DATABASE_URL'), found.join(' '));
  for (const garbage of ['\u0000\uffff"', '('.repeat(5000), '"""', 'f"{', "b'\\x00'"]) {
    assert.doesNotThrow(() => py(garbage));
  }
});

test('a very long or-chain and deep nesting are walked without running out of stack', () => {
  const text = 'X = os.getenv("DEEP_DB") or ' + 'a or '.repeat(2000) + '"deep.db"\nY = ' + '['.repeat(500) + '"nested.db"' + ']'.repeat(500) + '\n';
  const refs = py(text).references;
  assert.ok(refs.some((r) => r.target === 'nested.db'));
  assert.ok(refs.some((r) => r.kind === 'env-read' && r.target === 'DEEP_DB'));
});

test('without the grammar, string literals are still searched and comments are not', () => {
  const file = { path: 'x.py', text: '# "auth.db"\nDB = os.getenv("DATABASE_PATH", \'/app/data/zoe.db\')\nB = b"blob.db"\nT = """\ntriple.db"""\n' };
  const c = new ReferenceCollector(file);
  analyzePythonWithoutGrammar(c, file.text);
  assert.deepEqual(summary(c.result().references), [
    ['sqlite-path', 'zoe.db', '', 1, 33, 1, 49],
    ['sqlite-path', 'triple.db', '', 4, 0, 4, 9],
  ]);
});

test('decodeEscape: Python escape sequences', () => {
  assert.equal(decodeEscape('\\n'), '\n');
  assert.equal(decodeEscape('\\\\'), '\\');
  assert.equal(decodeEscape('\\x41'), 'A');
  assert.equal(decodeEscape('\\101'), 'A');
  assert.equal(decodeEscape('\\u00e9'), 'é');
  assert.equal(decodeEscape('\\U0001F642'), '🙂');
  assert.equal(decodeEscape('\\\n'), '');
  assert.equal(decodeEscape('\\N{BULLET}'), '\ufffd');
  assert.equal(decodeEscape('\\d'), '\\d');
});

// ---------------------------------------------------------------------------------------------
// A realistic module

test('a service module with settings, an engine, models and a migration body', () => {
  const text = [
    '"""RAG service: documents and chunks in mobius (see postgresql://docs@wiki/mobius)."""', // 0
    'import os',
    'from pathlib import Path',
    '',
    'import psycopg2',
    'from alembic import op',
    'import sqlalchemy as sa',
    'from sqlalchemy import create_engine, Column, Integer, Text',
    'from sqlalchemy.orm import declarative_base',
    'from pydantic_settings import BaseSettings, SettingsConfigDict',
    '', // 10
    'ROOT = Path(__file__).resolve().parent',
    'CACHE_DB = Path(os.getenv("CACHE_DIR", ROOT)) / "cache.db"',
    '',
    '',
    'class Settings(BaseSettings):',
    '    model_config = SettingsConfigDict(env_prefix="RAG_")',
    '    database_url: str = "postgresql+psycopg2://rag:Tr0ub4dor@db:5432/mobius_rag"',
    '    sqlite_path: str = str(ROOT / "data" / "rag.db")',
    '',
    '', // 20
    'settings = Settings()',
    'engine = create_engine(os.environ.get("DATABASE_URL") or settings.database_url)',
    'Base = declarative_base()',
    '',
    '',
    'class Document(Base):',
    '    __tablename__ = "rag_documents"',
    '    __table_args__ = {"schema": "rag"}',
    '    id = Column(Integer, primary_key=True)',
    '    body = Column(Text)  # mirrored from auth.db', // 30
    '',
    '',
    'def legacy_connection():',
    '    return psycopg2.connect(dbname="mobius_chat", host=os.environ["POSTGRES_HOST"])',
    '',
    '',
    'def upgrade():',
    '    op.create_table("chunks", sa.Column("id", sa.Integer), schema="rag")',
    '    op.create_index("ix_chunks_doc", "chunks", ["doc_id"], schema="rag")',
    '    op.execute("CREATE SCHEMA IF NOT EXISTS rag")', // 40
  ].join('\n');
  const { references, tables } = py(text, 'services/rag/service.py');
  assert.deepEqual(summary(references), [
    ['env-read', 'CACHE_DIR', '', 12, 27, 12, 36],
    ['sqlite-path', 'cache.db', '', 12, 49, 12, 57],
    ['env-read', 'RAG_DATABASE_URL', '', 17, 4, 17, 16],
    ['connection-url', 'mobius_rag', 'RAG_DATABASE_URL', 17, 25, 17, 79],
    ['env-read', 'RAG_SQLITE_PATH', '', 18, 4, 18, 15],
    ['sqlite-path', 'rag.db', 'RAG_SQLITE_PATH', 18, 44, 18, 50],
    ['env-read', 'DATABASE_URL', '', 22, 39, 22, 51],
    ['db-name', 'mobius_chat', '', 34, 36, 34, 47],
    ['env-read', 'POSTGRES_HOST', '', 34, 67, 34, 80],
    ['db-name', 'rag', '', 40, 44, 40, 47], // needs sqlTables.ts
  ]);
  const url = references.find((r) => r.kind === 'connection-url')!;
  assert.equal(url.value, 'postgresql+psycopg2://rag:***@db:5432/mobius_rag');
  assert.equal(url.credentials, true);
  assert.deepEqual(tableSummary(tables), [
    ['rag_documents', 'rag', 'sqlalchemy', true, 27, 21, 34],
    ['chunks', 'rag', 'alembic', true, 38, 21, 27],
    ['chunks', 'rag', 'alembic', false, 39, 38, 44],
  ]);
});
