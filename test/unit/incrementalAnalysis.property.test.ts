// Analyzing the same path again re-parses incrementally and replays the statements the parser
// reused (parseCache.ts, unitMemo.ts): the result must equal a fresh analysis of the same text,
// whatever the edits, for Python (tree-sitter) and JavaScript/TypeScript (the TypeScript parser).

import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { loadGrammars } from '../../server/src/engine/treeSitter';
import { detectPython } from '../../server/src/engine/detectors/python';
import { detectJavaScript } from '../../server/src/engine/detectors/javascript';
import type { Detector } from '../../server/src/engine/types';
import { syntheticSource } from '../../bench/generate';

before(async () => {
  await loadGrammars();
});

const FIXTURES = path.resolve(__dirname, '../fixtures/zoe-like');
const fixture = (rel: string) => readFileSync(path.join(FIXTURES, rel), 'utf8');

/** Statements whose findings depend on the file's imports and classes, inside blocks the parser reuses. */
const PYTHON_CONTEXT = `import psycopg2 as pg
from alembic import op


class Child(Settings):
    pass


def run():
    pg.connect(dbname="platform")
    cfg = {"host": "db", "database": "zoe"}
    sa.table("users", sa.column("id"))
    return cfg


class Grandchild(Child):
    redis_url: str
    class Config:
        env_prefix = "APP_"
`;

const PYTHON_SOURCES = [
  fixture('services/config.py'),
  fixture('services/rag/models.py'),
  fixture('services/core/db.py'),
  syntheticSource('python', 120, 3),
  PYTHON_CONTEXT,
  `import os
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy import Column, Table, MetaData
import psycopg2


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="APP_")
    database_url: str = "postgresql://app:secret@db:5432/zoe"
    memory_db_path: str = Field("/app/data/memory.db", env="MEMORY_DB_PATH")


class Child(Settings):
    rag_url: str


class Document(Base):
    __tablename__ = "documents"
    __table_args__ = {"schema": "rag"}


class Meta:
    db_table = "rag.chunks"


def connect():
    conn = psycopg2.connect(dbname="platform", host=os.getenv("PGHOST", "localhost"))
    path = os.environ.get("DATABASE_PATH") or "/app/data/zoe.db"
    os.environ["SESSIONS_DB"] = "sessions.db"
    url = f"sqlite:///{os.getenv('DATA_DIR', '/data')}/auth.db"
    op.create_table("users", schema="auth")
    return conn.execute("SELECT * FROM rag.documents WHERE id = %s")
`,
];

const TS_SOURCES = [
  fixture('scripts/migrate-auth.ts'),
  fixture('web/src/notifications.js'),
  syntheticSource('ts', 120, 4),
  `import { Pool } from 'pg';
import Database from 'better-sqlite3';
import { pgSchema, pgTable } from 'drizzle-orm/pg-core';
const knex = require('knex');

export const rag = pgSchema('rag');
export const documents = rag.table('documents', {});
export const users = pgTable('users', {});

const pool = new Pool({ host: process.env.PGHOST ?? 'localhost', database: 'platform' });
const db = new Database(process.env.DATABASE_PATH || '/app/data/zoe.db');
const url = \`postgresql://app:\${process.env.PG_PASSWORD}@db:5432/zoe\`;

@Entity({ name: 'sessions', schema: 'auth' })
export class Session {
  static tableName = 'sessions';
  open() {
    const { DATABASE_URL, MEMORY_DB: memory = 'memory.db' } = process.env;
    process.env.CACHE_URL = 'redis://cache:6379/0';
    return knex.schema.withSchema('rag').createTable('chunks', () => {});
  }
}

function query(): string {
  return 'SELECT * FROM auth.users';
}
`,
  `import { MongoClient } from 'mongodb';
import { Sequelize } from 'sequelize';
const ragSchema = pgSchema('rag');

export class Repo {
  open() {
    const client = new MongoClient(url);
    const options = { host: 'db', database: 'zoe' };
    sequelize.define('notes', {});
    return [client.db('zoe'), ragSchema.table('documents', {}), options];
  }
}
`,
];

/** Text that edits insert: syntax characters, indentation, non-ASCII, and pieces of database code. */
const insertion = fc.oneof(
  fc.string({ unit: fc.constantFrom('"', "'", '`', '\n', '    ', ' ', ':', '(', ')', '{', '}', '[', ']', '#', '\\', '$', '=', ',', '.', 'é', '😀', 'x', 'db', '/*', '*/', '//') , maxLength: 8 }),
  fc.constantFrom(
    '"/app/data/edit.db"', "'sqlite:///x.db'", 'os.getenv("DATABASE_URL")', 'process.env.DATABASE_URL', '\nclass S(BaseSettings):\n    pg_url: str\n',
    '\nimport sqlite3\n', "\nimport { MongoClient } from 'mongodb';\n", '__tablename__ = "t"', 'f"{x}"', '${y}', '"""doc"""', '\ndef f():\n    return 1\n',
  ),
);

/** Edits of a file's context (its first lines): imports and settings classes come and go. */
const contextInsertion = fc.constantFrom(
  'import sqlite3\n', 'import psycopg2 as pg\n', 'import pymongo\n', 'import psycopg2\n', 'from alembic import op\n', 'class Settings(BaseSettings):\n    x: int\n',
  "import pg from 'pg';\n", "import Database from 'better-sqlite3';\n", "import { MongoClient } from 'mongodb';\n", "import { Sequelize } from 'sequelize';\n",
  "const ragSchema = mysqlSchema('app');\n", '',
);

interface Edit {
  at: number;
  remove: number;
  insert: string;
}

const edit = fc.oneof(
  fc.record({ at: fc.double({ min: 0, max: 1, noNaN: true }), remove: fc.oneof(fc.nat(6), fc.nat(200)), insert: insertion }),
  fc.record({ at: fc.constant(0), remove: fc.oneof(fc.constant(0), fc.nat(40)), insert: contextInsertion }),
);

/** Applies an edit whose position is a fraction of the text's length. */
function apply(text: string, e: { at: number; remove: number; insert: string }): string {
  const at = Math.floor(e.at * text.length);
  return text.slice(0, at) + e.insert + text.slice(Math.min(text.length, at + e.remove));
}

let paths = 0;

/**
 * Analyzes `base` and then each edited text under one path (incremental from the third analysis
 * on), comparing each result with a fresh analysis of the same text under a path never seen.
 */
function checkSequence(detect: Detector, ext: string, base: string, edits: Edit[]): void {
  const kept = `incremental/p${++paths}${ext}`;
  let text = base;
  for (const step of [undefined, undefined, ...edits, undefined]) {
    if (step) text = apply(text, step);
    const fresh = `fresh/f${++paths}${ext}`;
    const expected = JSON.stringify(detect({ path: fresh, text })).split(fresh).join(kept);
    const actual = JSON.stringify(detect({ path: kept, text }));
    assert.equal(actual, expected, `after ${JSON.stringify(step)} of\n${text}`);
  }
}

test('Python: repeated analyses of an edited file equal fresh ones', () => {
  fc.assert(
    fc.property(fc.constantFrom(...PYTHON_SOURCES), fc.array(edit, { minLength: 1, maxLength: 8 }), (base, edits) => {
      checkSequence(detectPython, '.py', base, edits);
    }),
    { numRuns: 150 },
  );
});

test('TypeScript and JavaScript: repeated analyses of an edited file equal fresh ones', () => {
  fc.assert(
    fc.property(fc.constantFrom(...TS_SOURCES), fc.constantFrom('.ts', '.tsx', '.js'), fc.array(edit, { minLength: 1, maxLength: 8 }), (base, ext, edits) => {
      checkSequence(detectJavaScript, ext, base, edits);
    }),
    { numRuns: 150 },
  );
});

test('the bench editor: a line of a 5,000-line file rewritten again and again', () => {
  // The shape of bench/editor.ts: one line replaced per edit, far from the file's start.
  for (const [detect, ext, lang, line] of [
    [detectPython, '.py', 'python', (i: number) => `EDIT_DB = "/app/data/edit_${i}.db"`],
    [detectJavaScript, '.ts', 'ts', (i: number) => `const EDIT_DB = 'data/edit_${i}.db';`],
  ] as const) {
    const lines = syntheticSource(lang, 1500, 7).split('\n');
    const at = 700;
    const edits: Edit[] = [];
    let text = lines.join('\n');
    for (let i = 1; i <= 4; i++) {
      const start = text.split('\n').slice(0, at).join('\n').length + 1;
      const old = text.split('\n')[at];
      edits.push({ at: start / text.length, remove: old.length, insert: line(i) });
      text = apply(text, edits[edits.length - 1]);
    }
    checkSequence(detect, ext, lines.join('\n'), edits);
  }
});
